package home_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/home"
	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/i18n/i18ntest"
	"github.com/piazza-pa/piazza/tenant"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

func TestMessageParity(t *testing.T) { i18ntest.CheckParity(t, home.Messages) }

const alpha, beta = moduletest.Alpha, moduletest.Beta

// publish makes look the tenant's published look.
func publish(t *testing.T, w *moduletest.World, tn *tenant.Tenant, look tenant.Look) {
	t.Helper()
	if err := w.Reg.SaveDraft(context.Background(), tn.ID, look); err != nil {
		t.Fatal(err)
	}
	if err := w.Reg.Publish(context.Background(), tn.ID); err != nil {
		t.Fatal(err)
	}
}

// exec runs SQL in the tenant's schema.
func exec(t *testing.T, w *moduletest.World, tn *tenant.Tenant, q string, args ...any) {
	t.Helper()
	w.In(t, tn, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, q, args...)
		return err
	})
}

// check reports what of want page lacks and what of never it shows.
func check(t *testing.T, who, page string, want, never []string) {
	t.Helper()
	for _, s := range want {
		if !strings.Contains(page, s) {
			t.Errorf("%s: %q missing", who, s)
		}
	}
	for _, s := range never {
		if strings.Contains(page, s) {
			t.Errorf("%s: %q shown", who, s)
		}
	}
}

// TestGuestHome: a guest sees the site's introduction, its public news and
// open communities, the themes and the way in; never an item that is not
// public, not yet or no longer published, a community that is not open, or
// anything of another tenant; friendly sentences while there is nothing.
func TestGuestHome(t *testing.T) {
	w := moduletest.New(t)
	guest := w.Browser(t, alpha, "")
	_, page := guest.Get(alpha + "/")
	check(t, "an empty site", page, []string{"<h1>Comune di Alpha</h1>", "Lo spazio in cui amministrazioni",
		"Non ci sono ancora notizie pubbliche", "Non ci sono ancora community aperte",
		`href="/auth/login"`, `href="/auth/register"`, `href="/communities?theme=health"`, "Salute"}, nil)
	check(t, "an empty site", page, nil, []string{"Benvenuto su Comune di Alpha", `id="home-links"`}) // no greeting repeating the name, no menu repeated as buttons

	publish(t, w, w.A, tenant.Look{Intro: map[string]string{"it": "Il portale della collaborazione di Alpha.\n\nSecondo paragrafo <b>in grassetto</b>.",
		"en": "Alpha's collaboration portal."}})
	publish(t, w, w.B, tenant.Look{Intro: map[string]string{"it": "Presentazione di Beta."}})
	exec(t, w, w.A, `INSERT INTO news (title, summary, language, state, scope_kind, public, published_at, publish_from, publish_until) VALUES
		('Bando pubblico', 'Contributi per le imprese del territorio', 'it', 'published', 'tenant', true, now(), NULL, NULL),
		('Riservata ai membri', '', 'it', 'published', 'tenant', false, now(), NULL, NULL),
		('Bozza pubblica', '', 'it', 'draft', 'tenant', true, NULL, NULL, NULL),
		('Pubblica domani', '', 'it', 'published', 'tenant', true, now(), now() + interval '1 day', NULL),
		('Scaduta ieri', '', 'it', 'published', 'tenant', true, now() - interval '2 days', NULL, now() - interval '1 day')`)
	exec(t, w, w.A, `INSERT INTO communities (name, description, kind, themes) VALUES
		('Orti urbani', 'Chi coltiva in città', 'open', '{agrifood}'),
		('Giunta riservata', '', 'closed', '{}'), ('Ricerca clinica', '', 'reserved', '{health}'), ('Bozza di community', '', 'open', '{}');
		UPDATE communities SET state = 'to_validate' WHERE name = 'Bozza di community';
		INSERT INTO community_members (community_id, user_id, role, state)
		SELECT c.id, u.id, 'participant', 'active' FROM communities c, users u WHERE c.name = 'Orti urbani' AND u.email IN ('anna@alpha.example', 'bruno@alpha.example')`)
	exec(t, w, w.B, `INSERT INTO news (title, language, state, scope_kind, public, published_at) VALUES ('Notizia di Beta', 'it', 'published', 'tenant', true, now());
		INSERT INTO communities (name, kind) VALUES ('Community di Beta', 'open')`)

	_, page = guest.Get(alpha + "/")
	check(t, "alpha's guest", page,
		[]string{"Il portale della collaborazione di Alpha.", "Secondo paragrafo &lt;b&gt;in grassetto&lt;/b&gt;.", "Bando pubblico",
			"Contributi per le imprese del territorio", `href="/news"`, "Orti urbani", "2 partecipanti"},
		[]string{"Lo spazio in cui amministrazioni", "Riservata ai membri", "Bozza pubblica", "Pubblica domani", "Scaduta ieri",
			"Giunta riservata", "Ricerca clinica", "Bozza di community", "Presentazione di Beta", "Notizia di Beta", "Community di Beta",
			"<b>in grassetto</b>", "Non ci sono ancora"})
	guest.Get(alpha + "/lang?l=en&return_to=/")
	_, page = guest.Get(alpha + "/")
	check(t, "alpha's guest in English", page, []string{"Alpha&#39;s collaboration portal.", "Latest news", "2 members"},
		[]string{"Il portale della collaborazione"})
	betaGuest := w.Browser(t, beta, "")
	_, page = betaGuest.Get(beta + "/")
	check(t, "beta's guest", page, []string{"Presentazione di Beta.", "Notizia di Beta", "Community di Beta"},
		[]string{"Il portale della collaborazione", "Bando pubblico", "Orti urbani"})
	betaGuest.Get(beta + "/lang?l=en&return_to=/")
	_, page = betaGuest.Get(beta + "/")
	check(t, "beta's guest in English, with an introduction in Italian only", page,
		[]string{`id="home-intro" lang="it"><p>Presentazione di Beta.</p>`, "Latest news"}, nil)

	// Without local accounts there is no one to register; a module switched
	// off shows nothing on the home page either.
	w.In(t, w.B, func(ctx context.Context, tx bun.Tx) error { return auth.SetLocalAccounts(ctx, tx, false) })
	publish(t, w, w.B, tenant.Look{Off: []string{"news", "community"}})
	_, page = w.Browser(t, beta, "").Get(beta + "/")
	check(t, "beta's guest, registration and modules off", page, []string{`href="/auth/login"`, `href="/search?q=Salute"`},
		[]string{`href="/auth/register"`, "Notizia di Beta", "Community di Beta", "Ultime notizie", "Community aperte"})
}

// TestMemberHome: a signed-in member's home leads with what is new for them
// and what waits for their answer (how many, and the first), from their own
// tenant only; an answer given elsewhere leaves the count at once.
func TestMemberHome(t *testing.T) {
	w := moduletest.New(t)
	exec(t, w, w.A, `INSERT INTO news (title, language, state, scope_kind, published_at) VALUES ('Notizia per tutti', 'it', 'published', 'tenant', now());
		INSERT INTO news (title, language, state, scope_kind, author_id) VALUES ('Sportello unico', 'it', 'to_validate', 'tenant', ?)`, w.ID(w.A.Slug, "bruno"))
	exec(t, w, w.B, `INSERT INTO news (title, language, state, scope_kind, author_id) VALUES ('Pratica di Beta', 'it', 'to_validate', 'tenant', ?)`, w.ID(w.B.Slug, "bruno"))
	validator := w.Browser(t, alpha, "validator")
	_, page := validator.Get(alpha + "/")
	check(t, "alpha's validator", page, []string{"Il tuo riepilogo", "Le novità per te", "Notizia per tutti", `href="/dashboard"`,
		"Le mie attività", `id="home-waiting-count" aria-hidden="true">1<`, "1 in attesa di una tua risposta", "Sportello unico",
		`href="/dashboard/inbox"`}, []string{"Pratica di Beta", "Nulla attende una tua risposta", `id="home-join"`})
	_, page = w.Browser(t, alpha, "anna").Get(alpha + "/")
	check(t, "alpha's member", page, []string{"Notizia per tutti", `id="home-waiting-count" aria-hidden="true">0<`, "Nulla attende una tua risposta"},
		[]string{"Sportello unico", "Pratica di Beta"})
	_, page = w.Browser(t, beta, "validator").Get(beta + "/")
	check(t, "beta's validator", page, []string{"Pratica di Beta", `id="home-waiting-count" aria-hidden="true">1<`},
		[]string{"Sportello unico", "Notizia per tutti"})
	_, page = w.Browser(t, alpha, "").Get(alpha + "/")
	check(t, "a guest", page, []string{`id="home-join"`}, []string{"Il tuo riepilogo", "Notizia per tutti", "Sportello unico"})

	w.Elsewhere(t, w.A, `UPDATE news SET state = 'published', published_at = now() WHERE title = 'Sportello unico'`)
	validator.Eventually(alpha+"/", "the answer given elsewhere", func(_ int, page string) bool {
		return strings.Contains(page, `id="home-waiting-count" aria-hidden="true">0<`) && strings.Contains(page, "Sportello unico")
	})
}
