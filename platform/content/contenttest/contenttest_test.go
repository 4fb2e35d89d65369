package contenttest

import (
	"reflect"
	"testing"
)

func TestForm(t *testing.T) {
	page := `<form action="/other"><input name="x"></form>
<form method="post" action="/news"><input type="hidden" name="_csrf" value="t">
<label for="title">Title</label><input type="text" id="title" name="title">
<input name="untyped" id="untyped"><label for="untyped">Untyped</label>
<textarea id="body" name="body"></textarea>
<label for="lang">Language</label><select id="lang" name="language"></select>
<button class="btn btn-outline-primary" value="draft">Save</button><button class="btn btn-primary" value="submit" id="submit"> Submit </button></form>`
	f := Form(page, "/news")
	if f == nil {
		t.Fatal("the form is not found by its action")
	}
	want := []string{"an input without a type: untyped", "a field without its label: body #body"}
	if got := Unlabelled(f); !reflect.DeepEqual(got, want) {
		t.Errorf("Unlabelled: %q, want %q", got, want)
	}
	if got := Primary(f); len(got) != 1 || got[0] != (Button{ID: "submit", Class: "btn btn-primary", Value: "submit", Text: "Submit"}) {
		t.Errorf("Primary: %+v", got)
	}
	if n := len(Buttons(f)); n != 2 {
		t.Errorf("Buttons: %d", n)
	}
	if Form(page, "/nowhere") != nil {
		t.Error("a form found that is not there")
	}
}
