package partnership

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// The XML export read by the import (docs/een-import.md): a root element
// <profiles> holding one <profile> per partnership profile. It is read
// token by token, one profile at a time, so that a large file never sits
// in memory as a tree; every problem is reported with its line.

// Record is one profile of an export, as read and checked.
type Record struct {
	// Line is where its <profile> starts; Index its number in the file
	// (from 1).
	Line, Index int

	Reference, Kind, Title, Summary, Description, Innovation string
	Stage, IPR, PartnerType, PartnerRole, Language           string
	Countries                                                []string
	// Published and Deadline are days (YYYY-MM-DD); Deadline may be "".
	Published, Deadline   string
	Technologies, Markets []Keyword
	Words                 []string
}

// Problem is what is wrong with a file, where.
type Problem struct {
	// Line is the line of the file; Index and Reference the profile's
	// (0 and "" for a problem of the file as a whole).
	Line, Index int
	Reference   string
	// Code names the problem (its message is partnership.import.error.<Code>);
	// Field is the element, Value what it held, Max a limit.
	Code, Field, Value string
	Max                int
}

// Error is the problem in English, for the command line and logs.
func (p Problem) Error() string {
	where := fmt.Sprintf("line %d", p.Line)
	if p.Index > 0 {
		where += fmt.Sprintf(", profile %d", p.Index)
		if p.Reference != "" {
			where += " (" + p.Reference + ")"
		}
	}
	return where + ": " + englishText(p)
}

// englishText says what is wrong, in English.
func englishText(p Problem) string {
	switch p.Code {
	case "syntax":
		return "the file is not well-formed XML: " + p.Value
	case "root":
		return "the root element must be <profiles>, not <" + p.Value + ">"
	case "empty":
		return "the file holds no <profile>"
	case "missing":
		return "<" + p.Field + "> is missing or empty"
	case "long":
		return fmt.Sprintf("<%s> is longer than %d characters", p.Field, p.Max)
	case "many":
		return fmt.Sprintf("<%s> holds more than %d entries", p.Field, p.Max)
	case "date":
		return fmt.Sprintf("<%s> is not a date (YYYY-MM-DD): %q", p.Field, p.Value)
	case "kind":
		return fmt.Sprintf("<type> is not a known kind (TO, TR, BO, BR, RDR): %q", p.Value)
	case "reference":
		return fmt.Sprintf("<reference> is not an EEN reference (3 to 40 letters, digits, . _ / -): %q", p.Value)
	case "duplicate":
		return fmt.Sprintf("the reference %q appears twice in the file", p.Value)
	case "country":
		return fmt.Sprintf("<country> is not an ISO 3166 country code: %q", p.Value)
	case "language":
		return fmt.Sprintf("<language> is not a language of the site: %q", p.Value)
	case "nested":
		return "<" + p.Field + "> holds elements where text was expected"
	case "deadline":
		return "<deadline> comes before <published>"
	}
	return p.Code
}

// Problems are all that is wrong with a file (it is refused whole).
type Problems []Problem

// maxProblems is how many problems a file's report lists at most.
const maxProblems = 100

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// Parse reads an export from r, checking each profile; progress, when not
// nil, is told of every 500 profiles read. It returns the records, or the
// file's problems (at most maxProblems): then nothing of it may be
// written.
func Parse(r io.Reader, progress func(read int)) ([]Record, error) {
	p := &parser{d: xml.NewDecoder(r), seen: map[string]int{}}
	p.d.Strict = true
	err := p.run(progress)
	var syn *xml.SyntaxError
	if errors.As(err, &syn) {
		p.add(Problem{Line: syn.Line, Code: "syntax", Value: syn.Msg})
	} else if err != nil && !errors.Is(err, errFull) {
		line, _ := p.d.InputPos()
		p.add(Problem{Line: line, Code: "syntax", Value: err.Error()})
	}
	if len(p.problems) > 0 {
		return nil, p.problems
	}
	return p.records, nil
}

// errFull stops reading once maxProblems are reported.
var errFull = errors.New("too many problems")

// parser reads one file.
type parser struct {
	d        *xml.Decoder
	records  []Record
	problems Problems
	// seen are the references read, with their profile's index; count
	// the profiles read.
	seen  map[string]int
	count int
}

func (p *parser) add(pr Problem) {
	if len(p.problems) < maxProblems {
		p.problems = append(p.problems, pr)
	}
}

func (p *parser) line() int {
	l, _ := p.d.InputPos()
	return l
}

// run reads the root element and each profile in it.
func (p *parser) run(progress func(int)) error {
	root, err := p.start()
	if err != nil {
		return err
	}
	if root.Name.Local != "profiles" {
		p.add(Problem{Line: p.line(), Code: "root", Value: root.Name.Local})
		return nil
	}
	for {
		el, err := p.child()
		if err != nil || el == nil {
			if err == nil && p.count == 0 {
				p.add(Problem{Line: p.line(), Code: "empty"})
			}
			return err
		}
		if el.Name.Local != "profile" {
			if err := p.d.Skip(); err != nil {
				return err
			}
			continue
		}
		if err := p.profile(); err != nil {
			return err
		}
		if len(p.problems) >= maxProblems {
			return errFull
		}
		if n := len(p.records); progress != nil && n > 0 && n%500 == 0 {
			progress(n)
		}
	}
}

// start reads up to the first start element (the root).
func (p *parser) start() (xml.StartElement, error) {
	for {
		tok, err := p.d.Token()
		if err == io.EOF {
			return xml.StartElement{}, &xml.SyntaxError{Msg: "no root element", Line: p.line()}
		}
		if err != nil {
			return xml.StartElement{}, err
		}
		if el, ok := tok.(xml.StartElement); ok {
			return el, nil
		}
	}
}

// child reads up to the next child element of the current one, or its end
// (nil); text between elements is ignored.
func (p *parser) child() (*xml.StartElement, error) {
	for {
		tok, err := p.d.Token()
		if err == io.EOF {
			return nil, &xml.SyntaxError{Msg: "unexpected end of file", Line: p.line()}
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return &t, nil
		case xml.EndElement:
			return nil, nil
		}
	}
}

// text reads the text of the current element up to its end, trimmed;
// nested elements are skipped and reported as bad by the caller (false).
func (p *parser) text() (string, bool, error) {
	var b strings.Builder
	flat := true
	for {
		tok, err := p.d.Token()
		if err != nil {
			return "", false, err
		}
		switch t := tok.(type) {
		case xml.CharData:
			b.Write(t)
		case xml.StartElement:
			flat = false
			if err := p.d.Skip(); err != nil {
				return "", false, err
			}
		case xml.EndElement:
			return strings.TrimSpace(b.String()), flat, nil
		}
	}
}
