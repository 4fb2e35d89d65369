package dashboard_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/dashboard"
	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/i18n/i18ntest"
	"github.com/piazza-pa/piazza/platform/web/webtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

func TestMessageParity(t *testing.T) { i18ntest.CheckParity(t, dashboard.Messages) }

const alpha, beta = moduletest.Alpha, moduletest.Beta

var titleRE = regexp.MustCompile(`<h2 class="h5 mt-1 mb-1"><a href="/news/\d+">([^<]+)</a>`)

// TestFeed: the member's new items, in evidence first, newest first, in
// keyset pages that neither repeat nor skip, and nothing out of scope.
func TestFeed(t *testing.T) {
	w := moduletest.New(t)
	// 45 tenant-wide items a minute apart, every tenth in evidence, one for
	// a theme bruno does not follow, one scheduled for tomorrow.
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO news (title, language, state, scope_kind, in_evidence, published_at)
			SELECT 'Notizia ' || lpad(i::text, 2, '0'), 'it', 'published', 'tenant', i % 10 = 0, now() - make_interval(mins => 100 - i)
			FROM generate_series(1, 45) AS i;
			INSERT INTO news (title, language, state, scope_kind, scope_themes, published_at)
			VALUES ('Solo per l''aerospazio', 'it', 'published', 'interests', '{aerospace}', now());
			INSERT INTO news (title, language, state, scope_kind, published_at, publish_from)
			VALUES ('Programmata per domani', 'it', 'published', 'tenant', now(), now() + interval '1 day')`)
		return err
	})
	bruno := w.Browser(t, alpha, "bruno")
	var seen []string
	next := alpha + "/dashboard"
	for pages := 0; next != ""; pages++ {
		if pages > 5 {
			t.Fatal("the feed does not end")
		}
		code, page := bruno.Get(next)
		if code != 200 {
			t.Fatalf("%s: %d", next, code)
		}
		for _, m := range titleRE.FindAllStringSubmatch(page, -1) {
			seen = append(seen, m[1])
		}
		next = ""
		if m := regexp.MustCompile(`href="(/dashboard\?after=[^"]+)" id="more"`).FindStringSubmatch(page); m != nil {
			next = alpha + m[1]
		}
	}
	if len(seen) != 45 {
		t.Fatalf("the feed showed %d items, want 45: %v", len(seen), seen)
	}
	want := []string{"Notizia 40", "Notizia 30", "Notizia 20", "Notizia 10", "Notizia 45", "Notizia 44"}
	for i, w := range want {
		if seen[i] != w {
			t.Fatalf("feed order: %v, want it to start %v", seen[:6], want)
		}
	}
	dup := map[string]bool{}
	for _, s := range seen {
		if dup[s] {
			t.Errorf("%s shown twice across pages", s)
		}
		dup[s] = true
	}
	if dup["Solo per l'aerospazio"] || dup["Programmata per domani"] {
		t.Error("the feed shows an item out of scope or not yet published")
	}
	if code, _ := bruno.Get(alpha + "/dashboard?after=garbage"); code != 404 {
		t.Errorf("a forged cursor: %d", code)
	}
	// Another tenant's feed has none of it; a guest is sent to sign in.
	if _, page := w.Browser(t, beta, "bruno").Get(beta + "/dashboard"); strings.Contains(page, "Notizia 45") {
		t.Error("beta's feed shows alpha's items")
	}
	if code, _ := w.Browser(t, alpha, "").Get(alpha + "/dashboard"); code != 303 {
		t.Errorf("guest: %d", code)
	}
}

// TestInbox: what waits for a member is listed and answered in place.
func TestInbox(t *testing.T) {
	w := moduletest.New(t)
	anna := w.Browser(t, alpha, "anna")
	bruno := w.Browser(t, alpha, "bruno")
	validator := w.Browser(t, alpha, "validator")
	if code, _ := anna.Send(alpha+"/communities/new", alpha+"/communities", url.Values{"name": {"Ricerca clinica"}, "kind": {"reserved"}}); code != 303 {
		t.Fatal(code)
	}
	var cid int64
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, "SELECT id FROM communities").Scan(&cid)
	})
	if code, _ := bruno.Send(alpha+"/communities", alpha+fmt.Sprintf("/communities/%d/join", cid), nil); code != 303 {
		t.Fatal(code)
	}
	if res, _ := bruno.Post(alpha+"/news/new", alpha+"/news", url.Values{"title": {"Sportello unico"}, "language": {"it"}, "scope_kind": {"tenant"}, "action": {"submit"}}); res.StatusCode != 303 {
		t.Fatal(res.StatusCode)
	}
	// anna: bruno's request; the validator: bruno's news; bruno: nothing.
	_, page := anna.Get(alpha + "/dashboard/inbox")
	if !strings.Contains(page, "Ricerca clinica") || !strings.Contains(page, "Bruno") || strings.Contains(page, "Sportello unico") {
		t.Error("the manager's inbox is wrong")
	}
	_, page = validator.Get(alpha + "/dashboard/inbox")
	if !strings.Contains(page, "Sportello unico") || strings.Contains(page, "Ricerca clinica") {
		t.Error("the validator's inbox is wrong")
	}
	if _, page := bruno.Get(alpha + "/dashboard/inbox"); strings.Contains(page, "Sportello unico") || strings.Contains(page, "Ricerca clinica") {
		t.Error("bruno's inbox shows what waits for others")
	}
	// The validator approves in place: htmx gets a fragment, not a page.
	_, page = validator.Get(alpha + "/dashboard/inbox")
	approve := regexp.MustCompile(`hx-post="(/news/\d+/do/approve)"`).FindStringSubmatch(page)
	if approve == nil {
		t.Fatal("no approve button")
	}
	req, _ := http.NewRequest("POST", alpha+approve[1], strings.NewReader(""))
	req.Header.Set("HX-Request", "true")
	req.Header.Set("X-CSRF-Token", webtest.CSRF(page))
	req.Header.Set("Origin", alpha)
	res, err := validator.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body := make([]byte, 512)
	n, _ := res.Body.Read(body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body[:n]), `role="status"`) || strings.Contains(string(body[:n]), "<html") {
		t.Errorf("approve in place: %d %q", res.StatusCode, body[:n])
	}
	if _, page := validator.Get(alpha + "/dashboard/inbox"); strings.Contains(page, "Sportello unico") {
		t.Error("the approved item is still in the inbox")
	}
	if _, page := bruno.Get(alpha + "/dashboard"); !strings.Contains(page, "Sportello unico") {
		t.Error("the approved item is not in the feed")
	}
	// Another tenant's validator sees none of it.
	if _, page := w.Browser(t, beta, "validator").Get(beta + "/dashboard/inbox"); strings.Contains(page, "Sportello") || strings.Contains(page, "Ricerca clinica") {
		t.Error("beta's inbox shows alpha's tasks")
	}
}

// TestFeedEntries: each source's entry shows what the member needs of it
// (the feed reads only those columns): a news item's summary, category,
// picture and mark of evidence, a topic's title and date, a proposal's
// summary and organisation, a document's description, cut when long; and
// nothing of the others' bodies.
func TestFeedEntries(t *testing.T) {
	w := moduletest.New(t)
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO news (title, summary, body, category, language, state, scope_kind, in_evidence, published_at)
				VALUES ('Bando per le imprese', 'Sintesi del bando', '<p>Corpo riservato della notizia</p>', 'Bandi', 'it', 'published', 'tenant', true, '2026-11-20 10:00+01');
			INSERT INTO attachments (content_type, item_id, name, mime, size, sha256, storage_key)
				SELECT 'news', id, 'copertina bando.png', 'image/png', 10, 'x', 'feed-entries-test' FROM news WHERE title = 'Bando per le imprese';
			UPDATE news SET image_id = a.id FROM attachments AS a WHERE a.storage_key = 'feed-entries-test' AND news.id = a.item_id;
			INSERT INTO discussions (title, body, language, state, scope_kind, published_at)
				VALUES ('Tavolo sulla mobilità', 'Corpo riservato del tema', 'it', 'published', 'tenant', '2026-11-21 10:00+01');
			WITH o AS (INSERT INTO organizations (name) VALUES ('Laboratori Alfa Srl') RETURNING id)
			INSERT INTO proposals (title, summary, body, kind, trl, state, organization_id, published_at)
				SELECT 'Sensori per frutteti', 'Sintesi della proposta', 'Corpo riservato della proposta', 'technology', 5, 'published', id, '2026-11-22 10:00+01' FROM o;
			INSERT INTO documents (kind, title, body, link, scope_kind, feed_at) VALUES
				('link', 'Guida lunga', 'Inizio della guida ' || repeat('parola ', 40) || 'coda riservata della guida', 'https://example.org/a', 'tenant', '2026-11-23 10:00+01'),
				('link', 'Guida breve', 'Descrizione intera della guida breve.', 'https://example.org/b', 'tenant', '2026-11-23 11:00+01')`)
		return err
	})
	code, page := w.Browser(t, alpha, "bruno").Get(alpha + "/dashboard")
	if code != 200 {
		t.Fatalf("dashboard: %d", code)
	}
	for _, want := range []string{
		"Bando per le imprese", "Sintesi del bando", "· Bandi", "/copertina%20bando.png", "dashboard.in_evidence",
		"Tavolo sulla mobilità", "21 novembre 2026",
		"Sensori per frutteti", "Sintesi della proposta", "· Laboratori Alfa Srl",
		"Guida lunga", "Inizio della guida parola", "parola…", "Guida breve", "Descrizione intera della guida breve.",
	} {
		if want == "dashboard.in_evidence" {
			want = `<span class="badge bg-primary">`
		}
		if !strings.Contains(page, want) {
			t.Errorf("the feed lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "Corpo riservato") {
		t.Error("the feed shows an item's body")
	}
	if strings.Contains(page, "coda riservata") {
		t.Error("the feed shows a long description whole")
	}
	// Its first 240 characters, cut at a space.
	long := []rune("Inizio della guida " + strings.Repeat("parola ", 40))[:240]
	if cut := string(long); !strings.Contains(page, strings.TrimRight(cut[:strings.LastIndex(cut, " ")], " ")+"…") {
		t.Errorf("the long description is not cut at 240 characters:\n%s", page)
	}
}
