package profile_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/modules/moduletest"
)

var pathID = regexp.MustCompile(`/(?:communities|discussions|news|organizations)/(\d+)`)

// made posts form to u as b (from page) and returns the id of what it made.
func made(t *testing.T, b *moduletest.Browser, page, u string, form url.Values) string {
	t.Helper()
	res, body := b.Post(page, u, form)
	if res.StatusCode != 303 {
		t.Fatalf("POST %s: %d %s", u, res.StatusCode, body)
	}
	id := pathID.FindStringSubmatch(res.Header.Get("Location"))
	if id == nil {
		t.Fatalf("POST %s went to %s", u, res.Header.Get("Location"))
	}
	return id[1]
}

// community makes a community of kind as b and returns its id.
func community(t *testing.T, b *moduletest.Browser, name, kind string) string {
	t.Helper()
	if code, _ := b.Send(alpha+"/communities/new", alpha+"/communities", url.Values{"name": {name}, "kind": {kind}}); code != 303 {
		t.Fatalf("create %s: %d", name, code)
	}
	_, page := b.Get(alpha + "/communities")
	for _, line := range strings.Split(page, "<li") {
		if strings.Contains(line, ">"+name+"<") {
			return pathID.FindStringSubmatch(line)[1]
		}
	}
	t.Fatalf("%s is not in its creator's list", name)
	return ""
}

// A person's page lists their communities, organisations and latest
// contributions as the viewer may see them: a closed community and what
// was written in it only to its members, drafts to nobody.
func TestPersonPageShowsWhatTheViewerMaySee(t *testing.T) {
	w := moduletest.New(t)
	anna, bruno, carla := w.Browser(t, alpha, "anna"), w.Browser(t, alpha, "bruno"), w.Browser(t, alpha, "carla")
	open := community(t, anna, "Orti urbani", "open")
	closed := community(t, anna, "Tavolo riservato", "closed")
	if code, _ := bruno.Send(alpha+"/communities/"+open, alpha+"/communities/"+open+"/join", nil); code != 303 {
		t.Fatalf("join: %d", code)
	}
	discuss := func(title, scope string, action string) {
		made(t, anna, alpha+"/discussions/new", alpha+"/discussions", url.Values{"title": {title}, "body": {"Testo."}, "language": {"it"},
			"scope_kind": {"communities"}, "scope_communities": {scope}, "action": {action}})
	}
	discuss("Semi da scambiare", open, "publish")
	discuss("Ordine del giorno riservato", closed, "publish")
	discuss("Bozza di Anna", open, "draft")
	made(t, anna, alpha+"/organizations/new", alpha+"/organizations", url.Values{"name": {"Cooperativa Orti Test"}})
	annaPage := fmt.Sprintf("%s/people/%d", alpha, w.ID("alpha", "anna"))

	cases := []struct {
		who       *moduletest.Browser
		name      string
		see, miss []string
	}{
		{anna, "anna herself", []string{">Orti urbani<", ">Tavolo riservato<", ">Semi da scambiare<", ">Ordine del giorno riservato<", ">Cooperativa Orti Test<"},
			[]string{"Bozza di Anna"}},
		{bruno, "a member of the open community", []string{">Orti urbani<", ">Semi da scambiare<", ">Cooperativa Orti Test<"},
			[]string{"Tavolo riservato", "Ordine del giorno riservato", "Bozza di Anna"}},
		{carla, "a member of neither", []string{">Orti urbani<", ">Cooperativa Orti Test<", "Nessun contributo da mostrare."},
			[]string{"Tavolo riservato", "Semi da scambiare", "Ordine del giorno riservato", "Bozza di Anna"}},
	}
	for _, c := range cases {
		code, page := c.who.Get(annaPage)
		if code != 200 {
			t.Fatalf("%s: %d", c.name, code)
		}
		for _, s := range c.see {
			if !strings.Contains(page, s) {
				t.Errorf("%s does not see %q on Anna's page", c.name, s)
			}
		}
		for _, s := range c.miss {
			if strings.Contains(page, s) {
				t.Errorf("%s sees %q on Anna's page", c.name, s)
			}
		}
	}
	if _, page := bruno.Get(annaPage); !strings.Contains(page, `href="/communities/`+open+`"`) || !strings.Contains(page, "Discussione") {
		t.Error("the page does not link the community or name a contribution's kind")
	}
	// Another tenant's member with the same id sees their own tenant's person.
	if _, page := w.Browser(t, beta, "bruno").Get(fmt.Sprintf("%s/people/%d", beta, w.ID("alpha", "anna"))); strings.Contains(page, "Orti urbani") ||
		strings.Contains(page, "Semi da scambiare") || strings.Contains(page, "Cooperativa Orti Test") {
		t.Error("beta's member sees alpha's communities or contributions")
	}
}
