package mail_test

import (
	"context"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/platform/mail"
	"github.com/piazza-pa/piazza/platform/mail/mailtest"
)

func TestSMTPExchange(t *testing.T) {
	srv := mailtest.Start(t)
	s, err := mail.NewSMTP(srv.URL(), "Piazza <noreply@piazza.test>")
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(context.Background(), mail.Message{
		To: "mario.rossi@comune.example.it", Subject: "Conferma il tuo indirizzo",
		Text: "Apri https://demo.piazza.test/verify?t=abc", HTML: "<p>Apri il link</p>",
	})
	if err != nil {
		t.Fatal(err)
	}
	m := srv.Wait(t, "mario.rossi@comune.example.it")
	if m.From != "noreply@piazza.test" || !strings.Contains(m.Text, "https://demo.piazza.test/verify?t=abc") {
		t.Fatalf("received %+v", m)
	}
	if got := m.Header.Get("Subject"); got != "Conferma il tuo indirizzo" {
		t.Fatalf("subject %q", got)
	}
}

func TestNewSMTPRefusesBadURLs(t *testing.T) {
	for _, u := range []string{"", "http://mail.example.org", "smtp://", "smtp://host:x", "smtp://host?tls=maybe"} {
		if _, err := mail.NewSMTP(u, "a@b.it"); err == nil {
			t.Errorf("%q accepted", u)
		}
	}
}
