// Package taxid checks Italian tax identifiers: the VAT number (partita IVA)
// and the fiscal code (codice fiscale) of people and of organisations, by
// their format and check character.
package taxid

import (
	"errors"
	"strings"
)

// The reasons an identifier is refused.
var (
	ErrFormat = errors.New("taxid: wrong format")
	ErrCheck  = errors.New("taxid: wrong check character")
)

// VAT returns the VAT number s (spaces and an "IT" prefix dropped) when its
// format and check digit are right.
func VAT(s string) (string, error) {
	s = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	s = strings.TrimPrefix(s, "IT")
	if len(s) != 11 || strings.Trim(s, "0123456789") != "" || s[:7] == "0000000" {
		return "", ErrFormat
	}
	if luhn(s[:10]) != s[10] {
		return "", ErrCheck
	}
	return s, nil
}

// luhn is the check digit of the first ten digits of a VAT number: digits
// in odd places count as they are, those in even places doubled (less nine
// when over nine).
func luhn(s string) byte {
	sum := 0
	for i := 0; i < len(s); i++ {
		d := int(s[i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

// FiscalCode returns the fiscal code s, upper-cased without spaces, when
// it is right: sixteen characters of a person (omocodia variants included)
// or eleven digits of an organisation (checked like a VAT number).
func FiscalCode(s string) (string, error) {
	s = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	if len(s) == 11 {
		return VAT(s)
	}
	if len(s) != 16 || !personShape(s) {
		return "", ErrFormat
	}
	if checkChar(s[:15]) != s[15] {
		return "", ErrCheck
	}
	return s, nil
}

// personShape: surname and name (6 letters), year (2), month (a letter of
// ABCDEHLMPRST), day (2), place (a letter and 3), check letter; digits of
// year, day and place may be letters of LMNPQRSTUV (omocodia).
func personShape(s string) bool {
	const omocodia = "LMNPQRSTUV"
	for i := 0; i < 16; i++ {
		c := s[i]
		letter := c >= 'A' && c <= 'Z'
		switch {
		case i < 6 || i == 11 || i == 15:
			if !letter {
				return false
			}
		case i == 8:
			if !strings.ContainsRune("ABCDEHLMPRST", rune(c)) {
				return false
			}
		default:
			if !(c >= '0' && c <= '9') && !strings.ContainsRune(omocodia, rune(c)) {
				return false
			}
		}
	}
	return true
}

// oddValues are the values of characters in odd places (1st, 3rd …), by
// digit and by letter.
var oddValues = [26]int{1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23}

func checkChar(s string) byte {
	sum := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		v := int(c - 'A')
		if c >= '0' && c <= '9' {
			v = int(c - '0')
		}
		if i%2 == 0 {
			v = oddValues[v]
		}
		sum += v
	}
	return byte('A' + sum%26)
}
