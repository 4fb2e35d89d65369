package project_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/piazza-pa/piazza/modules/moduletest"
)

// TestReportWorkflow: a manager starts a period's reports (one per
// partner); the partner's referent writes theirs (sanitised) and submits
// it, which tells the managers and puts it in their activities; a
// participant, the other partner's referent and the manager may not write
// it; the manager sends it back only with a note, which tells the
// referent; the referent writes it again and submits it; the manager
// approves it from "my activities", which tells the referent again.
func TestReportWorkflow(t *testing.T) {
	w := moduletest.New(t)
	id, _ := budgetProject(t, w)
	admin, bruno, facilitator, carla := w.Browser(t, alpha, "admin"), w.Browser(t, alpha, "bruno"), w.Browser(t, alpha, "facilitator"), w.Browser(t, alpha, "carla")
	p := "/projects/" + id + "/reports"
	if code, _, _ := post(t, admin, p, url.Values{"period_start": {"2025-01-01"}, "period_end": {"2025-03-31"}}); code != 303 {
		t.Fatalf("start the period: %d", code)
	}
	if n := query[int](t, w, w.A, "SELECT count(*) FROM project_reports WHERE project_id = ? AND state = 'draft'", id); n != 2 {
		t.Fatalf("%d drafts, want one per partner", n)
	}
	if code, _, body := post(t, admin, p, url.Values{"period_start": {"2025-01-01"}, "period_end": {"2025-03-31"}}); code != 422 || !strings.Contains(body, "esistono già") {
		t.Errorf("the same period again: %d", code)
	}
	rid := query[string](t, w, w.A, `SELECT r.id::text FROM project_reports r JOIN project_partners pp ON pp.id = r.partner_id WHERE pp.referent_id = ?`, w.ID("alpha", "bruno"))
	r := p + "/" + rid
	for name, b := range map[string]*moduletest.Browser{"manager": admin, "participant": carla, "other referent": facilitator} {
		if code, _, _ := post(t, b, r+"/edit", url.Values{"body": {"Altro"}, "action": {"submit"}}); code != 403 {
			t.Errorf("the %s writes the report: %d", name, code)
		}
	}
	if code, _, body := post(t, bruno, r+"/edit", url.Values{"body": {""}, "action": {"submit"}}); code != 422 || !strings.Contains(body, `id="body-error"`) {
		t.Errorf("an empty report submitted: %d", code)
	}
	if code, _, _ := post(t, bruno, r+"/edit", url.Values{"body": {`<p>Fatti i <b>rilievi</b>.</p><script>alert(1)</script>`}, "action": {"submit"}}); code != 303 {
		t.Fatalf("submit: %d", code)
	}
	if got := query[string](t, w, w.A, "SELECT state || ' ' || body FROM project_reports WHERE id = ?", rid); got != "submitted <p>Fatti i <b>rilievi</b>.</p>" {
		t.Errorf("the submitted report: %q", got)
	}
	told := func(who, key string) bool {
		return query[int](t, w, w.A, "SELECT count(*) FROM events WHERE content_type = 'project_report' AND item_id = ? AND recipient_id = ? AND message = ?",
			rid, w.ID("alpha", who), key) == 1
	}
	if !told("admin", "project.notify.report_submitted") {
		t.Error("the manager is not told of the submitted report")
	}
	if _, page := admin.Get(alpha + "/dashboard/inbox"); !strings.Contains(page, "Rapporto in attesa della tua decisione") || !strings.Contains(page, r+"/do/approve") {
		t.Error("the submitted report is not in the manager's activities")
	}
	if code, _ := carla.Send(alpha+r, alpha+r+"/do/approve", nil); code != 403 {
		t.Errorf("a participant approves: %d", code)
	}
	if code, body := admin.Send(alpha+r, alpha+r+"/do/send_back", url.Values{"note": {" "}}); code != 422 || !strings.Contains(body, "Scrivi che cosa manca") {
		t.Errorf("sent back without a note: %d", code)
	}
	if code, _ := admin.Send(alpha+r, alpha+r+"/do/send_back", url.Values{"note": {"Mancano i costi."}}); code != 303 {
		t.Fatalf("send back: %d", code)
	}
	if !told("bruno", "project.notify.report_sent_back") {
		t.Error("the referent is not told that the report is sent back")
	}
	if _, page := bruno.Get(alpha + r + "/edit"); !strings.Contains(page, "Mancano i costi.") {
		t.Error("the referent's form does not show the manager's note")
	}
	if code, _, _ := post(t, bruno, r+"/edit", url.Values{"body": {"<p>Con i costi.</p>"}, "action": {"submit"}}); code != 303 {
		t.Fatalf("submit again: %d", code)
	}
	if res, _ := admin.HX(alpha+"/dashboard/inbox", alpha+r+"/do/approve", nil); res.StatusCode != 200 {
		t.Fatalf("approve from the inbox: %d", res.StatusCode)
	}
	if !told("bruno", "project.notify.report_approved") || query[string](t, w, w.A, "SELECT state FROM project_reports WHERE id = ?", rid) != "approved" {
		t.Error("the approval is not recorded or not told")
	}
	_, page := carla.Get(alpha + r)
	for _, want := range []string{"approvato", "<p>Con i costi.</p>", "Mancano i costi.", "Rimanda indietro"} {
		if !strings.Contains(page, want) {
			t.Errorf("the report's page lacks %q", want)
		}
	}
	if strings.Contains(page, `id="do-`) {
		t.Error("a participant is offered a step")
	}
}

// TestLateReports: a report not submitted fifteen days after its period
// is late: in its referent's activities (not in others'), marked on the
// reports' page and on the project's dashboard, until it is submitted.
func TestLateReports(t *testing.T) {
	w := moduletest.New(t)
	id, ids := budgetProject(t, w)
	ended := func(days int) string { return time.Now().AddDate(0, 0, -days).Format(time.DateOnly) }
	late := query[string](t, w, w.A, `INSERT INTO project_reports (project_id, partner_id, period_start, period_end, body)
		VALUES (?, ?, ?::date - 90, ?, '<p>Quasi.</p>') RETURNING id::text`, id, ids["P1"], ended(20), ended(20))
	exec(t, w, `INSERT INTO project_reports (project_id, partner_id, period_start, period_end) VALUES (?, ?, ?::date - 90, ?)`, id, ids["P2"], ended(10), ended(10))
	bruno, facilitator, admin := w.Browser(t, alpha, "bruno"), w.Browser(t, alpha, "facilitator"), w.Browser(t, alpha, "admin")
	url := "/projects/" + id + "/reports/" + late
	if _, page := bruno.Get(alpha + "/dashboard/inbox"); !strings.Contains(page, "Rapporto del tuo partner in ritardo") || !strings.Contains(page, url) {
		t.Error("the late report is not in its referent's activities")
	}
	if _, page := facilitator.Get(alpha + "/dashboard/inbox"); strings.Contains(page, "/reports/") {
		t.Error("a report ended ten days ago, or another partner's, is in the facilitator's activities")
	}
	if _, page := admin.Get(alpha + "/projects/" + id); !strings.Contains(page, `id="late-reports"`) || !strings.Contains(page, url) {
		t.Error("the project's dashboard does not list the late report")
	}
	if _, page := admin.Get(alpha + "/projects/" + id + "/reports"); !strings.Contains(page, `<tr id="report-`+late+`" class="table-danger">`) {
		t.Error("the reports' page does not mark the late report")
	}
	if code, _ := bruno.Send(alpha+url, alpha+url+"/do/submit", nil); code != 303 {
		t.Fatalf("submit: %d", code)
	}
	if _, page := bruno.Get(alpha + "/dashboard/inbox"); strings.Contains(page, url) {
		t.Error("a submitted report is still late in the referent's activities")
	}
	if _, page := admin.Get(alpha + "/dashboard/inbox"); !strings.Contains(page, url) {
		t.Error("the submitted report does not wait in the manager's activities")
	}
}
