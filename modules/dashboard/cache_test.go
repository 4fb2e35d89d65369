package dashboard_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/tenant"
)

// TestFeedKeptFresh: the dashboard and the sign-in are kept per replica, and
// yet what another replica writes shows at once, scheduled items appear at
// their time, a session ended elsewhere stops working, and one tenant's
// pages never answer for another's member of the same id.
func TestFeedKeptFresh(t *testing.T) {
	w := moduletest.New(t)
	elsewhere := func(tn *tenant.Tenant, q string) { t.Helper(); w.Elsewhere(t, tn, q) }
	eventually := func(b *moduletest.Browser, site, what string, ok func(code int, page string) bool) {
		t.Helper()
		b.Eventually(site+"/dashboard", what, ok)
	}
	if w.ID(w.A.Slug, "bruno") != w.ID(w.B.Slug, "bruno") {
		t.Fatal("the test needs a member of the same id in both tenants")
	}
	elsewhere(w.A, `INSERT INTO news (title, language, state, scope_kind, published_at) VALUES ('Notizia di Alpha', 'it', 'published', 'tenant', now())`)
	alphaBruno, betaBruno := w.Browser(t, alpha, "bruno"), w.Browser(t, beta, "bruno")
	eventually(alphaBruno, alpha, "alpha's item", func(_ int, page string) bool { return strings.Contains(page, "Notizia di Alpha") })
	// Kept: once the notifications of the sign-in's own writes are in, the
	// page stays cached (polled: they arrive a moment after the commit).
	alphaBruno.Eventually(alpha+"/dashboard", "a member's dashboard kept", func(int, string) bool { return w.Cache.Len() > 0 })
	// Beta's member of the same id gets beta's page, never alpha's kept one.
	betaBruno.Eventually(beta+"/dashboard", "beta's dashboard", func(code int, page string) bool {
		if strings.Contains(page, "Notizia di Alpha") {
			t.Fatal("beta's member of the same id was shown alpha's cached dashboard")
		}
		return code == 200
	})
	if _, page := betaBruno.Get(beta + "/dashboard"); strings.Contains(page, "Notizia di Alpha") {
		t.Fatal("beta's member of the same id was shown alpha's cached dashboard")
	}

	t.Run("an item published elsewhere shows", func(t *testing.T) {
		elsewhere(w.A, `INSERT INTO news (title, language, state, scope_kind, published_at) VALUES ('Pubblicata altrove', 'it', 'published', 'tenant', now())`)
		eventually(alphaBruno, alpha, "the item published elsewhere", func(_ int, page string) bool { return strings.Contains(page, "Pubblicata altrove") })
	})

	t.Run("a scheduled item appears at its time with nothing written", func(t *testing.T) {
		elsewhere(w.A, `INSERT INTO news (title, language, state, scope_kind, published_at, publish_from)
			VALUES ('Programmata', 'it', 'published', 'tenant', now(), now() + interval '1500 milliseconds')`)
		time.Sleep(300 * time.Millisecond) // the notification is in: the next page is cached anew
		if _, page := alphaBruno.Get(alpha + "/dashboard"); strings.Contains(page, "Programmata") {
			t.Fatal("a scheduled item shown before its time")
		}
		time.Sleep(1500 * time.Millisecond)
		if _, page := alphaBruno.Get(alpha + "/dashboard"); !strings.Contains(page, "Programmata") {
			t.Error("a scheduled item missing after its time: the cached page outlived it")
		}
	})

	t.Run("a role given elsewhere shows what it lets see", func(t *testing.T) {
		// Validators see published items before their window opens.
		elsewhere(w.A, `INSERT INTO news (title, language, state, scope_kind, published_at, publish_from)
			VALUES ('Annuncio di domani', 'it', 'published', 'tenant', now(), now() + interval '1 day')`)
		time.Sleep(300 * time.Millisecond)
		if _, page := alphaBruno.Get(alpha + "/dashboard"); strings.Contains(page, "Annuncio di domani") {
			t.Fatal("a member sees a scheduled item")
		}
		sub := "user:" + strconv.FormatInt(w.ID(w.A.Slug, "bruno"), 10)
		if err := authz.Assign(context.Background(), w.DB.DB, sub, authz.RoleValidator, w.A.Domain()); err != nil {
			t.Fatal(err)
		}
		eventually(alphaBruno, alpha, "the validator's view", func(_ int, page string) bool { return strings.Contains(page, "Annuncio di domani") })
		if err := authz.Unassign(context.Background(), w.DB.DB, sub, authz.RoleValidator, w.A.Domain()); err != nil {
			t.Fatal(err)
		}
		eventually(alphaBruno, alpha, "the role taken back", func(_ int, page string) bool { return !strings.Contains(page, "Annuncio di domani") })
	})

	t.Run("a session ended elsewhere no longer signs in", func(t *testing.T) {
		elsewhere(w.A, `DELETE FROM sessions WHERE user_id = `+strconv.FormatInt(w.ID(w.A.Slug, "bruno"), 10))
		eventually(alphaBruno, alpha, "the ended session", func(code int, _ string) bool { return code == 303 })
		if code, _ := betaBruno.Get(beta + "/dashboard"); code != 200 {
			t.Errorf("beta's session of the same id ended with alpha's: %d", code)
		}
	})

	t.Run("a member suspended elsewhere is signed out", func(t *testing.T) {
		elsewhere(w.B, `UPDATE users SET status = 'suspended' WHERE id = `+strconv.FormatInt(w.ID(w.B.Slug, "bruno"), 10))
		eventually(betaBruno, beta, "the suspended member", func(code int, _ string) bool { return code == 303 })
	})
}
