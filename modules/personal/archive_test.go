package personal_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/modules/personal"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/i18n/i18ntest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

func TestMessageParity(t *testing.T) { i18ntest.CheckParity(t, personal.Messages) }

// theirsOnly are what of p's nobody else's archive may hold: who they are,
// and what they wrote that was not addressed to the other (their
// interests and comments on the other's items included). The titles of
// p's items the other answered or was told of, a community p invited
// them to and p's message to them are the other's too.
func theirsOnly(p *someone) []string {
	out := []string{p.email, p.fiscal, p.family}
	for _, s := range []string{" bio", "competency", " interest offer", " partnership interest", " comment", " news body",
		" discussion body", " proposal body", " document", " expense", " report", " org", " token", "-subject", " history note",
		" budget change", " folder", "-period", " task", " project", " wp", " reply note", " suggested"} {
		out = append(out, p.mark+s)
	}
	return out
}

// download signs p in and posts the profile page's download form; it
// returns the archive's files by name.
func download(t *testing.T, w *moduletest.World, name string) map[string][]byte {
	t.Helper()
	b := w.Browser(t, moduletest.Alpha, name)
	res, body := b.Post(moduletest.Alpha+"/profile", moduletest.Alpha+"/profile/data", url.Values{})
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("download of %s: %d %s: %.300s", name, res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") || !strings.Contains(cd, ".zip") {
		t.Errorf("download of %s: Content-Disposition %q", name, cd)
	}
	zr, err := zip.NewReader(bytes.NewReader([]byte(body)), int64(len(body)))
	if err != nil {
		t.Fatalf("download of %s is no zip archive: %v", name, err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name], _ = io.ReadAll(r)
		r.Close()
	}
	return files
}

// TestExportHoldsTheirDataOnly seeds two people with an item of every
// kind, each answering the other's, and reads the archive of one: every
// JSON file is a list, each kind holds their rows, their file and photo
// are there byte for byte, README.txt speaks their language, and nothing
// of the other person's is anywhere (their items, their interests, their
// comments, their profile).
func TestExportHoldsTheirDataOnly(t *testing.T) {
	w := moduletest.New(t)
	anna, bruno := people(w)
	seed(t, w, anna, bruno)
	seed(t, w, bruno, anna)
	seedAnswers(t, w, anna, bruno)
	seedAnswers(t, w, bruno, anna)
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, "UPDATE users SET locale = 'en' WHERE id = ?", anna.id)
		return err
	})
	// one kept matching panel suggesting both: each archive holds its own
	// suggestion only
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		suggestion := func(p *someone) map[string]any {
			return map[string]any{"kind": "person", "id": p.id, "score": 1, "themes": []string{}, "tags": []string{},
				"competencies": []string{p.mark + " suggested"}, "words": []string{}}
		}
		list, err := json.Marshal([]any{suggestion(anna), suggestion(bruno)})
		if err == nil {
			_, err = tx.ExecContext(ctx, `INSERT INTO proposal_suggestions (proposal_id, key, suggestions)
				SELECT id, '\x00', ?::jsonb FROM proposals ORDER BY id LIMIT 1`, string(list))
		}
		return err
	})

	// a letter of each through the exchange, anna's answered
	for _, p := range []*someone{anna, bruno} {
		var id int64
		err := w.DB.DB.QueryRowContext(context.Background(), `INSERT INTO piazza.exchange_mailbox (to_tenant_id, item_type, item_id,
			from_tenant_id, from_user_id, from_tenant, respondent, message, state) VALUES (?, 'proposal', 7, ?, ?, 'Comune di Alpha', ?, ?, 'delivered')
			RETURNING id`, w.B.ID, w.A.ID, p.id, p.given, p.mark+" interest offer through the exchange").Scan(&id)
		if err == nil {
			_, err = w.DB.DB.ExecContext(context.Background(), `INSERT INTO piazza.exchange_replies (mailbox_id, source_id, state, note, evaluated_at)
				VALUES (?, 1, 'relevant', ?, now())`, id, p.mark+" reply note")
		}
		if err != nil {
			t.Fatal(err)
		}
	}

	files := download(t, w, "anna")
	all := ""
	for name, data := range files {
		if strings.HasSuffix(name, ".json") {
			var v any
			if err := json.Unmarshal(data, &v); err != nil {
				t.Errorf("%s is not JSON: %v", name, err)
			}
		}
		for _, s := range theirsOnly(bruno) {
			if strings.Contains(string(data), s) {
				t.Errorf("%s holds the other person's %q:\n%s", name, s, data)
			}
		}
		all += string(data)
	}
	// every kind that anna has a row of holds her marker
	want := map[string][]string{
		"account.json":                {anna.email, anna.fiscal, anna.family},
		"profile.json":                {anna.mark + " bio", anna.mark + "competency"},
		"organizations.json":          {anna.mark + " org"},
		"communities.json":            {anna.mark + " community"},
		"news.json":                   {anna.mark + " news body"},
		"discussions.json":            {anna.mark + " discussion body"},
		"comments.json":               {anna.mark + " comment"},
		"proposals.json":              {anna.mark + " proposal body"},
		"proposal_interests.json":     {anna.mark + " interest offer"},
		"proposal_suggestions.json":   {anna.mark + " suggested", `"proposal_title"`},
		"partnership_profiles.json":   {anna.mark + " partnership"},
		"partnership_interests.json":  {anna.mark + " partnership interest"},
		"documents.json":              {anna.mark + " document body"},
		"document_folders.json":       {anna.mark + " folder"},
		"files.json":                  {"anna-notes.txt"},
		"workflow_actions.json":       {anna.mark + " history note"},
		"projects.json":               {anna.mark + " project"},
		"project_tasks.json":          {anna.mark + " task"},
		"project_expenses.json":       {anna.mark + " expense"},
		"project_reports.json":        {anna.mark + " report"},
		"project_budget_changes.json": {anna.mark + " budget change"},
		"notification_digests.json":   {anna.mark + "-period"},
		"events_published.json":       {anna.mark + " event"},
		"messages.json":               {anna.mark + " message", `"received"`},
		"api_tokens.json":             {anna.mark + " token"},
		"sign_in_identities.json":     {anna.mark + "-subject"},
		"account_links.json":          {"verify_email"},
		"failed_sign_ins.json":        {`"at"`},
		"sessions.json":               {`"client_addr"`},
		"roles.json":                  {"role:validator"},
		"exchange_interests.json":     {anna.mark + " interest offer through the exchange", anna.mark + " reply note", "Comune di Beta", `"relevant"`},
		"README.txt":                  {"account.json", "the news items you wrote"},
		"files/profile-photo.png":     {"\x89PNG " + anna.mark},
	}
	for name, parts := range want {
		data, ok := files[name]
		if !ok {
			t.Errorf("the archive has no %s (it has %d files)", name, len(files))
			continue
		}
		for _, p := range parts {
			if !strings.Contains(string(data), p) {
				t.Errorf("%s lacks %q:\n%s", name, p, data)
			}
		}
	}
	// bruno's notification of anna's event is his, not hers
	if strings.Contains(string(files["notifications.json"]), anna.mark) {
		t.Errorf("notifications.json holds a notification sent to someone else:\n%s", files["notifications.json"])
	}
	var uploaded []byte
	for name, data := range files {
		if strings.HasPrefix(name, "files/") && strings.HasSuffix(name, "-anna-notes.txt") {
			uploaded = data
		}
	}
	if !bytes.Equal(uploaded, anna.fileBytes) {
		t.Errorf("the uploaded file's bytes are %q, want %q", uploaded, anna.fileBytes)
	}
	if strings.Contains(all, "password_hash") || strings.Contains(all, "token_hash") || strings.Contains(all, "$argon2") {
		t.Error("the archive holds a secret's column")
	}
}

// TestExportNeedsPostWithToken: the archive is made for a signed-in member
// who posts the profile page's form, never for a guest, a GET, or a post
// without the CSRF token.
func TestExportNeedsPostWithToken(t *testing.T) {
	w := moduletest.New(t)
	guest := w.Browser(t, moduletest.Alpha, "")
	if code, _ := guest.Get(moduletest.Alpha + "/profile/data"); code == 200 {
		t.Error("a guest's GET of /profile/data answered 200")
	}
	res, err := guest.Client.PostForm(moduletest.Alpha+"/profile/data", url.Values{})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode == 200 {
		t.Error("a guest's POST of /profile/data answered 200")
	}
	anna := w.Browser(t, moduletest.Alpha, "anna")
	res, err = anna.Client.PostForm(moduletest.Alpha+"/profile/data", url.Values{})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 403 {
		t.Errorf("a post without the CSRF token answered %d, want 403", res.StatusCode)
	}
	if code, page := anna.Get(moduletest.Alpha + "/profile"); code != 200 || !strings.Contains(page, `action="/profile/data"`) {
		t.Errorf("the profile page (%d) offers no download", code)
	}
}
