package tour_test

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// pageChecks runs in the page and returns what a person would notice:
// a page wider than the screen, a field without a visible border or
// underline, Titillium Web not loaded, header links drawn over each other.
const pageChecks = `(async () => {
  await document.fonts.ready;
  const out = [];
  const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.name ? "[name=" + el.name + "]" : "") +
    (typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\s+/).slice(0, 2).join(".") : "");
  const shown = el => { const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && cs.visibility !== "hidden" && cs.display !== "none" && el.closest("[hidden]") === null; };
  const vw = window.innerWidth, de = document.documentElement;
  if (de.scrollWidth > vw) {
    const wide = [...document.body.querySelectorAll("*")].filter(e => shown(e) && e.getBoundingClientRect().right > vw + 1)
      .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > vw + 1)).slice(0, 4).map(name);
    out.push("page " + de.scrollWidth + " px wide on a " + vw + " px screen (" + wide.join(", ") + ")");
  }
  const skip = ["hidden", "checkbox", "radio", "submit", "button", "reset", "image", "file", "range", "color"];
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if ((el.tagName === "INPUT" && skip.includes(el.type)) || !shown(el)) continue;
    const cs = getComputedStyle(el);
    const seen = ["Top", "Right", "Bottom", "Left"].some(s => parseFloat(cs["border" + s + "Width"]) > 0 &&
      !["none", "hidden"].includes(cs["border" + s + "Style"]) && !/rgba\(.*,\s*0\)$|transparent/.test(cs["border" + s + "Color"]));
    if (!seen) out.push("field without a visible border: " + name(el));
  }
  if (![...document.fonts].some(f => f.family.replace(/["']/g, "") === "Titillium Web" && f.status === "loaded"))
    out.push("Titillium Web is not loaded");
  const links = [...document.querySelectorAll("header a, header button, header .navbar-brand")].filter(shown);
  for (let i = 0; i < links.length; i++) for (let j = i + 1; j < links.length; j++) {
    const a = links[i], b = links[j];
    if (a.contains(b) || b.contains(a)) continue;
    const r = a.getBoundingClientRect(), q = b.getBoundingClientRect();
    const w = Math.min(r.right, q.right) - Math.max(r.left, q.left), h = Math.min(r.bottom, q.bottom) - Math.max(r.top, q.top);
    if (w > 1 && h > 1) out.push("header links overlap: " + name(a) + " and " + name(b));
  }
  return JSON.stringify(out);
})()`

// chromeText is the text of the page's own words (header, navigation,
// labels, buttons, footer), where the visitor's language is expected
// whatever the content's.
const chromeText = `[...document.querySelectorAll("header, nav:not(:has(.breadcrumb)), footer, label, button, legend, th, .form-text")]
  .filter(e => e.getBoundingClientRect().width > 0).map(e => e.innerText).join("\n")`

// foreign are words that show a page's own text in the other language.
var foreign = map[string]*regexp.Regexp{
	"en": regexp.MustCompile(`(?i)\b(della|delle|degli|gli|il|una|non|sono|tuo|tua|accedi|esci|cerca|salva|pubblica|annulla|iscriviti|registrati|notizie|comunità|sottocomunità)\b`),
	"it": regexp.MustCompile(`(?i)\b(the|your|with|and|sign|save|search|publish|cancel|join|members|sub-community)\b`),
}

// messageKeys are the keys of every message file of the product (a key
// on a page is a text left untranslated).
func messageKeys(t *testing.T) []string {
	t.Helper()
	var keys []string
	keyRE := regexp.MustCompile(`^\s*"?([a-z0-9_]+(?:\.[a-z0-9_]+)+)"?\s*=`)
	files, _ := filepath.Glob("../../*/*/locale/en.toml")
	if len(files) < 10 {
		t.Fatalf("message files not found: %v", files)
	}
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			if m := keyRE.FindStringSubmatch(sc.Text()); m != nil {
				keys = append(keys, m[1])
			}
		}
		fh.Close()
	}
	return keys
}

// untranslated returns the message keys that appear in text.
func untranslated(text string, keys []string) []string {
	var found []string
	for _, k := range keys {
		i := strings.Index(text, k)
		if i < 0 {
			continue
		}
		end := i + len(k)
		if (i == 0 || !isWord(text[i-1])) && (end == len(text) || !isWord(text[end])) {
			found = append(found, k)
		}
	}
	return found
}

func isWord(b byte) bool {
	return b == '_' || b == '.' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}
