package discussion_test

import (
	"context"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/discussion"
	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/comment"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/i18n/i18ntest"
	"github.com/piazza-pa/piazza/platform/setting"
	"github.com/piazza-pa/piazza/platform/web/webtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

func TestMessageParity(t *testing.T) { i18ntest.CheckParity(t, discussion.Messages) }

const alpha, beta = moduletest.Alpha, moduletest.Beta

var idRE = regexp.MustCompile(`/(?:discussions|communities)/(\d+)`)

func open(t *testing.T, b *moduletest.Browser, form url.Values) string {
	t.Helper()
	if form.Get("language") == "" {
		form.Set("language", "it")
	}
	res, body := b.Post(alpha+"/discussions/new", alpha+"/discussions", form)
	if res.StatusCode != 303 {
		t.Fatalf("open %q: %d %s", form.Get("title"), res.StatusCode, body)
	}
	return idRE.FindStringSubmatch(res.Header.Get("Location"))[1]
}

// TestThreadedDiscussion: a community's topic with threaded replies,
// closed and reopened, invisible outside the community and the tenant.
func TestThreadedDiscussion(t *testing.T) {
	w := moduletest.New(t)
	anna := w.Browser(t, alpha, "anna")
	bruno := w.Browser(t, alpha, "bruno")
	dario := w.Browser(t, alpha, "dario")
	if code, _ := anna.Send(alpha+"/communities/new", alpha+"/communities", url.Values{"name": {"Bilancio partecipato"}, "kind": {"open"}}); code != 303 {
		t.Fatal(code)
	}
	_, page := anna.Get(alpha + "/communities")
	cid := idRE.FindStringSubmatch(page[strings.Index(page, `id="communities"`):])[1]
	if code, _ := bruno.Send(alpha+"/communities", alpha+"/communities/"+cid+"/join", nil); code != 303 {
		t.Fatal(code)
	}
	id := open(t, anna, url.Values{"title": {"Quali priorità per il 2027?"}, "body": {"Proponete i progetti."}, "scope_kind": {"communities"}, "scope_communities": {cid}, "action": {"publish"}})
	topic := alpha + "/discussions/" + id
	reply := func(b *moduletest.Browser, body, parent string) int {
		code, _ := b.Send(alpha+"/discussions", alpha+"/comments/discussion/"+id, url.Values{"body": {body}, "parent": {parent}})
		return code
	}
	if code := reply(bruno, "Più piste ciclabili.", ""); code != 303 {
		t.Fatalf("reply: %d", code)
	}
	var first string
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, "SELECT id::text FROM comments WHERE body = 'Più piste ciclabili.'").Scan(&first)
	})
	if code := reply(anna, "Sono d'accordo, anche in periferia.", first); code != 303 {
		t.Fatalf("threaded reply: %d", code)
	}
	_, page = bruno.Get(topic)
	a, b := strings.Index(page, "Più piste ciclabili."), strings.Index(page, "anche in periferia")
	if a < 0 || b < a || !strings.Contains(page, `style="margin-left: 1rem"`) {
		t.Error("the reply is not threaded under its parent")
	}
	// Outside the community: nothing, anywhere.
	if code, _ := dario.Get(topic); code != 404 {
		t.Errorf("a non-member opens the topic: %d", code)
	}
	if code := reply(dario, "Intruso", ""); code != 404 {
		t.Errorf("a non-member replies: %d", code)
	}
	for _, u := range []string{"/discussions", "/dashboard", "/search?q=priorità"} {
		if _, page := dario.Get(alpha + u); strings.Contains(page, "Quali priorità") {
			t.Errorf("%s shows the community's topic to a non-member", u)
		}
	}
	// Closing: only the author (or who may publish); no more replies.
	if code, _ := bruno.Send(topic, topic+"/close", nil); code != 403 {
		t.Errorf("a participant closes: %d", code)
	}
	if code, _ := anna.Send(topic, topic+"/close", nil); code != 303 {
		t.Fatalf("close: %d", code)
	}
	if _, page := bruno.Get(topic); !strings.Contains(page, `id="comments-closed"`) || strings.Contains(page, `id="comment-form"`) {
		t.Error("a closed topic still offers to reply")
	}
	if code := reply(bruno, "Ancora una cosa", ""); code != 409 {
		t.Errorf("reply to a closed topic: %d", code)
	}
	if code, _ := anna.Send(topic, topic+"/reopen", nil); code != 303 {
		t.Fatal(code)
	}
	if code := reply(bruno, "Ancora una cosa", ""); code != 303 {
		t.Errorf("reply after reopening: %d", code)
	}
	// Another tenant.
	other := w.Browser(t, beta, "anna")
	if code, _ := other.Get(beta + "/discussions/" + id); code != 404 {
		t.Errorf("beta's member opens alpha's topic: %d", code)
	}
	for _, u := range []string{"/comments/discussion/" + id, "/discussions/" + id + "/close", "/discussions/" + id + "/reopen",
		"/discussions/" + id + "/do/archive", "/comments/" + first + "/approve", "/files/discussion/" + id} {
		if code, _ := other.Send(beta+"/discussions", beta+u, url.Values{"body": {"x"}}); code != 404 {
			t.Errorf("beta's member POST %s: %d", u, code)
		}
	}
}

// TestModerationAndBlacklist: with moderation on, a member's comment waits
// for the item's moderator (in the inbox); blacklisted words are refused.
func TestModerationAndBlacklist(t *testing.T) {
	w := moduletest.New(t)
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		if err := setting.SetBool(ctx, tx, comment.SettingModeration, true); err != nil {
			return err
		}
		return comment.SetBlacklist(ctx, tx, []string{"truffa", "parola vietata"})
	})
	validator := w.Browser(t, alpha, "validator")
	anna := w.Browser(t, alpha, "anna")
	bruno := w.Browser(t, alpha, "bruno")
	id := open(t, validator, url.Values{"title": {"Regolamento dei parchi"}, "scope_kind": {"tenant"}, "action": {"publish"}})
	topic := alpha + "/discussions/" + id
	for _, body := range []string{"Chiediamo più panchine.", "E più fontanelle."} {
		if code, _ := anna.Send(topic, alpha+"/comments/discussion/"+id, url.Values{"body": {body}}); code != 303 {
			t.Fatal(code)
		}
	}
	if _, page := bruno.Get(topic); strings.Contains(page, "più panchine") {
		t.Error("a comment waiting for moderation is shown to others")
	}
	if _, page := anna.Get(topic); !strings.Contains(page, "più panchine") {
		t.Error("the author does not see their waiting comment")
	}
	_, inbox := validator.Get(alpha + "/dashboard/inbox")
	if n := len(regexp.MustCompile(`hx-post="/comments/\d+/approve"`).FindAllString(inbox, -1)); n != 2 {
		t.Fatalf("the moderator's inbox lists %d comments, want both waiting on the topic", n)
	}
	if _, other := bruno.Get(alpha + "/dashboard/inbox"); strings.Contains(other, "/approve") {
		t.Error("a member who moderates nothing is offered comments to moderate")
	}
	m := regexp.MustCompile(`hx-post="(/comments/\d+/approve)"`).FindStringSubmatch(inbox)
	if code, _ := bruno.Send(topic, alpha+m[1], nil); code != 403 {
		t.Errorf("a member moderates: %d", code)
	}
	if code, _ := validator.Send(topic, alpha+m[1], nil); code != 303 {
		t.Fatalf("moderate: %d", code)
	}
	if _, page := bruno.Get(topic); !strings.Contains(page, "più panchine") {
		t.Error("the published comment is not shown")
	}
	// Refused, the comment comes back in the topic's form with why.
	for _, body := range []string{"Questa è una TRUFFA!", "Contiene una parola vietata qui"} {
		code, page := bruno.Send(topic, alpha+"/comments/discussion/"+id, url.Values{"body": {body}})
		if code != 422 || !strings.Contains(page, `id="comment-refused">`) || !strings.Contains(page, "parole non ammesse") {
			t.Errorf("blacklisted %q: %d, want the topic's page with the reason by the form", body, code)
		}
		if !strings.Contains(page, "Regolamento dei parchi") || !strings.Contains(page, `name="body" rows="3" required aria-describedby="comment-refused">`+body+`</textarea>`) {
			t.Errorf("blacklisted %q: the text is not back in the topic's form", body)
		}
	}
	// A refused reply comes back in the reply form of its comment, open.
	_, page := bruno.Get(topic)
	first := regexp.MustCompile(`id="comment-(\d+)">\s*<div[^>]*>[^<]*</div>\s*<div class="ms-2 comment-body">Chiediamo più panchine`).FindStringSubmatch(page)
	if first == nil {
		t.Fatal("the published comment is not on the topic's page")
	}
	code, page := bruno.Send(topic, alpha+"/comments/discussion/"+id, url.Values{"body": {"Che truffa"}, "parent": {first[1]}})
	if code != 422 || !strings.Contains(page, `id="reply-refused-`+first[1]+`"`) || !strings.Contains(page, `aria-describedby="reply-refused-`+first[1]+`">Che truffa</textarea>`) {
		t.Errorf("a refused reply: %d, want it back in its comment's reply form", code)
	}
	if strings.Contains(page, `id="comment-refused"`) {
		t.Error("a refused reply shown in the form of a new comment")
	}
	if _, page := bruno.Send(topic, alpha+"/comments/discussion/"+id, url.Values{"body": {`</textarea><script>alert(1)</script> truffa`}}); webtest.Inert(page) != "" {
		t.Errorf("a refused comment's text is not inert in the form: %s", webtest.Inert(page))
	}
	// Sent by htmx, a refusal comes back as a message for the form's slot
	// (the text stays in the form); a comment taken sends the page to it.
	res, fragment := bruno.HX(topic, alpha+"/comments/discussion/"+id, url.Values{"body": {"Una truffa <b>vera</b>"}})
	if res.StatusCode != 422 || !strings.Contains(fragment, "parole non ammesse") || !strings.Contains(fragment, `role="alert"`) || strings.Contains(fragment, "<html") {
		t.Errorf("a blacklisted comment sent by htmx: %d %q", res.StatusCode, fragment)
	}
	res, _ = bruno.HX(topic, alpha+"/comments/discussion/"+id, url.Values{"body": {"Truffaldino è una maschera"}})
	if to := res.Header.Get("HX-Redirect"); res.StatusCode != 204 || !strings.HasPrefix(to, "/discussions/"+id+"?done=comment_waiting#comment-") {
		t.Errorf("a comment sent by htmx: %d, HX-Redirect %q", res.StatusCode, to)
	} else if _, page := bruno.Get(alpha + to); !strings.Contains(page, "comparirà quando un moderatore lo pubblicherà") {
		t.Error("the author is not told their comment waits for a moderator")
	}
	if _, page := validator.Get(topic); strings.Contains(page, "truffa") {
		t.Error("a refused comment was recorded")
	}
	if code, _ := bruno.Send(topic, alpha+"/comments/discussion/"+id, url.Values{"body": {"   "}}); code != 422 {
		t.Errorf("an empty comment: %d", code)
	}
	if code, _ := bruno.Send(topic, alpha+"/comments/nothing/"+id, url.Values{"body": {"x"}}); code != 404 {
		t.Errorf("a comment on an unknown type: %d", code)
	}
}
