package taxid

import (
	"errors"
	"testing"
)

func TestVAT(t *testing.T) {
	for _, c := range []struct {
		in, want string
		err      error
	}{
		{"01114601006", "01114601006", nil},
		{"IT 01114601006", "01114601006", nil},
		{"12345678903", "12345678903", nil},
		{"00743110157", "00743110157", nil},
		{"01114601007", "", ErrCheck},
		{"12345678901", "", ErrCheck},
		{"0111460100", "", ErrFormat},
		{"011146010061", "", ErrFormat},
		{"0111460100A", "", ErrFormat},
		{"00000000000", "", ErrFormat},
		{"", "", ErrFormat},
	} {
		got, err := VAT(c.in)
		if got != c.want || !errors.Is(err, c.err) {
			t.Errorf("VAT(%q) = %q, %v; want %q, %v", c.in, got, err, c.want, c.err)
		}
	}
}

func TestFiscalCode(t *testing.T) {
	for _, c := range []struct {
		in, want string
		err      error
	}{
		{"RSSMRA85T10A562S", "RSSMRA85T10A562S", nil},
		{"rssmra85t10a562s", "RSSMRA85T10A562S", nil},
		{"MRTMTT25D09F205Z", "MRTMTT25D09F205Z", nil},
		{"BNCGVN80A01H501J", "BNCGVN80A01H501J", nil},
		// omocodia: the place's last digit 1 written as M
		{"BNCGVN80A01H50MB", "BNCGVN80A01H50MB", nil},
		// an organisation's fiscal code is checked like a VAT number
		{"01114601006", "01114601006", nil},
		{"RSSMRA85T10A562T", "", ErrCheck},
		{"RSSMRA85T10A562", "", ErrFormat},
		{"RSSMRA85Z10A562S", "", ErrFormat}, // no month Z
		{"RSSMR185T10A562S", "", ErrFormat},
		{"RSSMRA85T1XA562S", "", ErrFormat},
		{"01114601007", "", ErrCheck},
	} {
		got, err := FiscalCode(c.in)
		if got != c.want || !errors.Is(err, c.err) {
			t.Errorf("FiscalCode(%q) = %q, %v; want %q, %v", c.in, got, err, c.want, c.err)
		}
	}
}
