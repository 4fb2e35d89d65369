package partnership_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/modules/partnership"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/i18n/i18ntest"
	"github.com/piazza-pa/piazza/platform/web/webtest"
	"github.com/piazza-pa/piazza/tenant"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

func TestMessageParity(t *testing.T) { i18ntest.CheckParity(t, partnership.Messages) }

const alpha, beta = moduletest.Alpha, moduletest.Beta

// sample is the shipped sample export.
func sample() string { return string(partnership.Sample) }

// importInto imports file into tn, as the command line does.
func importInto(t *testing.T, w *moduletest.World, tn *tenant.Tenant, file string, full bool) (partnership.Summary, error) {
	t.Helper()
	s, err := partnership.Import(context.Background(), w.DB.DB, tn, strings.NewReader(file), partnership.Options{Full: full}, nil)
	w.Cache.Forget(tn.SchemaName)
	return s, err
}

// mustImport imports file into alpha and returns its summary.
func mustImport(t *testing.T, w *moduletest.World, file string, full bool) partnership.Summary {
	t.Helper()
	s, err := importInto(t, w, w.A, file, full)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// query runs q (one value) in alpha's schema.
func query[T any](t *testing.T, w *moduletest.World, q string, args ...any) T {
	t.Helper()
	var v T
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error { return tx.QueryRowContext(ctx, q, args...).Scan(&v) })
	return v
}

// exec runs q in alpha's schema.
func exec(t *testing.T, w *moduletest.World, q string, args ...any) {
	t.Helper()
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, q, args...)
		return err
	})
}

// profileID is the id of alpha's profile ref.
func profileID(t *testing.T, w *moduletest.World, ref string) string {
	return fmt.Sprint(query[int64](t, w, "SELECT id FROM partnerships WHERE reference = ?", ref))
}

// advisor gives name the EEN advisor role in tn.
func advisor(t *testing.T, w *moduletest.World, tn *tenant.Tenant, name string) {
	t.Helper()
	if err := authz.Assign(context.Background(), w.DB.DB, fmt.Sprintf("user:%d", w.ID(tn.Slug, name)), partnership.RoleAdvisor, tn.Domain()); err != nil {
		t.Fatal(err)
	}
	w.Cache.Forget(tn.SchemaName)
}

// upload posts an export to the admin page of site as b (a full export
// when full), with the page's CSRF token; it returns the status and body.
func upload(t *testing.T, b *moduletest.Browser, site, name string, data []byte, full bool) (int, string) {
	t.Helper()
	_, page := b.Get(site + "/admin/partnerships")
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("_csrf", webtest.CSRF(page))
	if full {
		_ = mw.WriteField("full", "1")
	}
	part, _ := mw.CreateFormFile("file", name)
	_, _ = part.Write(data)
	_ = mw.Close()
	res, err := b.Client.Post(site+"/admin/partnerships/import", mw.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out bytes.Buffer
	_, _ = out.ReadFrom(res.Body)
	return res.StatusCode, out.String()
}

// express records b's interest in profile id with message and returns the
// interest's id.
func express(t *testing.T, w *moduletest.World, b *moduletest.Browser, id, message string) string {
	t.Helper()
	code, _ := b.Send(alpha+"/partnerships/"+id+"/interest", alpha+"/partnerships/"+id+"/interest", url.Values{"message": {message}})
	if code != 303 {
		t.Fatalf("interest in %s: %d", id, code)
	}
	return fmt.Sprint(query[int64](t, w, "SELECT max(id) FROM partnership_interests"))
}

// waitMail waits (ten seconds at most) for an e-mail to to whose text
// holds want, and returns that text.
func waitMail(t *testing.T, w *moduletest.World, to, want string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for _, m := range w.SMTP.Messages() {
			if strings.EqualFold(m.To, to) && strings.Contains(m.Text, want) {
				return m.Text
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no e-mail to %s says %q", to, want)
	return ""
}

// fresh moves alpha's profiles' dates by the days between the sample's
// day (1 December 2026) and today, so that what is open or past in the
// sample stays so whenever the tests run (without a change of updated_at).
func fresh(t *testing.T, w *moduletest.World) {
	exec(t, w, `UPDATE partnerships SET deadline = deadline + (current_date - date '2026-12-01'),
		published_at = published_at + (current_date - date '2026-12-01') * interval '1 day'`)
}
