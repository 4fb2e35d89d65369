package profile_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/modules/profile"
	"github.com/piazza-pa/piazza/platform/mail/mailtest"
)

// mailsTo are the e-mails the world's SMTP server received for to.
func mailsTo(w *moduletest.World, to string) []mailtest.Message {
	var out []mailtest.Message
	for _, m := range w.SMTP.Messages() {
		if strings.EqualFold(m.To, to) {
			out = append(out, m)
		}
	}
	return out
}

// raw is an e-mail whole: its headers and its body as sent.
func raw(m mailtest.Message) string {
	var b strings.Builder
	for k, vs := range m.Header {
		b.WriteString(k + ": " + strings.Join(vs, ", ") + "\n")
	}
	return b.String() + m.Body + m.Text
}

// write posts text from b to the page of person (a tenant's path).
func write(b *moduletest.Browser, site string, person int64, text string) (int, string) {
	page := fmt.Sprintf("%s/people/%d", site, person)
	return b.Send(page, page+"/contact", url.Values{"message": {text}})
}

var messageLink = regexp.MustCompile(`/profile/messages/(\d+)`)

// linked is the id of the message an e-mail links to.
func linked(t *testing.T, m mailtest.Message) string {
	t.Helper()
	id := messageLink.FindStringSubmatch(m.Text)
	if id == nil {
		t.Fatalf("the e-mail links to no message:\n%s", m.Text)
	}
	return id[1]
}

// A member writes to another from their page: the recipient reads it in
// the platform and in an e-mail that carries the text and links back, and
// answers through the platform; neither learns the other's address.
func TestContactThroughThePlatform(t *testing.T) {
	w := moduletest.New(t)
	anna, bruno := w.Browser(t, alpha, "anna"), w.Browser(t, alpha, "bruno")
	annaID, brunoID := w.ID("alpha", "anna"), w.ID("alpha", "bruno")
	_, page := bruno.Get(fmt.Sprintf("%s/people/%d", alpha, annaID))
	if !strings.Contains(page, fmt.Sprintf(`action="/people/%d/contact"`, annaID)) || !strings.Contains(page, `<label class="form-label" for="message">`) {
		t.Fatal("a person's page has no form to write to them")
	}
	if strings.Contains(page, "anna@alpha.example") {
		t.Error("a person's page shows their e-mail address")
	}
	text := "Buongiorno Anna,\nvorrei parlarti del bando sulla mobilità <b>sostenibile</b>."
	if code, _ := write(bruno, alpha, annaID, text); code != 303 {
		t.Fatalf("write: %d", code)
	}
	m := w.SMTP.Wait(t, "anna@alpha.example")
	for _, want := range []string{"Bruno", "Buongiorno Anna,\nvorrei parlarti del bando sulla mobilità <b>sostenibile</b>.",
		fmt.Sprintf("http://alpha.piazza.test/people/%d", brunoID), "http://alpha.piazza.test/profile/messages/"} {
		if !strings.Contains(strings.ReplaceAll(m.Text, "\r\n", "\n"), want) {
			t.Errorf("the e-mail lacks %q:\n%s", want, m.Text)
		}
	}
	if strings.Contains(raw(m), "bruno@alpha.example") {
		t.Error("the e-mail reveals the sender's address")
	}
	id := linked(t, m)
	// The recipient finds it in their activities, their messages and its page.
	if _, page := anna.Get(alpha + "/dashboard/inbox"); !strings.Contains(page, "/profile/messages/"+id) {
		t.Error("an unread message is not in the recipient's activities")
	}
	if _, page := anna.Get(alpha + "/profile/messages"); !strings.Contains(page, "Messaggio da Bruno") || !strings.Contains(page, "Da leggere") {
		t.Error("the recipient's messages do not list it as unread")
	}
	code, page := anna.Get(alpha + "/profile/messages/" + id)
	if code != 200 || !strings.Contains(page, "vorrei parlarti del bando sulla mobilità &lt;b&gt;sostenibile&lt;/b&gt;.") || strings.Contains(page, "bruno@alpha.example") {
		t.Errorf("the recipient reads the message: %d", code)
	}
	if _, page := anna.Get(alpha + "/profile/messages"); strings.Contains(page, "Da leggere") {
		t.Error("a message read is still unread")
	}
	// The answer goes back through the platform.
	if code, _ := anna.Send(alpha+"/profile/messages/"+id, alpha+"/profile/messages/"+id+"/reply", url.Values{"message": {"Volentieri, a presto."}}); code != 303 {
		t.Fatalf("reply: %d", code)
	}
	back := w.SMTP.Wait(t, "bruno@alpha.example")
	if !strings.Contains(back.Text, "Volentieri, a presto.") || strings.Contains(raw(back), "anna@alpha.example") {
		t.Errorf("the answer's e-mail:\n%s", back.Text)
	}
	if _, page := bruno.Get(alpha + "/profile/messages"); !strings.Contains(page, "Messaggio da Anna") || !strings.Contains(page, "Messaggio a Anna") {
		t.Error("the sender's messages lack the answer or what they sent")
	}
	// Nobody else reads or answers it.
	carla := w.Browser(t, alpha, "carla")
	if code, page := carla.Get(alpha + "/profile/messages/" + id); code != 404 || strings.Contains(page, "vorrei parlarti") {
		t.Errorf("another member reads the message: %d", code)
	}
	if code, _ := carla.Send(alpha+"/profile/messages", alpha+"/profile/messages/"+id+"/reply", url.Values{"message": {"Intrusa"}}); code != 404 {
		t.Errorf("another member answers the message: %d", code)
	}
	// The sender cannot answer their own message as if received.
	if code, _ := bruno.Send(alpha+"/profile/messages", alpha+"/profile/messages/"+id+"/reply", url.Values{"message": {"Di nuovo io"}}); code != 404 {
		t.Errorf("the sender answers their own message: %d", code)
	}
}

// A message is refused when empty or too long, with the error by the field
// and in the summary, keeping what was typed; nobody writes to themselves,
// to a suspended member or to someone who does not exist.
func TestContactRefusals(t *testing.T) {
	w := moduletest.New(t)
	bruno := w.Browser(t, alpha, "bruno")
	annaID := w.ID("alpha", "anna")
	for text, want := range map[string]string{"  \r\n ": "Scrivi il messaggio.", strings.Repeat("è", profile.MaxMessage+1): "Scrivi al massimo 4.000 caratteri."} {
		code, page := write(bruno, alpha, annaID, text)
		if code != 422 || strings.Count(page, want) != 2 || !strings.Contains(page, `<a href="#message">`) {
			t.Errorf("message of %d characters: %d", len([]rune(text)), code)
		}
		if strings.TrimSpace(text) != "" && !strings.Contains(page, ">"+text+"</textarea>") {
			t.Error("the refused message is not kept in the form")
		}
	}
	if n := len(mailsTo(w, "anna@alpha.example")); n != 0 {
		t.Errorf("refused messages were e-mailed: %d", n)
	}
	own := fmt.Sprintf("%s/people/%d", alpha, w.ID("alpha", "bruno"))
	if _, page := bruno.Get(own); strings.Contains(page, "/contact\"") {
		t.Error("one's own page offers to write to oneself")
	}
	if code, _ := write(bruno, alpha, w.ID("alpha", "bruno"), "Promemoria"); code != 409 {
		t.Errorf("a message to oneself: %d", code)
	}
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, "UPDATE users SET status = 'suspended' WHERE id = ?", w.ID("alpha", "dario"))
		return err
	})
	for _, id := range []int64{w.ID("alpha", "dario"), 999999} {
		page := fmt.Sprintf("%s/people/%d", alpha, id)
		if code, _ := bruno.Get(page); code != 404 {
			t.Errorf("the page of %d: %d", id, code)
		}
		if code, _ := bruno.Send(own, page+"/contact", url.Values{"message": {"Ciao"}}); code != 404 {
			t.Errorf("a message to %d: %d", id, code)
		}
	}
	if n := len(mailsTo(w, "dario@alpha.example")); n != 0 {
		t.Errorf("a suspended member was e-mailed: %d", n)
	}
}

// A member who turned messages off shows no form and refuses what is
// posted anyway; one who wants no e-mails gets messages on the site only.
func TestContactOptOut(t *testing.T) {
	w := moduletest.New(t)
	bruno, carla := w.Browser(t, alpha, "bruno"), w.Browser(t, alpha, "carla")
	carlaID := w.ID("alpha", "carla")
	if code, _ := carla.Send(alpha+"/profile", alpha+"/profile", url.Values{"name": {"Carla"}, "notify_frequency": {"daily"}, "contact_off": {"1"}}); code != 303 {
		t.Fatal(code)
	}
	if _, page := carla.Get(alpha + "/profile"); !strings.Contains(page, `name="contact_off" value="1" checked`) {
		t.Error("the profile form does not keep the choice")
	}
	_, page := bruno.Get(fmt.Sprintf("%s/people/%d", alpha, carlaID))
	if strings.Contains(page, "/contact\"") || !strings.Contains(page, "Carla ha scelto di non ricevere messaggi.") {
		t.Error("the page of a member who turned messages off still offers the form")
	}
	if code, page := write(bruno, alpha, carlaID, "Posso scriverti?"); code != 403 || !strings.Contains(page, "Questa persona ha scelto di non ricevere messaggi.") {
		t.Errorf("a message to a member who turned messages off: %d", code)
	}
	// Messages on again.
	if code, _ := carla.Send(alpha+"/profile", alpha+"/profile", url.Values{"name": {"Carla"}, "notify_frequency": {"off"}}); code != 303 {
		t.Fatal(code)
	}
	if code, _ := write(bruno, alpha, carlaID, "Posso scriverti ora?"); code != 303 {
		t.Fatalf("a message once turned on again: %d", code)
	}
	// The e-mail would have gone out before the answer: none did.
	if n := len(mailsTo(w, "carla@alpha.example")); n != 0 {
		t.Errorf("a member who wants no e-mails got %d", n)
	}
	if _, page := carla.Get(alpha + "/profile/messages"); !strings.Contains(page, "Posso scriverti ora?") || strings.Contains(page, "Posso scriverti?") {
		t.Error("the recipient's messages")
	}
}

// A member sends at most profile.PerHour messages an hour, whoever they
// write to; others are not held back by it.
func TestContactLimit(t *testing.T) {
	w := moduletest.New(t)
	validator, anna := w.Browser(t, alpha, "validator"), w.Browser(t, alpha, "anna")
	sent := 0
	for i := range profile.PerHour + 1 {
		code, page := write(validator, alpha, w.ID("alpha", "anna"), fmt.Sprintf("Messaggio numero %d", i))
		if code == 303 {
			sent++
			continue
		}
		if code != 429 || !strings.Contains(page, "Hai inviato troppi messaggi nell&#39;ultima ora") || !strings.Contains(page, `<a href="#message">`) {
			t.Errorf("over the limit: %d", code)
		}
		break
	}
	if sent != profile.PerHour {
		t.Errorf("%d messages went through, want %d", sent, profile.PerHour)
	}
	if code, _ := write(validator, alpha, w.ID("alpha", "bruno"), "A un altro"); code != 429 {
		t.Errorf("the limit depends on the recipient: %d", code)
	}
	if code, _ := write(anna, alpha, w.ID("alpha", "validator"), "Ricevuto tutto"); code != 303 {
		t.Errorf("another sender is held back: %d", code)
	}
}

// Another tenant's member guessing ids reaches only their own tenant's
// people and messages.
func TestContactIsolation(t *testing.T) {
	w := moduletest.New(t)
	if code, _ := write(w.Browser(t, alpha, "bruno"), alpha, w.ID("alpha", "anna"), "Solo per Anna di Alpha"); code != 303 {
		t.Fatal(code)
	}
	id := linked(t, w.SMTP.Wait(t, "anna@alpha.example"))
	for _, name := range []string{"anna", "bruno"} {
		if code, page := w.Browser(t, beta, name).Get(beta + "/profile/messages/" + id); code != 404 || strings.Contains(page, "Solo per Anna") {
			t.Errorf("beta's %s reads alpha's message: %d", name, code)
		}
	}
	other := w.Browser(t, beta, "bruno")
	code, _ := write(other, beta, w.ID("alpha", "anna"), "Da Beta")
	if code != 303 && code != 404 {
		t.Errorf("beta's member writes to an id of alpha: %d", code)
	}
	if n := len(mailsTo(w, "anna@alpha.example")); n != 1 {
		t.Errorf("alpha's member got %d e-mails, want only alpha's", n)
	}
	if _, page := w.Browser(t, alpha, "anna").Get(alpha + "/profile/messages"); strings.Contains(page, "Da Beta") {
		t.Error("a message from beta reached alpha")
	}
	if code, _ := other.Send(beta+"/profile/messages", beta+"/profile/messages/"+id+"/reply", url.Values{"message": {"Risposta"}}); code != 404 {
		t.Errorf("beta's member answers alpha's message: %d", code)
	}
}
