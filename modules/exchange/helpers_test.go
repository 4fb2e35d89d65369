package exchange_test

import (
	"context"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/exchange"
	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/i18n/i18ntest"
	"github.com/piazza-pa/piazza/tenant"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

func TestMessageParity(t *testing.T) { i18ntest.CheckParity(t, exchange.Messages) }

const alpha, beta = moduletest.Alpha, moduletest.Beta

var (
	proposalRE    = regexp.MustCompile(`/proposals/(\d+)`)
	opportunityRE = regexp.MustCompile(`href="/exchange/(\d+)"`)
)

// publish writes a published, tenant-wide proposal of anna's at alpha
// (approved by the validator) with the form values of more, and returns
// its id.
func publish(t *testing.T, w *moduletest.World, title string, more url.Values) string {
	t.Helper()
	anna := w.Browser(t, alpha, "anna")
	f := url.Values{"title": {title}, "summary": {"Sintesi di " + title}, "body": {"Cerchiamo partner."}, "offer": {"Un laboratorio"},
		"expected": {"Competenze"}, "kind": {"technology"}, "trl": {"4"}, "ip_status": {"pending"}, "themes": {"health"},
		"countries": {"IT", "FR"}, "languages": {"it"}, "language": {"it"}, "scope_kind": {"tenant"}, "action": {"submit"}}
	for k, v := range more {
		f[k] = v
	}
	res, body := anna.Post(alpha+"/proposals/new", alpha+"/proposals", f)
	if res.StatusCode != 303 {
		t.Fatalf("write %q: %d %s", title, res.StatusCode, body)
	}
	id := proposalRE.FindStringSubmatch(res.Header.Get("Location"))[1]
	if code, _ := w.Browser(t, alpha, "validator").Send(alpha+"/proposals", alpha+"/proposals/"+id+"/do/approve", nil); code != 303 {
		t.Fatalf("approve %s: %d", id, code)
	}
	return id
}

// optIn makes site's admin opt its tenant in (action "join") or out.
func optIn(t *testing.T, w *moduletest.World, site, action string) {
	t.Helper()
	admin := w.Browser(t, site, "admin")
	if code, body := admin.Send(site+"/admin/exchange", site+"/admin/exchange", url.Values{"action": {action}}); code != 303 {
		t.Fatalf("%s %s: %d %s", site, action, code, body)
	}
}

// shareIt makes b share (or withdraw) proposal id at alpha.
func shareIt(t *testing.T, b *moduletest.Browser, id, action string) {
	t.Helper()
	if code, body := b.Send(alpha+"/proposals/"+id, alpha+"/exchange/share/proposal/"+id, url.Values{"action": {action}}); code != 303 {
		t.Fatalf("%s proposal %s: %d %s", action, id, code, body)
	}
}

// waitFor gets u as b until ok holds for the page (fifteen seconds at
// most: the jobs' schedule runs every five).
func waitFor(t *testing.T, b *moduletest.Browser, u, what string, ok func(code int, page string) bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		code, page := b.Get(u)
		if ok(code, page) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still %d after fifteen seconds", what, code)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// listed: the page lists an opportunity titled title.
func listed(title string) func(int, string) bool {
	return func(code int, page string) bool { return code == 200 && strings.Contains(page, title) }
}

// unlisted: the page (a list) does not list title.
func unlisted(title string) func(int, string) bool {
	return func(code int, page string) bool { return code == 200 && !strings.Contains(page, title) }
}

// in runs q (one value) in tn's schema.
func in[T any](t *testing.T, w *moduletest.World, tn *tenant.Tenant, q string, args ...any) T {
	t.Helper()
	var v T
	w.In(t, tn, func(ctx context.Context, tx bun.Tx) error { return tx.QueryRowContext(ctx, q, args...).Scan(&v) })
	return v
}

// control runs q (one value) on the control plane.
func control[T any](t *testing.T, w *moduletest.World, q string, args ...any) T {
	t.Helper()
	var v T
	if err := w.DB.DB.QueryRowContext(context.Background(), q, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return v
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
