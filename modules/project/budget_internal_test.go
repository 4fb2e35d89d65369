package project

import "testing"

// TestParseAmount: amounts in Italian and English, with and without
// thousands, become exact cents; ambiguous, negative, malformed and
// too precise ones are refused with their reason.
func TestParseAmount(t *testing.T) {
	for _, c := range []struct {
		in, lang string
		cents    int64
		reason   string
	}{
		{"0,01", "it", 1, ""},
		{"0.01", "en", 1, ""},
		{"0,01", "en", 1, ""},
		{"1.234,56", "it", 123456, ""},
		{"1.234,56", "en", 123456, ""},
		{"1,234.56", "en", 123456, ""},
		{"1,234.56", "it", 123456, ""},
		{"1234.56", "it", 123456, ""},
		{"1234,56", "en", 123456, ""},
		{"1234,5", "it", 123450, ""},
		{"1.234", "it", 123400, ""},
		{"1,234", "en", 123400, ""},
		{"1.234.567", "en", 123456700, ""},
		{"12,345,678.90", "it", 1234567890, ""},
		{"€ 1.000,00", "it", 100000, ""},
		{"1 000,00 €", "it", 100000, ""},
		{"0", "it", 0, ""},
		{"007", "it", 700, ""},
		{"99999999999,99", "it", 9999999999999, ""},
		{"", "it", 0, "required"},
		{"   ", "en", 0, "required"},
		{"-5", "it", 0, "negative"},
		{"−5", "it", 0, "negative"},
		{"(5,00)", "it", 0, "negative"},
		{"1,234", "it", 0, "ambiguous"},
		{"1.234", "en", 0, "ambiguous"},
		{"1234.567", "en", 0, "decimals"},
		{"1,2345", "it", 0, "decimals"},
		{"1,005", "it", 0, "ambiguous"},
		{"1.234.56", "it", 0, "format"},
		{"12,", "it", 0, "format"},
		{",50", "it", 0, "format"},
		{"1e3", "en", 0, "format"},
		{"+5", "en", 0, "format"},
		{"abc", "it", 0, "format"},
		{"12.34,56", "it", 0, "format"},
		{"1,23,456.00", "en", 0, "format"},
		{"1.234,56,7", "it", 0, "format"},
		{"100000000000", "it", 0, "large"},
		{"9223372036854775807", "en", 0, "large"},
	} {
		cents, reason := ParseAmount(c.in, c.lang)
		if cents != c.cents || reason != c.reason {
			t.Errorf("ParseAmount(%q, %s) = %d, %q; want %d, %q", c.in, c.lang, cents, reason, c.cents, c.reason)
		}
	}
}

// TestMoney: cents written back in each language's way, signed, read back
// to the same cents (no cent lost on the way).
func TestMoney(t *testing.T) {
	for _, c := range []struct {
		cents  int64
		it, en string
	}{{0, "0,00", "0.00"}, {1, "0,01", "0.01"}, {123456, "1.234,56", "1,234.56"}, {-123456, "-1.234,56", "-1,234.56"},
		{100000000, "1.000.000,00", "1,000,000.00"}} {
		if got := Money(c.cents, "it"); got != c.it {
			t.Errorf("Money(%d, it) = %q, want %q", c.cents, got, c.it)
		}
		if got := Money(c.cents, "en"); got != c.en {
			t.Errorf("Money(%d, en) = %q, want %q", c.cents, got, c.en)
		}
	}
	for n := int64(0); n < 200_000; n += 7 {
		for _, lang := range []string{"it", "en"} {
			if got, reason := ParseAmount(Money(n, lang), lang); got != n || reason != "" {
				t.Fatalf("%d written in %s and read back: %d %q", n, lang, got, reason)
			}
		}
	}
}
