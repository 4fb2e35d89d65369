package main

import (
	"math/rand/v2"
	"strings"
	"unicode"
	"unicode/utf8"
)

// writer writes the text of one language from a seeded random source, so
// that the same figures give the same tenant. Its sentences are not good
// prose, but their words are real and as unevenly frequent as in real
// text, which is what search and its indexes see.
type writer struct {
	rng   *rand.Rand
	v     *vocabulary
	lang  string
	nouns *rand.Zipf
}

func newWriter(rng *rand.Rand, v *vocabulary, lang string) *writer {
	return &writer{rng: rng, v: v, lang: lang, nouns: rand.NewZipf(rng, 1.1, 2, uint64(len(v.nouns)-1))}
}

// noun is a noun with its article ("il progetto"; English nouns have none).
func (w *writer) noun() string { return w.v.nouns[w.nouns.Uint64()] }

func (w *writer) pick(l []string) string { return l[w.rng.IntN(len(l))] }

// phrase is a noun with an adjective that agrees with it.
func (w *writer) phrase() string {
	n, a := w.noun(), w.pick(w.v.adjectives)
	if w.lang == "en" {
		return "the " + a + " " + n
	}
	return n + " " + agree(a, n)
}

// agree makes an Italian adjective in -o feminine after a feminine noun.
func agree(adj, noun string) string {
	bare := bareNoun(noun)
	fem := strings.HasPrefix(noun, "la ") || (strings.HasPrefix(noun, "l'") &&
		(strings.HasSuffix(bare, "a") || strings.HasSuffix(bare, "à") || strings.HasSuffix(bare, "ione")))
	if fem && strings.HasSuffix(adj, "o") {
		return adj[:len(adj)-1] + "a"
	}
	return adj
}

// bareNoun drops the article of a noun.
func bareNoun(n string) string {
	if i := strings.IndexAny(n, " '"); i >= 0 && i <= 3 {
		return n[i+1:]
	}
	return n
}

// sentence is one sentence; rare adds a rarely used word at its end.
func (w *writer) sentence(rare bool) string {
	var b strings.Builder
	b.WriteString(capital(w.phrase()))
	b.WriteString(" " + w.pick(w.v.verbs) + " ")
	if w.lang == "en" {
		b.WriteString("the " + w.noun())
	} else {
		b.WriteString(w.noun())
	}
	b.WriteString(" " + w.pick(w.v.links) + " " + w.phrase())
	if rare {
		b.WriteString(", " + w.pick(w.v.links) + " " + w.pick(w.v.rare))
	}
	b.WriteString(".")
	return b.String()
}

// sentences is n sentences; one of them, now and then, with a rare word.
func (w *writer) sentences(n int) string {
	rare := -1
	if w.rng.IntN(8) == 0 {
		rare = w.rng.IntN(n)
	}
	s := make([]string, n)
	for i := range s {
		s[i] = w.sentence(i == rare)
	}
	return strings.Join(s, " ")
}

// paragraphs is the HTML of lo to hi paragraphs of three to five sentences.
func (w *writer) paragraphs(lo, hi int) string {
	var b strings.Builder
	for range lo + w.rng.IntN(hi-lo+1) {
		b.WriteString("<p>" + w.sentences(3+w.rng.IntN(3)) + "</p>")
	}
	return b.String()
}

// title is a headline: "Filiera digitale per il territorio".
func (w *writer) title() string {
	n := w.noun()
	t := capital(bareNoun(n)) + " " + agree(w.pick(w.v.adjectives), n) + " " + w.pick(w.v.links) + " "
	if w.lang == "en" {
		t = capital(w.pick(w.v.adjectives)) + " " + bareNoun(n) + " " + w.pick(w.v.links) + " the "
	}
	t += w.noun()
	if w.rng.IntN(40) == 0 {
		t += " " + w.pick(w.v.links) + " " + w.pick(w.v.rare)
	}
	return clip(t, 200)
}

// capital upper-cases the first letter.
func capital(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// clip cuts s to at most n bytes, on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// commonWords are the words found in most seeded items of a language
// (searched as "a word present in many items"); rareWords are in a few.
func commonWords(v *vocabulary) []string {
	out := make([]string, 0, 12)
	for _, n := range v.nouns[:12] {
		out = append(out, bareNoun(n))
	}
	return out
}

func rareWords(v *vocabulary) []string { return v.rare }
