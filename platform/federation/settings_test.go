package federation

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/piazza-pa/piazza/platform"
)

func TestSettingsRefuseBadValues(t *testing.T) {
	for _, s := range []Settings{
		{AuthorityHints: []string{"ftp://anchor.example"}},
		{AuthorityHints: []string{"https://anchor.example/?x=1"}},
		{AuthorityHints: []string{"anchor.example"}},
		{Contacts: []string{"not an address"}},
		{AuthorityHints: strings.Fields("https://a0.example https://a1.example https://a2.example https://a3.example https://a4.example " +
			"https://a5.example https://a6.example https://a7.example https://a8.example https://a9.example https://a10.example")},
	} {
		if err := s.Normalize(); !errors.Is(err, platform.ErrInvalid) {
			t.Errorf("%+v: %v", s, err)
		}
	}
	s := Settings{AuthorityHints: []string{"https://anchor.example/", "https://anchor.example"}, Contacts: []string{"a@b.example"}}
	if err := s.Normalize(); err != nil || len(s.AuthorityHints) != 1 || s.AuthorityHints[0] != "https://anchor.example" {
		t.Errorf("%v %v", err, s.AuthorityHints)
	}
}

func TestParseTrustMark(t *testing.T) {
	mark := func(payload string) string {
		return "eyJhbGciOiJSUzI1NiJ9." + base64.RawURLEncoding.EncodeToString([]byte(payload)) + ".c2ln"
	}
	now := time.Now()
	exp := now.Add(time.Hour).Unix()
	ok := mark(`{"id":"https://registry.example/openid_relying_party/public","sub":"https://a.example","exp":` + strconv.FormatInt(exp, 10) + `}`)
	m, err := ParseTrustMark(ok, "https://a.example", now)
	if err != nil || m.Type != "https://registry.example/openid_relying_party/public" || m.JWT != ok {
		t.Errorf("%+v %v", m, err)
	}
	for what, jwt := range map[string]string{
		"another subject": mark(`{"trust_mark_type":"t","sub":"https://b.example"}`),
		"expired":         mark(`{"trust_mark_type":"t","sub":"https://a.example","exp":1}`),
		"no type":         mark(`{"sub":"https://a.example"}`),
		"not a JWT":       "abc",
	} {
		if _, err := ParseTrustMark(jwt, "https://a.example", now); !errors.Is(err, platform.ErrInvalid) {
			t.Errorf("%s: %v", what, err)
		}
	}
}

// A provider's entity configuration may list its trust marks as the
// SPID/CIE profile writes them ("id") or as OpenID Federation 1.0 does
// ("trust_mark_type"): both are read.
func TestTrustMarksListed(t *testing.T) {
	var st Statement
	if err := json.Unmarshal([]byte(`{"trust_marks":[{"id":"https://registry.spid.gov.it/openid_provider/public","trust_mark":"a.b.c"},
		{"trust_mark_type":"https://ta.example/t","trust_mark":"d.e.f"}]}`), &st); err != nil {
		t.Fatal(err)
	}
	want := []TrustMark{{Type: "https://registry.spid.gov.it/openid_provider/public", JWT: "a.b.c"}, {Type: "https://ta.example/t", JWT: "d.e.f"}}
	if len(st.TrustMarks) != 2 || st.TrustMarks[0] != want[0] || st.TrustMarks[1] != want[1] {
		t.Fatalf("read %+v, want %+v", st.TrustMarks, want)
	}
}
