package news_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
)

// TestNewsDetails: rich text keeps formatting and drops the rest; the
// publication window hides an item before and after it, except from its
// author and validators; only publishers put items in evidence; related
// items link each other.
func TestNewsDetails(t *testing.T) {
	w := moduletest.New(t)
	validator := w.Browser(t, alpha, "validator")
	anna := w.Browser(t, alpha, "anna")
	bruno := w.Browser(t, alpha, "bruno")
	first := write(t, validator, "Prima notizia", url.Values{"action": {"publish"}})
	rich := `<h2>Orari</h2><p>Aperto <strong>lunedì</strong> e <a href="https://comune.example/orari" onclick="x()">online</a>.</p>` +
		`<img src="https://evil.example/t.gif"><img src="/files/12/mappa.png" alt="Mappa"><iframe src="https://evil.example"></iframe>`
	id := write(t, validator, "Nuovi orari", url.Values{"subtitle": {"Dal primo dicembre"}, "category": {"Servizi"}, "body": {rich},
		"related": {first}, "in_evidence": {"1"}, "action": {"publish"}})
	_, page := bruno.Get(alpha + "/news/" + id)
	body := page[strings.Index(page, `id="body"`):]
	body = body[:strings.Index(body, "</article>")]
	for _, want := range []string{"<h2>Orari</h2>", "<strong>lunedì</strong>", `href="https://comune.example/orari"`, `rel="nofollow noreferrer"`, `src="/files/12/mappa.png"`} {
		if !strings.Contains(body, want) {
			t.Errorf("rich text lost %s: %s", want, body)
		}
	}
	for _, gone := range []string{"onclick", "evil.example", "<iframe"} {
		if strings.Contains(body, gone) {
			t.Errorf("rich text kept %s", gone)
		}
	}
	for _, want := range []string{"Dal primo dicembre", "Servizi", "In evidenza", `href="/news/` + first + `"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	// A member's "in evidence" is ignored.
	mid := write(t, anna, "Notizia di Anna", url.Values{"in_evidence": {"1"}, "action": {"submit"}})
	var ev bool
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, "SELECT in_evidence FROM news WHERE id = ?", mid).Scan(&ev)
	})
	if ev {
		t.Error("a member put an item in evidence")
	}
	// Scheduled: hidden until its time from everyone but its author and validators.
	tomorrow := time.Now().Add(24 * time.Hour).In(time.FixedZone("CET", 3600)).Format("2006-01-02T15:04")
	sid := write(t, validator, "Bando in arrivo", url.Values{"publish_from": {tomorrow}, "action": {"publish"}})
	if code, _ := bruno.Get(alpha + "/news/" + sid); code != 404 {
		t.Errorf("a scheduled item is visible before its time: %d", code)
	}
	for _, u := range []string{"/news", "/dashboard", "/search?q=bando"} {
		if _, page := bruno.Get(alpha + u); strings.Contains(page, "Bando in arrivo") {
			t.Errorf("%s shows a scheduled item early", u)
		}
	}
	if code, _ := validator.Get(alpha + "/news/" + sid); code != 200 {
		t.Errorf("the author cannot see their scheduled item: %d", code)
	}
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, "UPDATE news SET publish_from = now() - interval '1 minute' WHERE id = ?", sid)
		return err
	})
	if code, _ := bruno.Get(alpha + "/news/" + sid); code != 200 {
		t.Errorf("the item is not visible once its time came: %d", code)
	}
	// Expired: gone again.
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, "UPDATE news SET publish_until = now() - interval '1 second' WHERE id = ?", sid)
		return err
	})
	if code, _ := bruno.Get(alpha + "/news/" + sid); code != 404 {
		t.Errorf("an expired item is visible: %d", code)
	}
	// A window that ends before it starts is refused by the field.
	res, page := validator.Post(alpha+"/news/new", alpha+"/news", url.Values{"title": {"Finestra storta"}, "language": {"it"}, "scope_kind": {"tenant"},
		"publish_from": {"2027-02-01T10:00"}, "publish_until": {"2027-01-01T10:00"}})
	if res.StatusCode != 422 || !strings.Contains(page, "La fine deve venire dopo l&#39;inizio.") {
		t.Errorf("a reversed window: %d", res.StatusCode)
	}
}
