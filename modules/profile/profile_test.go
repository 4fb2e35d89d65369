package profile_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/modules/profile"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/i18n/i18ntest"
	"github.com/piazza-pa/piazza/platform/setting"
	"github.com/piazza-pa/piazza/platform/taxonomy"
	"github.com/piazza-pa/piazza/platform/web/webtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

func TestMessageParity(t *testing.T) { i18ntest.CheckParity(t, profile.Messages) }

const alpha, beta = moduletest.Alpha, moduletest.Beta

func TestProfileAndDirectory(t *testing.T) {
	w := moduletest.New(t)
	var tag int64
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		root, err := taxonomy.AddTag(ctx, tx, "Energia", 0)
		if err != nil {
			return err
		}
		leaf, err := taxonomy.AddTag(ctx, tx, "Idrogeno", root.ID)
		tag = leaf.ID
		return err
	})
	anna := w.Browser(t, alpha, "anna")
	bruno := w.Browser(t, alpha, "bruno")
	code, _ := anna.Send(alpha+"/profile", alpha+"/profile", url.Values{"name": {"Anna Rossi"}, "bio": {"Ingegnera dei trasporti."},
		"competencies": {"GIS, fondi europei, GIS"}, "themes": {"sustainable_mobility", "bogus"}, "tags": {fmt.Sprint(tag), "99999"},
		"notify_frequency": {"weekly"}, "locale": {"en"}})
	if code != 303 {
		t.Fatalf("save profile: %d", code)
	}
	// The chosen language is the interface's from now on.
	if _, page := anna.Get(alpha + "/profile"); !strings.Contains(page, "My profile") || !strings.Contains(page, `value="weekly" selected`) {
		t.Error("the profile's language or frequency was not kept")
	}
	_, page := bruno.Get(fmt.Sprintf("%s/people/%d", alpha, w.ID("alpha", "anna")))
	for _, want := range []string{"Anna Rossi", "Ingegnera dei trasporti.", "GIS, fondi europei", "Mobilità sostenibile", "Energia / Idrogeno"} {
		if !strings.Contains(page, want) {
			t.Errorf("the public profile lacks %q", want)
		}
	}
	if strings.Contains(page, "GIS, fondi europei, GIS") {
		t.Error("a repeated competency was kept twice")
	}
	// Directory filters.
	for q, want := range map[string]bool{"?theme=sustainable_mobility": true, "?theme=health": false, "?competency=gis": true, "?competency=chimica": false, "?q=ingegnera": true} {
		_, page := bruno.Get(alpha + "/people" + q)
		list := page[strings.Index(page, `id="people"`):]
		if strings.Contains(list, ">Anna Rossi<") != want {
			t.Errorf("directory %s: Anna listed = %v", q, !want)
		}
	}
	// Bad input: the form again with messages by the fields.
	code, page = anna.Send(alpha+"/profile", alpha+"/profile", url.Values{"name": {"A"}, "bio": {strings.Repeat("x", 2001)}, "notify_frequency": {"hourly"}, "locale": {"fr"}})
	if code != 422 || !strings.Contains(page, "Write 2,000 characters at most.") || !strings.Contains(page, "Choose how often.") || !strings.Contains(page, "Choose one of the languages offered.") ||
		!strings.Contains(page, "Give a name of 2 to 120 characters.") {
		t.Errorf("bad profile: %d", code)
	}
	// Photo: the bytes decide, not the declared type.
	if code := upload(t, anna, "photo.png", []byte("<svg onload=alert(1)>")); code != 422 {
		t.Errorf("an SVG declared as PNG: %d", code)
	}
	var img bytes.Buffer
	m := image.NewRGBA(image.Rect(0, 0, 4, 4))
	m.Set(1, 1, color.RGBA{200, 0, 0, 255})
	_ = png.Encode(&img, m)
	if code := upload(t, anna, "me.png", img.Bytes()); code != 303 {
		t.Errorf("a PNG photo: %d", code)
	}
	res, err := bruno.Client.Get(fmt.Sprintf("%s/people/%d/photo", alpha, w.ID("alpha", "anna")))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/png" || !bytes.Equal(body, img.Bytes()) {
		t.Errorf("the photo: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	// Another tenant's member: 404; a guest: sent to sign in.
	other := w.Browser(t, beta, "bruno")
	for _, u := range []string{fmt.Sprintf("/people/%d", w.ID("alpha", "anna")), fmt.Sprintf("/people/%d/photo", w.ID("alpha", "anna"))} {
		code, page := other.Get(beta + u)
		if w.ID("alpha", "anna") != w.ID("beta", "anna") && code != 404 {
			t.Errorf("beta's member GET %s: %d", u, code)
		}
		if strings.Contains(page, "Ingegnera") {
			t.Errorf("beta's member sees alpha's profile at %s", u)
		}
	}
	if _, page := other.Get(beta + "/people?q=ingegnera"); strings.Contains(page, "Ingegnera") || strings.Contains(page[strings.Index(page, `id="people"`):], "GIS") {
		t.Error("beta's directory shows alpha's profile")
	}
	if code, _ := w.Browser(t, alpha, "").Get(alpha + "/people"); code != 303 {
		t.Errorf("guest at the directory: %d", code)
	}
}

func upload(t *testing.T, b *moduletest.Browser, name string, data []byte) int {
	t.Helper()
	_, page := b.Get(alpha + "/profile")
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("_csrf", webtest.CSRF(page))
	h := make(map[string][]string)
	h["Content-Disposition"] = []string{`form-data; name="photo"; filename="` + name + `"`}
	h["Content-Type"] = []string{"image/png"}
	part, _ := mw.CreatePart(h)
	_, _ = part.Write(data)
	_ = mw.Close()
	res, err := b.Client.Post(alpha+"/profile/photo", mw.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func TestProfileValidation(t *testing.T) {
	w := moduletest.New(t)
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		return setting.SetBool(ctx, tx, setting.ProfileValidation, true)
	})
	anna := w.Browser(t, alpha, "anna")
	bruno := w.Browser(t, alpha, "bruno")
	facilitator := w.Browser(t, alpha, "facilitator")
	annaURL := fmt.Sprintf("%s/people/%d", alpha, w.ID("alpha", "anna"))
	if code, _ := anna.Send(alpha+"/profile", alpha+"/profile", url.Values{"name": {"Anna"}, "bio": {"Architetta."}, "notify_frequency": {"daily"}}); code != 303 {
		t.Fatal(code)
	}
	if code, _ := bruno.Get(annaURL); code != 404 {
		t.Errorf("a draft profile is shown to others: %d", code)
	}
	if code, _ := facilitator.Send(alpha+"/people", annaURL+"/validate", nil); code != 409 {
		t.Errorf("validate a draft: %d", code)
	}
	if code, _ := anna.Send(alpha+"/profile", alpha+"/profile/submit", nil); code != 303 {
		t.Fatal(code)
	}
	if _, page := facilitator.Get(alpha + "/people?state=to_validate"); !strings.Contains(page, "Anna") {
		t.Error("the facilitator does not find the profile to validate")
	}
	if code, _ := bruno.Send(alpha+"/people", annaURL+"/validate", nil); code != 403 {
		t.Errorf("a member validates: %d", code)
	}
	if code, _ := w.Browser(t, alpha, "validator").Send(alpha+"/people", annaURL+"/validate", nil); code != 403 {
		t.Errorf("a content validator validates a profile: %d", code)
	}
	if code, _ := facilitator.Send(alpha+"/people", annaURL+"/validate", nil); code != 303 {
		t.Fatalf("facilitator validates: %d", code)
	}
	if code, page := bruno.Get(annaURL); code != 200 || !strings.Contains(page, "Architetta.") {
		t.Errorf("the validated profile is not shown: %d", code)
	}
	// Editing goes back to draft, out of sight until validated again.
	if code, _ := anna.Send(alpha+"/profile", alpha+"/profile", url.Values{"name": {"Anna"}, "bio": {"Architetta e urbanista."}, "notify_frequency": {"daily"}}); code != 303 {
		t.Fatal(code)
	}
	if code, _ := bruno.Get(annaURL); code != 404 {
		t.Errorf("an edited profile stays visible before validation: %d", code)
	}
	// beta's facilitator has no say at alpha.
	for _, action := range []string{"/validate", "/reject"} {
		if code, _ := w.Browser(t, beta, "facilitator").Send(beta+"/people", strings.Replace(annaURL, alpha, beta, 1)+action, nil); code != 409 && code != 404 {
			t.Errorf("beta's facilitator %s: %d", action, code)
		}
	}
}
