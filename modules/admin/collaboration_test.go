package admin_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/setting"
)

func TestCollaborationSettings(t *testing.T) {
	w := moduletest.New(t)
	const alpha, beta = moduletest.Alpha, moduletest.Beta
	adm := w.Browser(t, alpha, "admin")
	if code, _ := w.Browser(t, alpha, "anna").Get(alpha + "/admin/collaboration"); code != 403 {
		t.Errorf("a member opens the collaboration settings: %d", code)
	}
	if code, _ := adm.Send(alpha+"/admin/collaboration", alpha+"/admin/collaboration/validation", url.Values{"key": {setting.ProfileValidation}, "on": {"on"}}); code != 200 {
		t.Fatalf("turn profile validation on: %d", code)
	}
	if code, _ := adm.Send(alpha+"/admin/collaboration", alpha+"/admin/collaboration/validation", url.Values{"key": {"auth.local_accounts"}, "on": {"off"}}); code != 404 {
		t.Errorf("another setting through the validation switch: %d", code)
	}
	var on bool
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		var err error
		on, err = setting.Bool(ctx, tx, setting.ProfileValidation)
		return err
	})
	if !on {
		t.Error("the switch did not turn on")
	}
	if code, _ := adm.Send(alpha+"/admin/collaboration", alpha+"/admin/collaboration/tags", url.Values{"name": {"Energia"}}); code != 200 {
		t.Fatal(code)
	}
	_, page := adm.Get(alpha + "/admin/collaboration")
	root := regexp.MustCompile(`<option value="(\d+)">Energia</option>`).FindStringSubmatch(page)[1]
	if code, _ := adm.Send(alpha+"/admin/collaboration", alpha+"/admin/collaboration/tags", url.Values{"name": {"Idrogeno"}, "parent": {root}}); code != 200 {
		t.Fatal(code)
	}
	if _, page := adm.Get(alpha + "/admin/collaboration"); !strings.Contains(page, "Energia / Idrogeno") {
		t.Error("the tag tree is not shown")
	}
	if code, page := adm.Send(alpha+"/admin/collaboration", alpha+"/admin/collaboration/tags", url.Values{"name": {"energia"}}); code != 409 || !strings.Contains(page, "Esiste già un tag") {
		t.Errorf("a duplicate tag: %d", code)
	}
	if code, page := adm.Send(alpha+"/admin/collaboration", alpha+"/admin/collaboration/tags", url.Values{"name": {"  "}}); code != 422 || !strings.Contains(page, "Indica un nome da 1 a 80 caratteri.") {
		t.Errorf("an empty tag: %d", code)
	}
	// beta's admin neither sees nor removes alpha's tags, nor changes
	// alpha's settings from alpha's host, where they are nobody.
	other := w.Browser(t, beta, "admin")
	for _, u := range []string{"/admin/collaboration/validation", "/admin/collaboration/tags", "/admin/collaboration/blacklist"} {
		if code, _ := other.Send(beta+"/admin/collaboration", alpha+u, url.Values{"key": {setting.CommunityValidation}, "on": {"on"}, "name": {"x"}, "words": {"x"}}); code != 403 {
			t.Errorf("beta's admin POST alpha%s: %d", u, code)
		}
	}
	if _, page := other.Get(beta + "/admin/collaboration"); strings.Contains(page, "Idrogeno") {
		t.Error("beta sees alpha's tags")
	}
	if code, _ := other.Send(beta+"/admin/collaboration", beta+"/admin/collaboration/tags/"+root+"/remove", nil); code != 404 {
		t.Errorf("beta's admin removes alpha's tag: %d", code)
	}
	if code, _ := adm.Send(alpha+"/admin/collaboration", alpha+"/admin/collaboration/tags/"+root+"/remove", nil); code != 200 {
		t.Errorf("remove a tag tree: %d", code)
	}
	if _, page := adm.Get(alpha + "/admin/collaboration"); strings.Contains(page, "Idrogeno") {
		t.Error("removing the root left its subtree")
	}
}
