package search

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"math"
	"regexp"
	"strconv"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/db"
)

// ErrCursor is a cursor that names no page of the results of its words.
var ErrCursor = platform.NewError(platform.ErrNotFound, "no such page of results")

// Cursor is where a page of results starts: after the hit of rank Rank,
// kind Kind and id ID. The zero Cursor is the first page. Ranks are
// deterministic (the same words over the same text rank the same), so a
// page starts exactly where the one before it ended.
type Cursor struct {
	Set  bool
	Rank float64
	Kind string
	ID   int64
}

// sumLen is the length of a cursor's checksum.
const sumLen = 8

// kindRE is what a hit's kind (a message key) looks like.
var kindRE = regexp.MustCompile(`^[a-z][a-z0-9_.]{0,63}$`)

// At is the cursor after hit h.
func At(h Hit) Cursor { return Cursor{Set: true, Rank: h.Rank, Kind: h.Kind, ID: h.ID} }

// Encode is the cursor as a URL parameter of the results of words: a
// checksum, then the rank (exactly, as Go prints a float64), the kind and
// the id.
func (c Cursor) Encode(words string) string {
	var b []byte
	b = strconv.AppendFloat(b, c.Rank, 'g', -1, 64)
	b = append(b, '|')
	b = append(b, c.Kind...)
	b = append(b, '|')
	b = strconv.AppendInt(b, c.ID, 10)
	return base64.RawURLEncoding.EncodeToString(append(sum(words, b), b...))
}

// DecodeCursor reads a cursor of the results of words from its URL
// parameter ("" is the first page); anything Encode did not write for
// those words is ErrCursor.
func DecodeCursor(words, s string) (Cursor, error) {
	if s == "" {
		return Cursor{}, nil
	}
	if len(s) > 200 {
		return Cursor{}, ErrCursor
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil || len(raw) < sumLen || !bytes.Equal(raw[:sumLen], sum(words, raw[sumLen:])) {
		return Cursor{}, ErrCursor
	}
	parts := bytes.Split(raw[sumLen:], []byte("|"))
	if len(parts) != 3 || !kindRE.Match(parts[1]) {
		return Cursor{}, ErrCursor
	}
	rank, err1 := strconv.ParseFloat(string(parts[0]), 64)
	id, err2 := strconv.ParseInt(string(parts[2]), 10, 64)
	if err1 != nil || err2 != nil || math.IsNaN(rank) || math.IsInf(rank, 0) || rank < 0 {
		return Cursor{}, ErrCursor
	}
	return Cursor{Set: true, Rank: rank, Kind: string(parts[1]), ID: id}, nil
}

// sum is the checksum of a cursor's bytes b for the results of words. It
// is not a secret: it tells a cursor a page wrote for these words from one
// altered by hand or taken from another search.
func sum(words string, b []byte) []byte {
	h := sha256.New()
	h.Write([]byte("search\x00"))
	h.Write([]byte(words))
	h.Write([]byte{0})
	h.Write(b)
	return h.Sum(nil)[:sumLen]
}

// after is the condition (over the ranked rows aliased h) of the hits of
// kind that come after c in the order of results, with its arguments.
func (c Cursor) after(kind string, p *db.Params) (string, []any) {
	rank := p.Arg(c.Rank)
	switch {
	case !c.Set:
		return "TRUE", nil
	case kind < c.Kind:
		return "h.rank < ?", []any{rank}
	case kind == c.Kind:
		return "(h.rank < ? OR (h.rank = ? AND h.id < ?))", []any{rank, rank, p.Arg(c.ID)}
	default:
		return "h.rank <= ?", []any{rank}
	}
}
