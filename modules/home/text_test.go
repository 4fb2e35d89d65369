package home

import (
	"slices"
	"testing"
)

func TestExcerpt(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want string
	}{
		{"Breve.", 20, "Breve."},
		{"  spazi \n e  righe ", 20, "spazi e righe"},
		{"Contributi a fondo perduto per le imprese", 20, "Contributi a fondo…"},
		{"Città, università, comunità: tutte insieme", 22, "Città, università…"},
		{"Parolalunghissimasenzaspazi", 10, "Parolalung…"},
	} {
		if got := excerpt(tc.in, tc.max); got != tc.want {
			t.Errorf("excerpt(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
}

func TestParagraphs(t *testing.T) {
	got := paragraphs("\r\nPrimo paragrafo,\nsu due righe.\r\n\r\n\n\nSecondo.\n\n  \n")
	want := []string{"Primo paragrafo,\nsu due righe.", "Secondo."}
	if !slices.Equal(got, want) {
		t.Errorf("paragraphs: %q, want %q", got, want)
	}
	if p := paragraphs("  \n\n "); p != nil {
		t.Errorf("blank text: %q", p)
	}
}
