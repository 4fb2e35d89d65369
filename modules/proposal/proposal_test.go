package proposal_test

import (
	"context"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/modules/proposal"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/i18n/i18ntest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

func TestMessageParity(t *testing.T) { i18ntest.CheckParity(t, proposal.Messages) }

const alpha, beta = moduletest.Alpha, moduletest.Beta

var idRE = regexp.MustCompile(`/proposals/(?:interests/)?(\d+)`)

// fields are a valid proposal's form, with the values of more over them.
func fields(title string, more url.Values) url.Values {
	f := url.Values{"title": {title}, "summary": {"In breve"}, "body": {"Cerchiamo partner."}, "offer": {"Un laboratorio"},
		"expected": {"Competenze di prova"}, "kind": {"technology"}, "trl": {"4"}, "ip_status": {"pending"},
		"themes": {"health"}, "countries": {"IT", "FR"}, "languages": {"it", "en"}, "language": {"it"}, "scope_kind": {"tenant"}}
	for k, v := range more {
		f[k] = v
	}
	return f
}

// write creates a proposal as b at site with the form values and returns
// its id.
func write(t *testing.T, b *moduletest.Browser, site, title string, more url.Values) string {
	t.Helper()
	res, body := b.Post(site+"/proposals/new", site+"/proposals", fields(title, more))
	if res.StatusCode != 303 {
		t.Fatalf("write %q: %d %s", title, res.StatusCode, body)
	}
	return idRE.FindStringSubmatch(res.Header.Get("Location"))[1]
}

// express sends b's expression of interest in proposal id (action submit
// or draft) and returns its id.
func express(t *testing.T, b *moduletest.Browser, id, offer, action string) string {
	t.Helper()
	res, body := b.Post(alpha+"/proposals/"+id+"/interest", alpha+"/proposals/"+id+"/interest", url.Values{"offer": {offer}, "role": {"Partner"}, "action": {action}})
	if res.StatusCode != 303 {
		t.Fatalf("express interest in %s: %d %s", id, res.StatusCode, body)
	}
	return idRE.FindStringSubmatch(res.Header.Get("Location"))[1]
}

// query runs q (one value) in alpha's schema.
func query[T any](t *testing.T, w *moduletest.World, q string, args ...any) T {
	t.Helper()
	var v T
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error { return tx.QueryRowContext(ctx, q, args...).Scan(&v) })
	return v
}

func state(t *testing.T, w *moduletest.World, table, id string) string {
	return query[string](t, w, "SELECT state FROM "+table+" WHERE id = ?", id)
}

// TestProposalWorkflow: each transition of a tenant-wide proposal is
// allowed exactly to the roles that hold its permission (table-driven),
// and the history keeps who did what.
func TestProposalWorkflow(t *testing.T) {
	w := moduletest.New(t)
	b := map[string]*moduletest.Browser{}
	for _, p := range moduletest.People {
		b[p] = w.Browser(t, alpha, p)
	}
	id := write(t, b["anna"], alpha, "Sensori per l'irrigazione", nil)
	steps := []struct {
		who, action string
		code        int
		state       string
	}{
		{"bruno", "submit", 404, "draft"},
		{"validator", "submit", 404, "draft"},
		{"anna", "publish", 403, "draft"},
		{"anna", "close", 409, "draft"},
		{"anna", "submit", 303, "to_validate"},
		{"anna", "approve", 403, "to_validate"},
		{"bruno", "approve", 404, "to_validate"},
		{"facilitator", "approve", 404, "to_validate"},
		{"validator", "reject", 303, "draft"},
		{"anna", "submit", 303, "to_validate"},
		{"validator", "approve", 303, "published"},
		{"bruno", "close", 403, "published"},
		{"validator", "close", 403, "published"},
		{"facilitator", "close", 403, "published"},
		{"anna", "archive", 403, "published"},
		{"anna", "close", 303, "closed"},
		{"anna", "close", 409, "closed"},
		{"bruno", "archive", 403, "closed"},
		{"anna", "archive", 403, "closed"},
		{"validator", "archive", 303, "archived"},
	}
	for _, s := range steps {
		code, _ := b[s.who].Send(alpha+"/proposals", alpha+"/proposals/"+id+"/do/"+s.action, nil)
		if code != s.code {
			t.Errorf("%s %s: %d, want %d", s.who, s.action, code, s.code)
		}
		if got := state(t, w, "proposals", id); got != s.state {
			t.Fatalf("after %s %s: state %s, want %s", s.who, s.action, got, s.state)
		}
	}
	_, page := b["anna"].Get(alpha + "/proposals/" + id)
	history := page[strings.Index(page, `id="history"`):]
	for _, want := range []string{"Creato", "Invia in validazione", "Rimanda in bozza", "Approva e pubblica", "Chiudi", "Archivia", "Validator", "Anna"} {
		if !strings.Contains(history, want) {
			t.Errorf("the history lacks %q", want)
		}
	}
	// The admin closes; a validator publishes directly.
	pid := write(t, b["validator"], alpha, "Bando per la mobilità", url.Values{"action": {"publish"}})
	if s := state(t, w, "proposals", pid); s != "published" {
		t.Fatalf("a validator's direct publication: %s", s)
	}
	if code, _ := b["admin"].Send(alpha+"/proposals", alpha+"/proposals/"+pid+"/do/close", nil); code != 303 {
		t.Errorf("the admin closes: %d", code)
	}
}

// exec runs statement q in alpha's schema.
func exec(t *testing.T, w *moduletest.World, q string, args ...any) {
	t.Helper()
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, q, args...)
		return err
	})
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
