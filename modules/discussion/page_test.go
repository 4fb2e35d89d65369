package discussion_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/content/contenttest"
)

// TestTopicPage: the opening post comes first; closing and the workflow
// are secondary buttons after it for its author and who may publish, a
// plain participant sees neither nor an upload form; the topic's form
// has labelled fields and one primary action.
func TestTopicPage(t *testing.T) {
	w := moduletest.New(t)
	anna := w.Browser(t, alpha, "anna")
	bruno := w.Browser(t, alpha, "bruno")
	id := open(t, anna, url.Values{"title": {"Piste ciclabili in periferia"}, "body": {"Dove servono di più?"}, "scope_kind": {"tenant"}, "action": {"submit"}})
	topic := alpha + "/discussions/" + id
	if _, page := anna.Get(topic); !strings.Contains(page, `id="state">Da validare</span>`) || !strings.Contains(page, "Un validatore lo controlla prima che sia pubblicato") {
		t.Error("a topic to validate does not say what it waits for")
	}
	if code, _ := w.Browser(t, alpha, "validator").Send(topic, topic+"/do/approve", nil); code != 303 {
		t.Fatal(code)
	}
	_, page := bruno.Get(topic)
	if !strings.Contains(page, "Dove servono di più?") {
		t.Fatal("a participant does not read the topic")
	}
	for _, hidden := range []string{`id="manage"`, `/do/`, `/close"`, `action="/files/discussion/`, `type="file"`, `id="attachments"`, "<li>—</li>"} {
		if strings.Contains(page, hidden) {
			t.Errorf("a plain participant is shown %s", hidden)
		}
	}
	_, page = anna.Get(topic)
	body, manage := strings.Index(page, `id="body"`), strings.Index(page, `id="manage"`)
	if body < 0 || manage < body {
		t.Fatalf("the management area (%d) does not come after the text (%d)", manage, body)
	}
	for _, control := range []string{`/close"`, `action="/files/discussion/`, `id="comment-form"`} {
		if i := strings.Index(page, control); i < body {
			t.Errorf("%s is missing or comes before the text", control)
		}
	}
	area := page[manage:strings.Index(page, `id="comments"`)]
	if !strings.Contains(area, `btn-outline-secondary" id="toggle-closed">Chiudi a nuove risposte`) || strings.Contains(area, "btn-primary") {
		t.Error("closing the topic is not a secondary action of its management area")
	}
	if !strings.Contains(page, `<details id="add-file"><summary`) || !strings.Contains(page, "Ancora nessun allegato.") {
		t.Error("the author is not offered to attach behind 'Add an attachment'")
	}
	if code, _ := anna.Send(topic, topic+"/close", nil); code != 303 {
		t.Fatal(code)
	}
	if _, page := bruno.Get(topic); !strings.Contains(page, `id="closed">Chiusa</span> Non accetta nuove risposte.`) {
		t.Error("a closed topic does not say so by its title")
	}

	// The form: typed and labelled fields, one primary action per role.
	for who, primary := range map[string]string{"bruno": "submit", "validator": "publish"} {
		_, page := w.Browser(t, alpha, who).Get(alpha + "/discussions/new")
		f := contenttest.Form(page, "/discussions")
		if f == nil {
			t.Fatalf("%s: no form", who)
		}
		for _, bad := range contenttest.Unlabelled(f) {
			t.Errorf("%s: %s", who, bad)
		}
		if p := contenttest.Primary(f); len(p) != 1 || p[0].Value != primary {
			t.Errorf("%s: primary actions %+v, want only %s", who, p, primary)
		}
	}
}

// TestRefusedTopic: a refused topic comes back with its text and a
// summary linking to the fields in error.
func TestRefusedTopic(t *testing.T) {
	w := moduletest.New(t)
	bruno := w.Browser(t, alpha, "bruno")
	res, page := bruno.Post(alpha+"/discussions/new", alpha+"/discussions", url.Values{"title": {"Ok"}, "body": {"Il messaggio resta."},
		"language": {"it"}, "scope_kind": {"communities"}, "action": {"submit"}})
	if res.StatusCode != 422 {
		t.Fatalf("a wrong topic: %d", res.StatusCode)
	}
	summary := page[strings.Index(page, "error-summary"):]
	summary = summary[:strings.Index(summary, "</div>")]
	if strings.Index(page, "error-summary") > strings.Index(page, `<form method="post" action="/discussions"`) {
		t.Error("the summary is not above the form")
	}
	for field, says := range map[string]string{"title": "Indica un argomento da 3 a 200 caratteri.", "scope": "Scegli almeno una delle tue community."} {
		if !strings.Contains(summary, `<a href="#`+field+`">`+says+`</a>`) || !strings.Contains(page, ` id="`+field+`"`) {
			t.Errorf("the summary does not link %q to #%s", says, field)
		}
	}
	if !strings.Contains(page, `id="title" name="title" value="Ok"`) || !strings.Contains(page, "Il messaggio resta.") ||
		!strings.Contains(page, `id="scope-communities" value="communities" checked`) {
		t.Error("what was typed is lost")
	}
}
