package community_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
)

// between is the part of page from the element with id to the end of its
// tag name's element ("" when the page has no such element).
func between(page, id, end string) string {
	i := strings.Index(page, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	part := page[i:]
	if j := strings.Index(part, end); j >= 0 {
		part = part[:j]
	}
	return part
}

// TestKindsExplained: each kind of community is explained in a plain line
// on the form, by its choice, and on the community's page, by its badge.
func TestKindsExplained(t *testing.T) {
	w := moduletest.New(t)
	anna := w.Browser(t, alpha, "anna")
	explained := map[string]string{
		"open":     "Chiunque sia iscritto al sito può entrare subito, senza approvazione.",
		"reserved": "Chiunque sia iscritto al sito può chiedere di entrare: i responsabili approvano le richieste.",
		"closed":   "Si entra solo su invito dei responsabili; non compare nell&#39;elenco per chi non ne fa parte.",
	}
	_, form := anna.Get(alpha + "/communities/new")
	for kind, line := range explained {
		if help := between(form, "kind-"+kind+"-help", "</small>"); !strings.Contains(help, line) {
			t.Errorf("the form does not explain %s by its choice: %q", kind, help)
		}
		if !strings.Contains(form, fmt.Sprintf(`id="kind-%s" value="%s" aria-describedby="kind-%s-help"`, kind, kind, kind)) {
			t.Errorf("the %s choice is not described by its explanation", kind)
		}
		_, page := anna.Get(alpha + "/communities/" + create(t, anna, "Community "+kind, kind))
		if help := between(page, "kind-help", "</span>"); !strings.Contains(help, line) {
			t.Errorf("the %s community's page does not explain its kind: %q", kind, help)
		}
	}
	if code, page := anna.Send(alpha+"/communities/new", alpha+"/communities", url.Values{"name": {"x"}, "kind": {"secret"}}); code != 422 ||
		!strings.Contains(between(page, "error-summary-title", "</div>"), `href="#kind"`) || !strings.Contains(page, `id="kind"`) {
		t.Errorf("the error summary does not link the kind's choices: %d", code)
	}
}

// TestPreview: a member who is not in an open community sees, besides the
// way in, exactly what the scope rules let them see of its content (their
// own item, not the members'); one invited to a closed community sees
// none of it, not even their own item.
func TestPreview(t *testing.T) {
	w := moduletest.New(t)
	anna := w.Browser(t, alpha, "anna")
	bruno := w.Browser(t, alpha, "bruno")
	carla := w.Browser(t, alpha, "carla")
	dario := w.Browser(t, alpha, "dario")
	open := create(t, anna, "Mobilità dolce", "open")
	closed := create(t, anna, "Tavolo chiuso", "closed")
	publish(t, anna, open, "Notizia dei membri")

	// Bruno wrote in the open community, then left it; Carla in the closed one.
	for _, step := range []struct {
		who  *moduletest.Browser
		name string
		id   string
	}{{bruno, "bruno", open}, {carla, "carla", closed}} {
		if step.id == closed {
			if code, _ := anna.Send(alpha+"/communities", alpha+"/communities/"+closed+"/invite", url.Values{"user": {fmt.Sprint(w.ID("alpha", "carla"))}}); code != 303 {
				t.Fatalf("invite carla: %d", code)
			}
		}
		in := "/join"
		if step.id == closed {
			in = "/accept"
		}
		if code, _ := step.who.Send(alpha+"/communities", alpha+"/communities/"+step.id+in, nil); code != 303 {
			t.Fatalf("%s joins: %d", step.name, code)
		}
		w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO news (title, language, state, author_id, scope_kind, scope_communities, published_at)
				VALUES (?, 'it', 'published', ?, 'communities', ARRAY[?::bigint], now())`, "Notizia di "+step.name, w.ID("alpha", step.name), step.id)
			return err
		})
		if code, _ := step.who.Send(alpha+"/communities/"+step.id, alpha+"/communities/"+step.id+"/leave", nil); code != 303 {
			t.Fatalf("%s leaves: %d", step.name, code)
		}
	}
	if code, _ := anna.Send(alpha+"/communities", alpha+"/communities/"+closed+"/invite", url.Values{"user": {fmt.Sprint(w.ID("alpha", "carla"))}}); code != 303 {
		t.Fatalf("invite carla again: %d", code)
	}

	_, brunos := bruno.Get(alpha + "/communities/" + open)
	preview := between(brunos, "preview", "</ul>")
	if !strings.Contains(preview, "Notizia di bruno") || strings.Contains(brunos, "Notizia dei membri") {
		t.Errorf("the open community's preview is not what the rules let bruno see: %q", preview)
	}
	_, darios := dario.Get(alpha + "/communities/" + open)
	if strings.Contains(darios, `id="preview"`) || strings.Contains(darios, "Notizia d") {
		t.Error("the open community previews an item the rules hide from dario")
	}
	for who, page := range map[string]string{"bruno": brunos, "dario": darios} {
		says := between(page, "members-only", "</div></div>")
		if !strings.Contains(says, "Con «Partecipa» entri subito") || strings.Contains(page, "riservati ai membri") || !strings.Contains(page, `id="join"`) {
			t.Errorf("the open community does not tell %s what joining gives, or says its content is reserved: %q", who, says)
		}
	}

	code, page := carla.Get(alpha + "/communities/" + closed)
	if code != 200 || !strings.Contains(page, `id="accept"`) {
		t.Fatalf("the invited person does not get the closed community's page: %d", code)
	}
	if strings.Contains(page, `id="preview"`) || strings.Contains(page, "Notizia di carla") || !strings.Contains(page, "si entra solo su invito") {
		t.Error("the closed community previews content, or does not say how to get in")
	}
	if _, news := carla.Get(alpha + "/news"); !strings.Contains(news, "Notizia di carla") {
		t.Error("the rules should let carla see her own item (the closed page hides it on purpose)")
	}
}
