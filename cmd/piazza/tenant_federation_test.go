package main

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestTenantFederationCommand(t *testing.T) {
	useDatabase(t)
	mark := "eyJhbGciOiJSUzI1NiJ9." + base64.RawURLEncoding.EncodeToString([]byte(`{"id":"https://ta.example.it/openid_relying_party/public","sub":"https://lazio.piazza.test"}`)) + ".c2ln"
	other := "eyJhbGciOiJSUzI1NiJ9." + base64.RawURLEncoding.EncodeToString([]byte(`{"id":"t","sub":"https://umbria.piazza.test"}`)) + ".c2ln"
	steps := []struct {
		args    []string
		out     []string
		errText string
	}{
		{[]string{"tenant", "create", "--slug", "lazio", "--name", "Regione Lazio", "--admin-email", "admin@regione.lazio.it"}, []string{"created tenant lazio"}, ""},
		{[]string{"tenant", "federation", "lazio"}, []string{"entity id:        https://lazio.piazza.test\n",
			"configuration:    https://lazio.piazza.test/.well-known/openid-federation", "authority hints:  (none)", "admin@regione.lazio.it (the admin's)"}, ""},
		{[]string{"tenant", "federation", "lazio", "--authority-hint", "https://ta.example.it", "--trust-mark", mark, "--contact", "spid@regione.lazio.it"},
			[]string{"authority hints:  https://ta.example.it\n", "trust marks:      https://ta.example.it/openid_relying_party/public\n", "contacts:         spid@regione.lazio.it\n"}, ""},
		{[]string{"tenant", "federation", "lazio", "--trust-mark", other}, nil, `issued to "https://umbria.piazza.test"`},
		{[]string{"tenant", "federation", "lazio", "--authority-hint", "ta.example.it"}, nil, `authority hint "ta.example.it"`},
		{[]string{"tenant", "federation", "lazio"}, []string{"authority hints:  https://ta.example.it\n"}, ""}, // the refusals changed nothing
		{[]string{"tenant", "federation", "lazio", "--rotate-key"}, []string{"new federation key ", "published now, signing from ", "authority hints:  https://ta.example.it\n"}, ""},
		{[]string{"tenant", "federation", "lazio", "--rotate-key", "--rotate-key-now"}, nil, "choose one"},
		{[]string{"tenant", "federation", "lazio", "--reset"}, []string{"authority hints:  (none)", "trust marks:      (none)"}, ""},
		{[]string{"tenant", "federation", "umbria"}, nil, "no such tenant"},
	}
	for _, s := range steps {
		out, _, err := run(t, "", s.args...)
		if s.errText != "" {
			if err == nil || !strings.Contains(err.Error(), s.errText) {
				t.Fatalf("%v: got %v, want an error with %q", s.args, err, s.errText)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%v: %v", s.args, err)
		}
		for _, want := range s.out {
			if !strings.Contains(out, want) {
				t.Errorf("%v: %q does not say %q", s.args, out, want)
			}
		}
	}
}
