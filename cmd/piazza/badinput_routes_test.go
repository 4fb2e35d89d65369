package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/piazza-pa/piazza/platform/feed"
)

// demoIDs are ids of the demo tenant's data that the routes take.
type demoIDs struct {
	community, requester, news, draft, toSubmit, discussion, toArchive, comment, person, org, attachment, tag int64
	attachmentName, sha                                                                                       string
	// proposal is a published proposal of the demo admin, with expressions
	// of interest received (toEvaluate, submitted) and a relevant one;
	// proposalDraft and proposalToSubmit are drafts of theirs; respond and
	// answer are others' published proposals the admin has not answered,
	// and interest the admin's draft answer to a third.
	proposal, proposalDraft, proposalToSubmit, respond, answer, interest, toEvaluate int64
	// library is a community library of the demo admin's, folder one of its
	// folders and document one of its files; emptyFolder and toDelete are
	// a folder and a link of the tenant library that the probes may remove.
	library, folder, parent, document, emptyFolder, toDelete int64
}

// demoData finds the demo data the routes take, adding drafts and a tag
// that the probes may change.
func (s *site) demoData() demoIDs {
	s.t.Helper()
	var d demoIDs
	one := func(q string, args ...any) int64 {
		var id int64
		if err := s.pg.QueryRow(s.t.Context(), q, args...).Scan(&id); err != nil {
			s.t.Fatalf("%s: %v", q, err)
		}
		return id
	}
	d.community = one(`SELECT m.community_id FROM t_demo.community_members m JOIN t_demo.users u ON u.id = m.user_id
		WHERE u.email = 'admin@demo.example.org' AND m.role = 'manager'
		AND EXISTS (SELECT FROM t_demo.community_members r WHERE r.community_id = m.community_id AND r.state = 'request_sent')`)
	d.requester = one(fmt.Sprintf(`SELECT user_id FROM t_demo.community_members WHERE community_id = %d AND state = 'request_sent'`, d.community))
	d.news = one(`SELECT min(id) FROM t_demo.news WHERE state = 'published'`)
	d.draft = one(`INSERT INTO t_demo.news (title, language, author_id, scope_kind)
		SELECT 'Bozza della prova', 'it', id, 'tenant' FROM t_demo.users WHERE email = 'admin@demo.example.org' RETURNING id`)
	d.toSubmit = one(`INSERT INTO t_demo.news (title, language, author_id, scope_kind)
		SELECT 'Bozza da inviare', 'it', id, 'tenant' FROM t_demo.users WHERE email = 'admin@demo.example.org' RETURNING id`)
	d.discussion = one(`SELECT min(id) FROM t_demo.discussions`)
	d.toArchive = one(`SELECT max(id) FROM t_demo.discussions`)
	d.comment = one(`SELECT min(id) FROM t_demo.comments`)
	d.person = one(`SELECT min(user_id) FROM t_demo.profiles`)
	d.org = one(`SELECT min(id) FROM t_demo.organizations`)
	d.attachment = one(`SELECT min(id) FROM t_demo.attachments`)
	d.tag = one(`INSERT INTO t_demo.tags (name) VALUES ('Etichetta della prova') RETURNING id`)
	d.attachmentName = s.one(`SELECT name FROM t_demo.attachments WHERE id = $1`, d.attachment)
	d.sha = s.one(`SELECT sha256 FROM piazza.tenant_assets ORDER BY 1 LIMIT 1`)
	s.demoProposals(&d, one)
	s.demoDocuments(&d, one)
	return d
}

// demoDocuments finds the demo library, folder and file the routes take,
// adding a folder and a link that the probes may remove.
func (s *site) demoDocuments(d *demoIDs, one func(string, ...any) int64) {
	d.document = one(`SELECT min(id) FROM t_demo.documents WHERE kind = 'file' AND community_id IS NOT NULL`)
	d.library = one(`SELECT community_id FROM t_demo.documents WHERE id = $1`, d.document)
	d.folder = one(`SELECT folder_id FROM t_demo.documents WHERE id = $1`, d.document)
	d.parent = one(`SELECT parent_id FROM t_demo.document_folders WHERE id = $1`, d.folder)
	d.emptyFolder = one(`INSERT INTO t_demo.document_folders (name) VALUES ('Cartella vuota della prova') RETURNING id`)
	d.toDelete = one(`INSERT INTO t_demo.documents (kind, title, link, author_id)
		SELECT 'link', 'Collegamento da eliminare', 'https://example.org/', id FROM t_demo.users WHERE email = 'admin@demo.example.org' RETURNING id`)
}

// demoProposals finds the demo proposals and expressions of interest the
// routes take, adding the admin's drafts and their draft answer.
func (s *site) demoProposals(d *demoIDs, one func(string, ...any) int64) {
	admin := one(`SELECT id FROM t_demo.users WHERE email = 'admin@demo.example.org'`)
	byTitle := func(i int) int64 {
		return one(`SELECT id FROM t_demo.proposals WHERE title = $1`, demoProposals[i].title)
	}
	d.proposal, d.respond, d.answer = byTitle(0), byTitle(1), byTitle(4)
	draft := `INSERT INTO t_demo.proposals (title, kind, trl, author_id) VALUES ($1, 'research', 5, $2) RETURNING id`
	d.proposalDraft = one(draft, "Proposta in bozza della prova", admin)
	d.proposalToSubmit = one(draft, "Proposta da inviare", admin)
	d.interest = one(`INSERT INTO t_demo.proposal_interests (proposal_id, author_id, offer) VALUES ($1, $2, 'Un laboratorio.') RETURNING id`,
		byTitle(6), admin)
	d.toEvaluate = one(`SELECT min(id) FROM t_demo.proposal_interests WHERE proposal_id = $1 AND state = 'submitted'`, d.proposal)
}

// openAnswer is a form for an expression of interest in proposal pid by the
// demo admin, each the first: it removes the one the last accepted form
// wrote (a member answers a proposal once).
func (s *site) openAnswer(pid int64) func(int) url.Values {
	return func(int) url.Values {
		if _, err := s.pg.Exec(s.t.Context(), `DELETE FROM t_demo.proposal_interests WHERE proposal_id = $1
			AND author_id = (SELECT id FROM t_demo.users WHERE email = 'admin@demo.example.org')`, pid); err != nil {
			s.t.Fatal(err)
		}
		return url.Values{"offer": {"Abbiamo un laboratorio."}, "action": {"draft"}}
	}
}

// badCursors are positions in a list (the dashboard's, a content list's)
// out of range, or not positions.
func badCursors() []string {
	raw := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	return []string{
		feed.Cursor{At: time.UnixMicro(math.MaxInt64), Kind: "news", ID: 1}.Encode(),
		feed.Cursor{At: time.UnixMicro(math.MinInt64), Kind: "news", ID: 1}.Encode(),
		feed.Cursor{At: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), Kind: "news", ID: 1}.Encode(),
		raw("0|0|news|99999999999999999999"), raw("0|0|news"), "%%%", "not a cursor",
	}
}

// badImports are tenant lists (CSV) with bad rows.
func badImports() [][]byte {
	return [][]byte{
		[]byte("prova-nul,Ente\x00 di prova\n"),
		[]byte("prova-utf,Ente \xff\xfe di prova\n"),
		[]byte("prova-lungo," + strings.Repeat("à", 201) + "\n"),
		[]byte("prova-host,Ente di prova," + strings.Repeat("h", 300) + ".example.org\n"),
		[]byte("prova-mail,Ente di prova,," + longText("email", 300) + "\n"),
		[]byte("\"prova,\"x\"y,Ente\n"),
		[]byte("prova-ok,Ente di prova\nprova-nul2,Ente\x00\n"),
	}
}

// routeTable is the entry of every route, by area, method and pattern.
func routeTable(s *site) map[string]route {
	d := s.demoData()
	admin := func(s *site) *visitor { return s.admin }
	guest := func(s *site) *visitor { return s.guest(demoSite) }
	op := func(s *site) *visitor { return s.operator }
	opGuest := func(s *site) *visitor { return s.guest(consoleSite) }
	id := func(f string, v ...any) string { return fmt.Sprintf(f, v...) }
	fixed := func(v url.Values) func(int) url.Values {
		return func(int) url.Values {
			out := url.Values{}
			for k, x := range v {
				out[k] = append([]string(nil), x...)
			}
			return out
		}
	}
	news := fixed(url.Values{"title": {"Una notizia di prova"}, "body": {"Testo."}, "language": {"it"}, "scope_kind": {"tenant"}, "action": {"draft"}})
	newsText := []string{"title", "subtitle", "category", "summary", "body", "image_alt", "publish_from", "publish_until", "language", "scope_kind", "action"}
	newsLong := map[string]int{"title": 200, "subtitle": 300, "category": 80, "summary": 600, "body": 100000, "image_alt": 300}
	newsTimes := []string{"publish_from", "publish_until"}
	newsIDs := []string{"image_id", "related", "scope_communities", "scope_organizations", "scope_tags"}
	topic := fixed(url.Values{"title": {"Una discussione di prova"}, "body": {"Testo."}, "language": {"it"}, "scope_kind": {"tenant"}, "action": {"draft"}})
	org := fixed(url.Values{"name": {"Impresa di prova"}, "description": {"Descrizione."}})
	orgText := []string{"name", "legal_form", "registered_office", "operating_office", "legal_representative", "email", "phone",
		"website", "description", "competencies", "vat_number", "fiscal_code", "themes"}
	orgLong := map[string]int{"name": 200, "description": 4000, "competencies": 80}
	community := fixed(url.Values{"name": {"Community di prova"}, "description": {"Descrizione."}, "kind": {"open"}, "themes": {"health"}})
	note := fixed(url.Values{"note": {"Nota."}})
	idpForm := func(n int) url.Values {
		return url.Values{"key": {fmt.Sprintf("idp-%d", n)}, "label": {"Accesso di prova"}, "kind": {"generic"}, "issuer": {"https://idp.example"},
			"client_id": {"piazza"}, "client_auth": {"client_secret_basic"}, "client_secret": {"segreto"}, "scopes": {"openid email"}, "link_by": {"email"}}
	}
	idpText := []string{"key", "label", "kind", "issuer", "entity_id", "client_id", "client_auth", "client_secret", "scopes", "acr", "link_by"}
	s.post(admin(s), "/admin/idps", idpForm(0))
	proposal := fixed(url.Values{"title": {"Una proposta di prova"}, "kind": {"research"}, "trl": {"5"}, "ip_status": {"none"},
		"language": {"it"}, "scope_kind": {"tenant"}, "action": {"draft"}})
	proposalText := []string{"title", "summary", "body", "offer", "expected", "kind", "ip_status", "countries", "languages", "themes",
		"closes_at", "language", "scope_kind", "scope_themes", "public", "action"}
	proposalLong := map[string]int{"title": 200, "summary": 600, "body": 100000, "offer": 4000, "expected": 4000}
	proposalIDs := []string{"trl", "organization_id", "tags", "scope_communities", "scope_tags"}
	answer := fixed(url.Values{"offer": {"Abbiamo un laboratorio."}, "action": {"save"}})
	answerText := []string{"offer", "role", "action"}
	answerLong := map[string]int{"offer": 4000, "role": 200}
	docText := []string{"q", "theme", "kind", "sort", "done"}
	document := fixed(url.Values{"kind": {"link"}, "title": {"Un collegamento di prova"}, "link": {"https://example.org/"}, "language": {"it"}, "scope_kind": {"tenant"}})
	documentText := []string{"kind", "title", "body", "link", "language", "themes", "scope_kind", "scope_themes", "public"}
	documentIDs := []string{"community", "folder", "tags", "scope_communities", "scope_tags", "scope_organizations"}
	documentLong := map[string]int{"title": 200, "body": 2000}
	documentEdit := fixed(url.Values{"kind": {"file"}, "title": {"Un documento di prova"}, "language": {"it"}, "community": {fmt.Sprint(d.library)}})
	folderForm := func(n int) url.Values {
		return url.Values{"community": {fmt.Sprint(d.library)}, "name": {fmt.Sprintf("Cartella %d", n)}}
	}
	planForm := func(n int) url.Values {
		return url.Values{"plan_slug": {fmt.Sprintf("prova-%d", n)}, "plan_name": {"Piano di prova"}, "plan_price": {"120,00"}, "plan_currency": {"EUR"},
			"plan_members": {"100000"}, "plan_storage": {"100GiB"}, "plan_modules": {""}, "plan_hosts": {"20"}, "plan_idps": {"10"}}
	}
	planText := []string{"plan_slug", "plan_name", "plan_price", "plan_currency", "plan_members", "plan_storage", "plan_modules", "plan_hosts", "plan_idps"}
	issuer := discovery(s.t)
	signInForm := func(n int) url.Values {
		return url.Values{"key": {fmt.Sprintf("idp-%d", n)}, "label": {"Accesso di prova"}, "issuer": {issuer}, "client_id": {"piazza"}, "client_secret": {"segreto"}}
	}
	s.post(op(s), "/plans", planForm(0))
	s.post(op(s), "/tenants/esempio/signin/idps", signInForm(0))
	routes := map[string]route{
		"tenant GET /auth/login":              {path: "/auth/login", who: guest, text: []string{"return_to"}},
		"tenant POST /auth/login":             {path: "/auth/login", who: guest, text: []string{"email", "password", "return_to"}, form: fixed(url.Values{"email": {"nessuno@demo.example.org"}, "password": {"sbagliata"}})},
		"tenant POST /auth/logout":            {path: "/auth/logout", who: guest},
		"tenant POST /auth/logout-everywhere": {path: "/auth/logout-everywhere", who: guest},
		"tenant GET /auth/register":           {path: "/auth/register", who: guest},
		"tenant POST /auth/register": {path: "/auth/register", who: guest, text: []string{"email", "name", "password"}, form: func(n int) url.Values {
			return url.Values{"email": {fmt.Sprintf("nuova%d@example.org", n)}, "name": {"Nuova"}, "password": {"una password lunga"}}
		}},
		"tenant GET /auth/verify":                                      {path: "/auth/verify", who: guest, text: []string{"token"}},
		"tenant GET /auth/reset":                                       {path: "/auth/reset", who: guest, text: []string{"token"}},
		"tenant POST /auth/reset":                                      {path: "/auth/reset", who: guest, text: []string{"token", "email", "password"}},
		"tenant GET /auth/password":                                    {path: "/auth/password", who: admin},
		"tenant POST /auth/password":                                   {path: "/auth/password", who: admin, text: []string{"current", "password"}},
		"tenant POST /auth/language":                                   {path: "/auth/language", who: admin, text: []string{"locale"}},
		"tenant GET /auth/invite":                                      {path: "/auth/invite", who: guest, text: []string{"token"}},
		"tenant POST /auth/invite":                                     {path: "/auth/invite", who: guest, text: []string{"token", "password"}},
		"tenant GET /auth/oidc/:key/login":                             {path: "/auth/oidc/idp-0/login", who: guest, text: []string{"return_to"}},
		"tenant GET /auth/oidc/:key/callback":                          {path: "/auth/oidc/idp-0/callback", who: guest, text: []string{"state", "code", "error"}},
		"tenant GET /.well-known/jwks.json":                            {path: "/.well-known/jwks.json", who: guest},
		"tenant GET /theme.css":                                        {path: "/theme.css", who: guest, text: []string{"c", "preview"}},
		"tenant GET /brand/:sha":                                       {path: "/brand/" + d.sha, who: guest},
		"tenant GET /admin/branding":                                   {path: "/admin/branding", who: admin},
		"tenant POST /admin/branding":                                  {path: "/admin/branding", who: admin, upload: "logo", text: []string{"name", "primary", "languages", "language", "header_links", "footer_links", "modules"}},
		"tenant POST /admin/branding/publish":                          {path: "/admin/branding/publish", who: admin},
		"tenant GET /admin/":                                           {path: "/admin/", who: admin, text: []string{"q"}},
		"tenant GET /admin/audit":                                      {path: "/admin/audit", who: admin, text: []string{"q", "action"}},
		"tenant POST /admin/members/invite":                            {path: "/admin/members/invite", who: admin, text: []string{"email", "name"}, form: func(n int) url.Values { return url.Values{"email": {fmt.Sprintf("invitata%d@example.org", n)}} }, long: map[string]int{"email": 254}},
		"tenant POST /admin/members/:id/:action":                       {path: id("/admin/members/%d/role", d.person), who: admin, text: []string{"role"}, form: fixed(url.Values{"role": {"member"}})},
		"tenant POST /admin/local-accounts":                            {path: "/admin/local-accounts", who: admin, text: []string{"on"}, form: fixed(url.Values{"on": {"on"}})},
		"tenant POST /admin/hosts":                                     {path: "/admin/hosts", who: admin, text: []string{"host"}, form: func(n int) url.Values { return url.Values{"host": {fmt.Sprintf("prova%d.example.org", n)}} }},
		"tenant POST /admin/hosts/remove":                              {path: "/admin/hosts/remove", who: admin, text: []string{"host"}},
		"tenant GET /admin/idps/new":                                   {path: "/admin/idps/new", who: admin},
		"tenant POST /admin/idps":                                      {path: "/admin/idps", who: admin, form: idpForm, text: idpText, long: map[string]int{"label": 100}},
		"tenant GET /admin/idps/:key":                                  {path: "/admin/idps/idp-0", who: admin},
		"tenant POST /admin/idps/:key/edit":                            {path: "/admin/idps/idp-0/edit", who: admin, form: idpForm, text: idpText, long: map[string]int{"label": 100}},
		"tenant POST /admin/idps/:key/:action":                         {path: "/admin/idps/idp-0/enable", who: admin},
		"tenant GET /admin/collaboration":                              {path: "/admin/collaboration", who: admin},
		"tenant POST /admin/collaboration/validation":                  {path: "/admin/collaboration/validation", who: admin, text: []string{"key", "on"}, form: fixed(url.Values{"key": {"profile.validation"}})},
		"tenant POST /admin/collaboration/tags":                        {path: "/admin/collaboration/tags", who: admin, text: []string{"name"}, ids: []string{"parent"}, form: func(n int) url.Values { return url.Values{"name": {fmt.Sprintf("Tag %d", n)}} }, long: map[string]int{"name": 80}},
		"tenant POST /admin/collaboration/blacklist":                   {path: "/admin/collaboration/blacklist", who: admin, text: []string{"words"}},
		"tenant POST /admin/collaboration/tags/:id<int>/remove":        {path: id("/admin/collaboration/tags/%d/remove", d.tag), who: admin},
		"tenant GET /":                                                 {path: "/", who: guest},
		"tenant POST /files/comment/:cid<int>":                         {path: id("/files/comment/%d", d.comment), who: admin, upload: "file"},
		"tenant POST /files/:type/:id<int>":                            {path: id("/files/news/%d", d.draft), who: admin, upload: "file"},
		"tenant GET /files/:aid<int>/:name":                            {path: id("/files/%d/%s", d.attachment, url.PathEscape(d.attachmentName)), who: admin},
		"tenant GET /notifications/unsubscribe":                        {path: "/notifications/unsubscribe", who: guest, text: []string{"u", "t"}, ids: []string{"u"}},
		"tenant POST /notifications/unsubscribe":                       {path: "/notifications/unsubscribe", who: guest, text: []string{"u", "t"}, ids: []string{"u"}},
		"tenant GET /notifications/":                                   {path: "/notifications/", who: admin},
		"tenant POST /notifications/read":                              {path: "/notifications/read", who: admin},
		"tenant GET /dashboard/":                                       {path: "/dashboard/", who: admin, cursor: "after"},
		"tenant GET /dashboard/inbox":                                  {path: "/dashboard/inbox", who: admin},
		"tenant GET /communities/":                                     {path: "/communities/", who: admin, text: []string{"q", "theme", "mine"}},
		"tenant GET /communities/new":                                  {path: "/communities/new", who: admin, ids: []string{"parent"}},
		"tenant POST /communities/":                                    {path: "/communities/", who: admin, form: community, text: []string{"name", "description", "kind", "themes"}, ids: []string{"parent"}, long: map[string]int{"name": 120, "description": 4000}},
		"tenant GET /communities/:id<int>":                             {path: id("/communities/%d", d.community), who: admin, text: []string{"done", "who"}, ids: []string{"page"}},
		"tenant GET /communities/:id<int>/candidates":                  {path: id("/communities/%d/candidates", d.community), who: admin, text: []string{"q", "who"}, ids: []string{"page"}},
		"tenant POST /communities/:id<int>/join":                       {path: id("/communities/%d/join", d.community), who: admin},
		"tenant POST /communities/:id<int>/leave":                      {path: id("/communities/%d/leave", d.community), who: admin},
		"tenant POST /communities/:id<int>/frequency":                  {path: id("/communities/%d/frequency", d.community), who: admin, text: []string{"frequency"}},
		"tenant POST /communities/:id<int>/accept":                     {path: id("/communities/%d/accept", d.community), who: admin},
		"tenant POST /communities/:id<int>/decline":                    {path: id("/communities/%d/decline", d.community), who: admin},
		"tenant POST /communities/:id<int>/invite":                     {path: id("/communities/%d/invite", d.community), who: admin, text: []string{"email"}, form: func(n int) url.Values { return url.Values{"email": {fmt.Sprintf("ospite%d@example.org", n)}} }, long: map[string]int{"email": 254}},
		"tenant POST /communities/:id<int>/members/:uid<int>/:action":  {path: id("/communities/%d/members/%d/role", d.community, d.requester), who: admin, text: []string{"role"}},
		"tenant POST /communities/:id<int>/approve":                    {path: id("/communities/%d/approve", d.community), who: admin},
		"tenant POST /communities/:id<int>/reject":                     {path: id("/communities/%d/reject", d.community), who: admin},
		"tenant GET /news/":                                            {path: "/news/", who: admin, text: []string{"q", "done"}},
		"tenant GET /news/new":                                         {path: "/news/new", who: admin, ids: []string{"community"}},
		"tenant POST /news/":                                           {path: "/news/", who: admin, form: news, text: newsText, long: newsLong, rich: []string{"body"}, times: newsTimes, ids: newsIDs},
		"tenant GET /news/:id<int>":                                    {path: id("/news/%d", d.news), who: admin, text: []string{"done"}},
		"tenant GET /news/:id<int>/edit":                               {path: id("/news/%d/edit", d.draft), who: admin},
		"tenant POST /news/:id<int>/edit":                              {path: id("/news/%d/edit", d.draft), who: admin, form: news, text: newsText, long: newsLong, rich: []string{"body"}, times: newsTimes, ids: newsIDs},
		"tenant POST /news/:id<int>/do/:action":                        {path: id("/news/%d/do/submit", d.toSubmit), who: admin, form: note, text: []string{"note"}, long: map[string]int{"note": 1000}},
		"tenant GET /discussions/":                                     {path: "/discussions/", who: admin, text: []string{"q", "done"}},
		"tenant GET /discussions/new":                                  {path: "/discussions/new", who: admin, ids: []string{"community"}},
		"tenant POST /discussions/":                                    {path: "/discussions/", who: admin, form: topic, text: []string{"title", "body", "language", "scope_kind", "action"}, long: map[string]int{"title": 200, "body": 100000}, rich: []string{"body"}, ids: []string{"scope_communities"}},
		"tenant GET /discussions/:id<int>":                             {path: id("/discussions/%d", d.discussion), who: admin, text: []string{"done"}},
		"tenant POST /discussions/:id<int>/do/:action":                 {path: id("/discussions/%d/do/archive", d.toArchive), who: admin, form: note, text: []string{"note"}, long: map[string]int{"note": 1000}},
		"tenant POST /discussions/:id<int>/close":                      {path: id("/discussions/%d/close", d.discussion), who: admin},
		"tenant POST /discussions/:id<int>/reopen":                     {path: id("/discussions/%d/reopen", d.discussion), who: admin},
		"tenant POST /comments/:type/:id<int>":                         {path: id("/comments/discussion/%d", d.discussion), who: admin, form: fixed(url.Values{"body": {"Un commento."}}), text: []string{"body"}, ids: []string{"parent"}, long: map[string]int{"body": 10000}},
		"tenant POST /comments/:cid<int>/approve":                      {path: id("/comments/%d/approve", d.comment), who: admin},
		"tenant POST /comments/:cid<int>/reject":                       {path: id("/comments/%d/reject", d.comment), who: admin},
		"tenant GET /people/":                                          {path: "/people/", who: admin, text: []string{"q", "theme", "competency", "state"}},
		"tenant GET /people/:id<int>":                                  {path: id("/people/%d", d.person), who: admin, text: []string{"done"}},
		"tenant GET /people/:id<int>/photo":                            {path: id("/people/%d/photo", d.person), who: admin},
		"tenant POST /people/:id<int>/validate":                        {path: id("/people/%d/validate", d.person), who: admin},
		"tenant POST /people/:id<int>/reject":                          {path: id("/people/%d/reject", d.person), who: admin},
		"tenant POST /people/:id<int>/contact":                         {path: id("/people/%d/contact", d.person), who: admin, form: fixed(url.Values{"message": {"Un messaggio."}}), text: []string{"message"}, long: map[string]int{"message": 4000}},
		"tenant GET /profile/":                                         {path: "/profile/", who: admin, text: []string{"done"}},
		"tenant POST /profile/":                                        {path: "/profile/", who: admin, form: fixed(url.Values{"name": {"Amministratrice Demo"}, "notify_frequency": {"daily"}}), text: []string{"name", "bio", "competencies", "themes", "notify_frequency", "locale"}, ids: []string{"tags"}, long: map[string]int{"bio": 2000, "competencies": 80}},
		"tenant POST /profile/photo":                                   {path: "/profile/photo", who: admin, upload: "photo"},
		"tenant POST /profile/submit":                                  {path: "/profile/submit", who: admin},
		"tenant GET /profile/messages":                                 {path: "/profile/messages", who: admin, text: []string{"sent"}},
		"tenant GET /profile/messages/:id<int>":                        {path: "/profile/messages/1", who: admin},
		"tenant POST /profile/messages/:id<int>/reply":                 {path: "/profile/messages/1/reply", who: admin, form: fixed(url.Values{"message": {"Grazie."}}), text: []string{"message"}},
		"tenant GET /organizations/":                                   {path: "/organizations/", who: admin, text: []string{"q", "theme", "state"}},
		"tenant GET /organizations/new":                                {path: "/organizations/new", who: admin},
		"tenant POST /organizations/":                                  {path: "/organizations/", who: admin, form: org, text: orgText, long: orgLong},
		"tenant GET /organizations/:id<int>":                           {path: id("/organizations/%d", d.org), who: admin, text: []string{"done", "who"}, ids: []string{"page"}},
		"tenant GET /organizations/:id<int>/candidates":                {path: id("/organizations/%d/candidates", d.org), who: admin, text: []string{"q", "who"}, ids: []string{"page"}},
		"tenant GET /organizations/:id<int>/edit":                      {path: id("/organizations/%d/edit", d.org), who: admin},
		"tenant POST /organizations/:id<int>/edit":                     {path: id("/organizations/%d/edit", d.org), who: admin, form: org, text: orgText, long: orgLong},
		"tenant POST /organizations/:id<int>/join":                     {path: id("/organizations/%d/join", d.org), who: admin},
		"tenant POST /organizations/:id<int>/leave":                    {path: id("/organizations/%d/leave", d.org), who: admin},
		"tenant POST /organizations/:id<int>/accept":                   {path: id("/organizations/%d/accept", d.org), who: admin},
		"tenant POST /organizations/:id<int>/decline":                  {path: id("/organizations/%d/decline", d.org), who: admin},
		"tenant POST /organizations/:id<int>/invite":                   {path: id("/organizations/%d/invite", d.org), who: admin, text: []string{"email"}, form: func(n int) url.Values { return url.Values{"email": {fmt.Sprintf("collega%d@example.org", n)}} }},
		"tenant POST /organizations/:id<int>/people/:uid<int>/:action": {path: id("/organizations/%d/people/%d/role", d.org, d.person), who: admin, text: []string{"role"}},
		"tenant POST /organizations/:id<int>/validate":                 {path: id("/organizations/%d/validate", d.org), who: admin},
		"tenant POST /organizations/:id<int>/reject":                   {path: id("/organizations/%d/reject", d.org), who: admin},
		"tenant GET /search":                                           {path: "/search", who: admin, text: []string{"q"}},
		"tenant GET /proposals/":                                       {path: "/proposals/", who: admin, text: []string{"kind", "theme", "trl", "status"}, ids: []string{"trl"}, cursor: "after"},
		"tenant GET /proposals/new":                                    {path: "/proposals/new", who: admin},
		"tenant POST /proposals/":                                      {path: "/proposals/", who: admin, form: proposal, text: proposalText, long: proposalLong, rich: []string{"body"}, times: []string{"closes_at"}, ids: proposalIDs},
		"tenant GET /proposals/:id<int>":                               {path: id("/proposals/%d", d.proposal), who: admin, text: []string{"done"}},
		"tenant GET /proposals/:id<int>/edit":                          {path: id("/proposals/%d/edit", d.proposalDraft), who: admin},
		"tenant POST /proposals/:id<int>/edit":                         {path: id("/proposals/%d/edit", d.proposalDraft), who: admin, form: proposal, text: proposalText, long: proposalLong, rich: []string{"body"}, times: []string{"closes_at"}, ids: proposalIDs},
		"tenant POST /proposals/:id<int>/do/:action":                   {path: id("/proposals/%d/do/submit", d.proposalToSubmit), who: admin, form: note, text: []string{"note"}, long: map[string]int{"note": 1000}},
		"tenant GET /proposals/:id<int>/interest":                      {path: id("/proposals/%d/interest", d.answer), who: admin},
		"tenant POST /proposals/:id<int>/interest":                     {path: id("/proposals/%d/interest", d.respond), who: admin, form: s.openAnswer(d.respond), text: answerText, long: answerLong, ids: []string{"organization_id"}},
		"tenant GET /proposals/interests/:iid<int>":                    {path: id("/proposals/interests/%d", d.interest), who: admin, text: []string{"done"}},
		"tenant GET /proposals/interests/:iid<int>/edit":               {path: id("/proposals/interests/%d/edit", d.interest), who: admin},
		"tenant POST /proposals/interests/:iid<int>/edit":              {path: id("/proposals/interests/%d/edit", d.interest), who: admin, form: answer, text: answerText, long: answerLong, ids: []string{"organization_id"}},
		"tenant POST /proposals/interests/:iid<int>/do/:action":        {path: id("/proposals/interests/%d/do/evaluate", d.toEvaluate), who: admin, form: note, text: []string{"note"}, long: map[string]int{"note": 1000}},
		"tenant POST /proposals/:id<int>/work-group":                   {path: id("/proposals/%d/work-group", d.proposal), who: admin},
		"tenant POST /proposals/:id<int>/invite":                       {path: id("/proposals/%d/invite", d.proposal), who: admin, form: fixed(url.Values{"kind": {"person"}, "id": {fmt.Sprint(d.person)}}), text: []string{"kind"}, ids: []string{"id"}},
		"tenant GET /documents/":                                       {path: "/documents/", who: admin, text: docText, cursor: "after"},
		"tenant GET /documents/communities/:cid<int>":                  {path: id("/documents/communities/%d", d.library), who: admin, text: docText, cursor: "after"},
		"tenant GET /documents/folders/:fid<int>":                      {path: id("/documents/folders/%d", d.folder), who: admin, text: docText, cursor: "after"},
		"tenant POST /documents/folders":                               {path: "/documents/folders", who: admin, form: folderForm, text: []string{"name"}, ids: []string{"community", "parent"}, long: map[string]int{"name": 200}},
		"tenant POST /documents/folders/:fid<int>/edit":                {path: id("/documents/folders/%d/edit", d.folder), who: admin, form: fixed(url.Values{"name": {"2025"}, "parent": {fmt.Sprint(d.parent)}}), text: []string{"name"}, ids: []string{"parent"}, long: map[string]int{"name": 200}},
		"tenant POST /documents/folders/:fid<int>/delete":              {path: id("/documents/folders/%d/delete", d.emptyFolder), who: admin},
		"tenant GET /documents/new":                                    {path: "/documents/new", who: admin, ids: []string{"community", "folder"}},
		"tenant POST /documents/":                                      {path: "/documents/", who: admin, form: document, text: documentText, long: documentLong, ids: documentIDs, upload: "file"},
		"tenant GET /documents/:id<int>":                               {path: id("/documents/%d", d.document), who: admin, text: []string{"done"}},
		"tenant GET /documents/:id<int>/edit":                          {path: id("/documents/%d/edit", d.document), who: admin},
		"tenant POST /documents/:id<int>/edit":                         {path: id("/documents/%d/edit", d.document), who: admin, form: documentEdit, text: documentText, long: documentLong, ids: documentIDs},
		"tenant POST /documents/:id<int>/delete":                       {path: id("/documents/%d/delete", d.toDelete), who: admin},
		"tenant POST /documents/:id<int>/versions":                     {path: id("/documents/%d/versions", d.document), who: admin, upload: "file"},
		"tenant GET /documents/:id<int>/versions/:n<int>":              {path: id("/documents/%d/versions/1", d.document), who: admin},
		"tenant POST /documents/:id<int>/versions/:n<int>/restore":     {path: id("/documents/%d/versions/1/restore", d.document), who: admin},
		"operator GET /":                                               {path: "/", who: op, text: []string{"q", "status"}, ids: []string{"page"}},
		"operator GET /tenants/:slug":                                  {path: "/tenants/esempio", who: op},
		"operator POST /login":                                         {path: "/login", who: opGuest, text: []string{"email", "password"}, form: fixed(url.Values{"email": {"nessuno@piazza.test"}, "password": {"sbagliata"}})},
		"operator POST /logout":                                        {path: "/logout", who: opGuest},
		"operator POST /tenants": {path: "/tenants", who: op, text: []string{"slug", "name", "hosts", "admin_email", "plan", "local", "idp_issuer", "idp_client_id", "idp_client_secret", "idp_label", "idp_key"}, form: func(n int) url.Values {
			return url.Values{"slug": {fmt.Sprintf("prova%d", n)}, "name": {"Ente di prova"}}
		}, long: map[string]int{"name": 200, "admin_email": 254}},
		"operator POST /import":                                {path: "/import", who: op, upload: "file", files: badImports()},
		"operator POST /tenants/:slug/plan":                    {path: "/tenants/esempio/plan", who: op, form: fixed(url.Values{"plan": {"standard"}}), text: []string{"plan"}},
		"operator POST /tenants/:slug/billing":                 {path: "/tenants/esempio/billing", who: op, text: []string{"legal_name", "vat_number", "invoice_email"}},
		"operator GET /plans":                                  {path: "/plans", who: op},
		"operator POST /plans":                                 {path: "/plans", who: op, form: planForm, text: planText, ids: []string{"plan_members", "plan_hosts", "plan_idps"}, long: map[string]int{"plan_name": 200}},
		"operator GET /plans/:slug":                            {path: "/plans/prova-0", who: op},
		"operator POST /plans/:slug":                           {path: "/plans/prova-0", who: op, form: planForm, text: planText, ids: []string{"plan_members", "plan_hosts", "plan_idps"}, long: map[string]int{"plan_name": 200}},
		"operator POST /tenants/:slug/signin/local":            {path: "/tenants/esempio/signin/local", who: op, form: fixed(url.Values{"on": {"on"}}), text: []string{"on"}},
		"operator POST /tenants/:slug/signin/idps":             {path: "/tenants/esempio/signin/idps", who: op, form: signInForm, text: []string{"key", "label", "issuer", "client_id", "client_secret"}, long: map[string]int{"label": 100}},
		"operator POST /tenants/:slug/signin/idps/:key/remove": {path: "/tenants/esempio/signin/idps/idp-0/remove", who: op},
		"operator POST /tenants/:slug/:action":                 {path: "/tenants/esempio/suspend", who: op, text: []string{"confirm"}},
		"tenant GET /admin/billing/":                           {path: "/admin/billing/", who: admin, text: []string{"saved"}},
		"tenant POST /admin/billing/account":                   {path: "/admin/billing/account", who: admin, text: []string{"legal_name", "vat_number", "email"}},
		"operator POST /billing/webhook":                       {path: "/billing/webhook", who: opGuest},
	}
	maps.Copy(routes, projectRoutes(s, admin))
	maps.Copy(routes, partnershipRoutes(s, admin))
	maps.Copy(routes, apiRoutes(s, admin))
	maps.Copy(routes, exchangeRoutes(s, admin))
	maps.Copy(routes, federationRoutes(guest, opGuest))
	maps.Copy(routes, federationAdminRoutes(admin))
	maps.Copy(routes, personalRoutes(s, admin))
	return routes
}

// discovery serves an OpenID provider's discovery document on the loopback
// interface and returns its issuer (adding a provider reads it first).
func discovery(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	issuer := "http://" + ln.Addr().String()
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"issuer": issuer, "authorization_endpoint": issuer + "/authorize",
			"token_endpoint": issuer + "/token", "jwks_uri": issuer + "/jwks", "id_token_signing_alg_values_supported": []string{"RS256"}})
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	return issuer
}
