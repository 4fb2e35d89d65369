package lineage

import (
	"context"
	"errors"
	"testing"

	"github.com/uptrace/bun"
)

type parent struct {
	kind string
	err  error
}

func (p parent) Handover(_ context.Context, _ bun.IDB, kind string, id, _ int64) (Seed, bool, error) {
	if kind != p.kind {
		return Seed{}, false, nil
	}
	return Seed{Kind: kind, ID: id, Title: p.kind}, true, p.err
}

func (p parent) Origin(_ context.Context, _ bun.IDB, kind string, _, uid int64) (Link, bool, error) {
	return Link{Title: p.kind}, kind == p.kind && uid != 0, nil
}

type child []Link

func (c child) Children(context.Context, bun.IDB, string, int64, int64) ([]Link, string, error) {
	if len(c) == 0 {
		return nil, "", nil
	}
	return c, "/new", nil
}

// TestLineage: the parent of the kind answers (the others are passed
// over, its error stops the search), none for an unknown kind, and the
// children of every module are gathered with their forms.
func TestLineage(t *testing.T) {
	ps := []Parent{parent{kind: "news"}, parent{kind: "proposal"}}
	s, ok, err := Handover(t.Context(), nil, ps, "proposal", 7, 1)
	if !ok || err != nil || s.Title != "proposal" || s.ID != 7 {
		t.Errorf("handover: %+v %v %v", s, ok, err)
	}
	if _, ok, _ := Handover(t.Context(), nil, ps, "event", 7, 1); ok {
		t.Error("a kind no parent knows was handed over")
	}
	boom := errors.New("boom")
	if _, _, err := Handover(t.Context(), nil, []Parent{parent{kind: "proposal", err: boom}}, "proposal", 1, 1); !errors.Is(err, boom) {
		t.Errorf("the parent's error: %v", err)
	}
	if _, ok, _ := Origin(t.Context(), nil, ps, "proposal", 7, 0); ok {
		t.Error("an origin the viewer may not see was linked")
	}
	born, forms, err := Children(t.Context(), nil, []Child{child{{Title: "a"}}, child{}, child{{Title: "b"}}}, "proposal", 1, 1)
	if err != nil || len(born) != 2 || len(forms) != 2 {
		t.Errorf("children: %v %v %v", born, forms, err)
	}
}
