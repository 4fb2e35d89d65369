package tenant_test

import (
	"context"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/tenant"
)

// TestImportPlans: the import file's fifth column names the plan; an
// unknown plan is reported on its line and nothing is provisioned.
func TestImportPlans(t *testing.T) {
	ctx := context.Background()
	r, _ := newRegistry(t)
	if _, err := r.CreatePlan(ctx, tenant.PlanInput{Slug: "comuni", Name: "Comuni", Members: "50", Storage: "1GiB", Hosts: "0", IdPs: "1"}); err != nil {
		t.Fatal(err)
	}
	csv := "slug,name,hosts,admin_email,plan\numbria,Regione Umbria,,,comuni\nmarche,Regione Marche,,,nessuno\ntoscana,Regione Toscana\n"
	rows, bad, err := r.ParseImport(ctx, strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) != 1 || bad[0].Line != 3 || !strings.Contains(bad[0].Error(), `no such plan: "nessuno"`) {
		t.Fatalf("bad rows %v, want line 3's unknown plan", bad)
	}
	for _, row := range rows {
		if row.Params.Slug != "marche" {
			if _, err := r.Create(ctx, row.Params); err != nil {
				t.Fatal(err)
			}
		}
	}
	for slug, plan := range map[string]string{"umbria": "comuni", "toscana": tenant.DefaultPlan} {
		tn, err := r.Get(ctx, slug)
		if err != nil || tn.Plan == nil || tn.Plan.Slug != plan {
			t.Fatalf("%s: %v on %+v, want plan %s", slug, err, tn, plan)
		}
	}
}

// TestPlanInput: each field is checked, with the field named.
func TestPlanInput(t *testing.T) {
	ctx := context.Background()
	r, _ := newRegistry(t)
	good := tenant.PlanInput{Slug: "ok", Name: "Ok", Price: "99,90", Members: "10", Storage: "2GiB", Modules: "news, community", Hosts: "1", IdPs: "1"}
	p, err := r.CreatePlan(ctx, good)
	if err != nil || *p.PriceCents != 9990 || p.MaxStorage != 2<<30 || strings.Join(p.Modules, "|") != "news|community" || p.Currency != "EUR" {
		t.Fatalf("created %+v, %v", p, err)
	}
	for field, in := range map[string]tenant.PlanInput{
		"slug":     {Slug: "No!", Name: "x", Members: "1", Storage: "1", Hosts: "0", IdPs: "0"},
		"name":     {Slug: "n1", Name: " ", Members: "1", Storage: "1", Hosts: "0", IdPs: "0"},
		"price":    {Slug: "n2", Name: "x", Price: "gratis", Members: "1", Storage: "1", Hosts: "0", IdPs: "0"},
		"currency": {Slug: "n3", Name: "x", Currency: "euro", Members: "1", Storage: "1", Hosts: "0", IdPs: "0"},
		"members":  {Slug: "n4", Name: "x", Members: "0", Storage: "1", Hosts: "0", IdPs: "0"},
		"storage":  {Slug: "n5", Name: "x", Members: "1", Storage: "-1", Hosts: "0", IdPs: "0"},
		"modules":  {Slug: "n6", Name: "x", Members: "1", Storage: "1", Modules: "News!", Hosts: "0", IdPs: "0"},
		"hosts":    {Slug: "n7", Name: "x", Members: "1", Storage: "1", Hosts: "", IdPs: "0"},
		"idps":     {Slug: "n8", Name: "x", Members: "1", Storage: "1", Hosts: "0", IdPs: "x"},
	} {
		if _, err := r.CreatePlan(ctx, in); tenant.FieldOf(err) != field {
			t.Errorf("%s: %v (field %q)", field, err, tenant.FieldOf(err))
		}
	}
	if ps, _ := r.Plans(ctx); len(ps) != 2 {
		t.Fatalf("%d plans after the refusals, want 2", len(ps))
	}
}
