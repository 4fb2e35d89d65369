// Package keyset pages lists by keyset: a page starts after the last row of
// the one before it, named by its sort key and id (never an offset), so
// that rows added meanwhile are neither repeated nor skipped, and a deep
// page costs what the first one does. The position travels in the address
// as a cursor bound to its list; a cursor that was altered, that belongs to
// another list or that is not a cursor at all names no page (404). What a
// page shows is still decided by its query's rules alone: a cursor only
// says where the page starts.
package keyset

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/piazza-pa/piazza/platform"
)

// ErrCursor is a cursor that names no page of its list.
var ErrCursor = platform.NewError(platform.ErrNotFound, "no such page of the list")

// Cursor is where a page starts: after the row whose sort key is At (lists
// ordered by date) or Text (lists ordered by name) and whose id is ID. The
// zero Cursor is the first page.
type Cursor struct {
	Set  bool
	At   time.Time
	Text string
	ID   int64
}

// The limits of what a cursor holds: the times PostgreSQL and every page
// can show (years 1 to 9999, in microseconds since 1970), and a sort key
// no longer than any name a list is ordered by.
const (
	minMicros = -62_135_596_800_000_000 // 0001-01-01T00:00:00Z
	maxMicros = 253_402_300_799_999_999 // 9999-12-31T23:59:59.999999Z
	maxText   = 1000
	sumLen    = 8
)

// Encode is the cursor as a URL parameter of list (the name its pages
// decode it with): a checksum, then the time, id and text.
func (c Cursor) Encode(list string) string {
	var b []byte
	b = strconv.AppendInt(b, c.At.UnixMicro(), 10)
	b = append(b, '|')
	b = strconv.AppendInt(b, c.ID, 10)
	b = append(b, '|')
	b = append(b, c.Text...)
	return base64.RawURLEncoding.EncodeToString(append(sum(list, b), b...))
}

// Decode reads a cursor of list from its URL parameter ("" is the first
// page); anything Encode did not write for list is ErrCursor.
func Decode(list, s string) (Cursor, error) {
	if s == "" {
		return Cursor{}, nil
	}
	if len(s) > base64.RawURLEncoding.EncodedLen(sumLen+60+maxText) {
		return Cursor{}, ErrCursor
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil || len(raw) < sumLen || !bytes.Equal(raw[:sumLen], sum(list, raw[sumLen:])) {
		return Cursor{}, ErrCursor
	}
	parts := bytes.SplitN(raw[sumLen:], []byte("|"), 3)
	if len(parts) != 3 {
		return Cursor{}, ErrCursor
	}
	us, err1 := strconv.ParseInt(string(parts[0]), 10, 64)
	id, err2 := strconv.ParseInt(string(parts[1]), 10, 64)
	text := parts[2]
	if err1 != nil || err2 != nil || us < minMicros || us > maxMicros || len(text) > maxText ||
		!utf8.Valid(text) || bytes.IndexByte(text, 0) >= 0 {
		return Cursor{}, ErrCursor
	}
	return Cursor{Set: true, At: time.UnixMicro(us).UTC(), Text: string(text), ID: id}, nil
}

// sum is the checksum of a cursor's bytes b for list. It is not a secret:
// it tells a cursor a page wrote for this list from one altered by hand or
// taken from another list.
func sum(list string, b []byte) []byte {
	h := sha256.New()
	h.Write([]byte(list))
	h.Write([]byte{0})
	h.Write(b)
	return h.Sum(nil)[:sumLen]
}
