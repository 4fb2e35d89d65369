package news_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/content/contenttest"
)

// TestItemPage: the text comes first; management (edit, workflow actions)
// is a secondary area after it, shown only to who may act; the upload form
// is behind "Add an attachment" and only for who may attach; a state other
// than published says what it means.
func TestItemPage(t *testing.T) {
	w := moduletest.New(t)
	validator := w.Browser(t, alpha, "validator")
	anna := w.Browser(t, alpha, "anna")
	bruno := w.Browser(t, alpha, "bruno")
	id := write(t, validator, "Sportello unico", url.Values{"body": {"Orari del nuovo sportello."}, "action": {"publish"}})
	item := alpha + "/news/" + id

	_, page := bruno.Get(item)
	if !strings.Contains(page, "Orari del nuovo sportello.") {
		t.Fatal("a member does not read the item")
	}
	for _, hidden := range []string{`id="manage"`, `/do/`, `href="/news/` + id + `/edit"`, `action="/files/news/`, `type="file"`, `id="add-file"`, `id="attachments"`, "<li>—</li>"} {
		if strings.Contains(page, hidden) {
			t.Errorf("a plain member is shown %s", hidden)
		}
	}
	_, page = validator.Get(item)
	body, manage := strings.Index(page, `id="body"`), strings.Index(page, `id="manage"`)
	if body < 0 || manage < body {
		t.Fatalf("the management area (%d) does not come after the text (%d)", manage, body)
	}
	for _, control := range []string{`/do/`, `href="/news/` + id + `/edit"`, `action="/files/news/`} {
		if i := strings.Index(page, control); i >= 0 && i < body {
			t.Errorf("%s comes before the text", control)
		}
	}
	area := page[manage:strings.Index(page, `id="comments"`)]
	if !strings.Contains(area, `id="do-archive"`) || !strings.Contains(area, `btn-outline-primary btn-sm" href="/news/`+id+`/edit"`) {
		t.Error("the publisher is not offered to archive and edit the item in its management area")
	}
	if strings.Contains(area, "btn-primary") || strings.Contains(area, "btn-success") {
		t.Error("a management action is drawn as the page's primary action")
	}
	// Who may attach finds the upload form behind its control; no lone dash.
	upload := page[strings.Index(page, `id="attachments"`):]
	if !strings.Contains(upload, `<details id="add-file"><summary`) || !strings.Contains(upload, "Aggiungi un allegato") ||
		!strings.Contains(upload, "Ancora nessun allegato.") || strings.Contains(upload, "<li>—</li>") {
		t.Error("the attachments of an item without files are not an empty note and an 'Add an attachment' control")
	}

	// A draft and an item to validate say what their state means.
	did := write(t, anna, "Bozza di Anna", url.Values{"body": {"Testo."}})
	if _, page := anna.Get(alpha + "/news/" + did); !strings.Contains(page, `id="state">Bozza</span>`) ||
		!strings.Contains(page, "Lo vedi solo tu finché non lo invii in validazione o lo pubblichi.") {
		t.Error("a draft's page does not say who sees it")
	}
	if code, _ := anna.Send(alpha+"/news/"+did, alpha+"/news/"+did+"/do/submit", nil); code != 303 {
		t.Fatal(code)
	}
	_, page = anna.Get(alpha + "/news/" + did)
	if !strings.Contains(page, `id="state">Da validare</span>`) || !strings.Contains(page, "Un validatore lo controlla prima che sia pubblicato") {
		t.Error("an item to validate does not say what it waits for")
	}
	if strings.Contains(page, `id="comments"`) || strings.Contains(page, "chiuso a nuovi commenti") {
		t.Error("an item not yet published shows a thread closed to comments")
	}
	anna.Get(alpha + "/lang?l=en&return_to=/news")
	if _, en := anna.Get(alpha + "/news/" + did); !strings.Contains(en, "A validator checks it before it is published") {
		t.Error("the state is not explained in English")
	}
}

// TestFormActions: every field is typed and labelled; a member's one
// primary action is to submit for validation, a publisher's to publish;
// an item past its draft is saved as it stands.
func TestFormActions(t *testing.T) {
	w := moduletest.New(t)
	id := write(t, w.Browser(t, alpha, "validator"), "Già pubblicata", url.Values{"action": {"publish"}})
	cases := []struct {
		who, page, action, primary string
		others                     []string
	}{
		{"anna", "/news/new", "/news", "submit", []string{"draft"}},
		{"validator", "/news/new", "/news", "publish", []string{"draft"}},
		{"validator", "/news/" + id + "/edit", "/news/" + id + "/edit", "save", nil},
	}
	for _, c := range cases {
		_, page := w.Browser(t, alpha, c.who).Get(alpha + c.page)
		f := contenttest.Form(page, c.action)
		if f == nil {
			t.Fatalf("%s %s: no form", c.who, c.page)
		}
		for _, bad := range contenttest.Unlabelled(f) {
			t.Errorf("%s %s: %s", c.who, c.page, bad)
		}
		primary := contenttest.Primary(f)
		if len(primary) != 1 || primary[0].Value != c.primary {
			t.Errorf("%s %s: primary actions %+v, want only %s", c.who, c.page, primary, c.primary)
		}
		var values []string
		for _, b := range contenttest.Buttons(f) {
			if strings.Contains(b.Class, "btn-success") {
				t.Errorf("%s %s: %q is drawn in another colour", c.who, c.page, b.Text)
			}
			if b.Value != c.primary {
				values = append(values, b.Value)
			}
		}
		if strings.Join(values, " ") != strings.Join(c.others, " ") {
			t.Errorf("%s %s: other actions %v, want %v", c.who, c.page, values, c.others)
		}
	}
	_, page := w.Browser(t, alpha, "anna").Get(alpha + "/news/new")
	for _, want := range []string{"Chi può vederlo", "Tutti i membri del sito", "Chiunque abbia un account su questo sito.", "Solo i membri di una community"} {
		if !strings.Contains(page, want) {
			t.Errorf("the scope field lacks %q", want)
		}
	}
}

// TestRefusedForm: a refused form comes back with what was typed and a
// summary on top whose links lead to each field in error.
func TestRefusedForm(t *testing.T) {
	w := moduletest.New(t)
	anna := w.Browser(t, alpha, "anna")
	res, page := anna.Post(alpha+"/news/new", alpha+"/news", url.Values{"title": {"x"}, "summary": {"Il sommario resta."},
		"body": {"Il testo resta anche se il titolo è corto."}, "language": {"klingon"}, "scope_kind": {"interests"}, "scope_themes": {"nothing"},
		"publish_from": {"domani"}, "action": {"submit"}})
	if res.StatusCode != 422 {
		t.Fatalf("a wrong form: %d", res.StatusCode)
	}
	i := strings.Index(page, "error-summary")
	if i < 0 || i > strings.Index(page, `<form method="post" action="/news"`) {
		t.Fatal("no error summary above the form")
	}
	summary := page[i:]
	summary = summary[:strings.Index(summary, "</div>")]
	for field, says := range map[string]string{"title": "Indica un titolo da 3 a 200 caratteri.", "language": "Scegli la lingua del testo.",
		"scope": "Scegli almeno un tema o un tag.", "publish_from": "Indica data e ora, o lascia vuoto."} {
		if !strings.Contains(summary, `<a href="#`+field+`">`+says+`</a>`) {
			t.Errorf("the summary does not link %q to #%s", says, field)
		}
		if !strings.Contains(page, ` id="`+field+`"`) {
			t.Errorf("the summary links to #%s, which is not on the page", field)
		}
		if field != "scope" && !strings.Contains(page, `aria-describedby="`+field+`-error"`) {
			t.Errorf("field %s does not name its message", field)
		}
	}
	for _, kept := range []string{`id="title" name="title" value="x"`, ">Il sommario resta.</textarea>", `id="scope-interests" value="interests" checked`} {
		if !strings.Contains(page, kept) {
			t.Errorf("what was typed is lost: %s", kept)
		}
	}
	if body := page[strings.Index(page, `<textarea class="form-control" id="body"`):]; !strings.Contains(body[:strings.Index(body, "</textarea>")], "Il testo resta anche se il titolo è corto.") {
		t.Error("the text typed is lost")
	}
}
