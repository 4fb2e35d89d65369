package news_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
)

// pngOf is a small PNG of one colour.
func pngOf(t *testing.T, c color.Color) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	for x := range 4 {
		for y := range 3 {
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var imageRE = regexp.MustCompile(`<img src="/files/(\d+)/([^"]+)" alt="([^"]*)" class="img-fluid mb-3" id="image">`)

// TestPicture: the first image attached becomes the item's picture; the
// editor chooses another of its images, describes it, or removes it; a
// picture that is not one of the item's own images is refused by field.
func TestPicture(t *testing.T) {
	w := moduletest.New(t)
	validator := w.Browser(t, alpha, "validator")
	bruno := w.Browser(t, alpha, "bruno")
	id := write(t, validator, "Il nuovo parco", url.Values{"action": {"publish"}})
	other := write(t, validator, "Un'altra notizia", url.Values{"action": {"publish"}})
	page := alpha + "/news/" + id
	upload := func(item, name string, data []byte) {
		t.Helper()
		if code, body := validator.Upload(page, alpha+"/files/news/"+item, name, "image/png", data); code != 303 {
			t.Fatalf("upload %s: %d %s", name, code, body)
		}
	}
	if _, p := bruno.Get(page); imageRE.MatchString(p) {
		t.Fatal("a picture before any image is attached")
	}
	upload(id, "prato.png", pngOf(t, color.RGBA{0, 160, 0, 255}))
	upload(id, "lago.png", pngOf(t, color.RGBA{0, 0, 200, 255}))
	upload(other, "altrove.png", pngOf(t, color.White))
	_, p := bruno.Get(page)
	m := imageRE.FindStringSubmatch(p)
	if m == nil || m[2] != "prato.png" || m[3] != "" {
		t.Fatalf("the first image attached is not the picture: %v", m)
	}
	if code, _ := bruno.Get(alpha + "/files/" + m[1] + "/" + m[2]); code != 200 {
		t.Errorf("the picture does not load: %d", code)
	}
	for _, path := range []string{"/news", "/dashboard"} {
		if _, list := bruno.Get(alpha + path); !strings.Contains(list, `<img src="/files/`+m[1]+`/prato.png"`) {
			t.Errorf("%s does not show the picture", path)
		}
	}

	ids := map[string]string{}
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT name, id::text FROM attachments")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var n, i string
			if err := rows.Scan(&n, &i); err != nil {
				return err
			}
			ids[n] = i
		}
		return rows.Err()
	})
	edit := func(values url.Values) (int, string) {
		t.Helper()
		values.Set("title", "Il nuovo parco")
		values.Set("language", "it")
		values.Set("scope_kind", "tenant")
		values.Set("action", "draft")
		res, body := validator.Post(page+"/edit", page+"/edit", values)
		return res.StatusCode, body
	}
	if _, form := validator.Get(page + "/edit"); !strings.Contains(form, `<option value="`+ids["lago.png"]+`">lago.png</option>`) ||
		!strings.Contains(form, `<option value="`+ids["prato.png"]+`" selected>prato.png</option>`) {
		t.Fatal("the form does not offer the item's images with its picture chosen")
	}
	if code, _ := edit(url.Values{"image_id": {ids["lago.png"]}, "image_alt": {`Il lago al tramonto "visto" dal <molo>`}}); code != 303 {
		t.Fatalf("choose a picture: %d", code)
	}
	_, p = bruno.Get(page)
	if m := imageRE.FindStringSubmatch(p); m == nil || m[2] != "lago.png" || m[3] != "Il lago al tramonto &#34;visto&#34; dal &lt;molo&gt;" {
		t.Errorf("the chosen picture and its description: %v", m)
	}

	for name, values := range map[string]url.Values{
		"another item's image":   {"image_id": {ids["altrove.png"]}},
		"no attachment at all":   {"image_id": {"999999"}},
		"a description too long": {"image_id": {ids["lago.png"]}, "image_alt": {strings.Repeat("a", 301)}},
	} {
		code, body := edit(values)
		if code != 422 || !strings.Contains(body, "is-invalid") {
			t.Errorf("%s: %d, want the form back with the field marked", name, code)
		}
	}
	if _, p := bruno.Get(page); !strings.Contains(p, "/lago.png") {
		t.Error("a refused choice changed the picture")
	}
	if code, _ := edit(url.Values{"image_id": {""}}); code != 303 {
		t.Fatalf("remove the picture: %d", code)
	}
	if _, p := bruno.Get(page); imageRE.MatchString(p) {
		t.Error("the picture is still shown once removed")
	}
	// An image attached to an item without a picture becomes it again.
	upload(id, "fontana.png", pngOf(t, color.Black))
	if _, p := bruno.Get(page); imageRE.FindStringSubmatch(p) == nil || imageRE.FindStringSubmatch(p)[2] != "fontana.png" {
		t.Error("an image attached to an item without a picture did not become it")
	}
}
