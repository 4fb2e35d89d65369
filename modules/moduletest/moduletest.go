// Package moduletest runs the collaboration modules for tests as a member
// meets them: a real PostgreSQL with two tenants (alpha and beta), each with
// an admin, a validator, a facilitator and a few members; the module list
// built as the server builds it, served on 127.0.0.1; and browsers that
// sign in.
package moduletest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/textproto"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules"
	"github.com/piazza-pa/piazza/modules/notification"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/jobs"
	"github.com/piazza-pa/piazza/platform/mail"
	"github.com/piazza-pa/piazza/platform/mail/mailtest"
	"github.com/piazza-pa/piazza/platform/password"
	"github.com/piazza-pa/piazza/platform/pgnotify"
	"github.com/piazza-pa/piazza/platform/secret"
	"github.com/piazza-pa/piazza/platform/storage"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/platform/web/webtest"
	"github.com/piazza-pa/piazza/tenant"
)

// Password is every test user's password.
const Password = "una password lunga"

// The sites of the two tenants.
const (
	Alpha = "http://alpha.piazza.test"
	Beta  = "http://beta.piazza.test"
)

// People are the users of each tenant, "<name>@<slug>.example": admin,
// validator and facilitator hold those roles, the others are members.
var People = []string{"admin", "validator", "facilitator", "anna", "bruno", "carla", "dario"}

// World is the running system.
type World struct {
	DB   *dbtest.DB
	Reg  *tenant.Registry
	A, B *tenant.Tenant
	Addr string
	SMTP *mailtest.Server
	ids  map[string]int64
	// Worker runs notification jobs once StartJobs is called.
	Worker *notification.Worker
	// Cache is the server's cache of tenant data, kept by a listener as on
	// a replica (so every scenario runs with it).
	Cache *tenant.Cache
	// Files keeps the tenants' files (attachments, documents' versions).
	Files  storage.Disk
	bundle *i18n.Bundle
	// set is the module list served; queue queues the modules' jobs while
	// StartJobs runs a client.
	set   *modules.Set
	queue *jobs.Queue
}

// New starts a world for the test.
func New(t testing.TB) *World {
	t.Helper()
	ctx := context.Background()
	w := &World{DB: dbtest.New(t), SMTP: mailtest.Start(t), ids: map[string]int64{}}
	var err error
	w.Reg, err = tenant.NewRegistry(ctx, w.DB.DB, tenant.Options{BaseDomain: "piazza.test", OperatorHost: "admin.piazza.test",
		OnProvision: []tenant.Hook{func(ctx context.Context, tx bun.Tx, t *tenant.Tenant) error {
			if err := authz.SeedTenant(ctx, tx, t.Domain()); err != nil || t.AdminUserID == 0 {
				return err
			}
			// A tenant created with a first admin (the console's), as cmd/piazza does.
			return authz.Assign(ctx, tx, fmt.Sprintf("user:%d", t.AdminUserID), authz.RoleAdmin, t.Domain())
		}}})
	must(t, err)
	w.A, err = w.Reg.Create(ctx, tenant.CreateParams{Slug: "alpha", Name: "Comune di Alpha"})
	must(t, err)
	w.B, err = w.Reg.Create(ctx, tenant.CreateParams{Slug: "beta", Name: "Comune di Beta"})
	must(t, err)
	hash, _ := password.Hash(Password)
	roles := map[string]string{"admin": authz.RoleAdmin, "validator": authz.RoleValidator, "facilitator": authz.RoleFacilitator}
	for _, tn := range []*tenant.Tenant{w.A, w.B} {
		for _, name := range People {
			var id int64
			err := db.InTenant(ctx, w.DB.DB, tn.Scope(), func(ctx context.Context, tx bun.Tx) error {
				if err := auth.SetLocalAccounts(ctx, tx, true); err != nil {
					return err
				}
				return tx.QueryRowContext(ctx, `INSERT INTO users (email, display_name, password_hash, email_verified_at)
					VALUES (? || '@' || ? || '.example', initcap(?), ?, now()) RETURNING id`, name, tn.Slug, name, hash).Scan(&id)
			})
			must(t, err)
			w.ids[tn.Slug+"/"+name] = id
			if r, ok := roles[name]; ok {
				must(t, authz.Assign(ctx, w.DB.DB, fmt.Sprintf("user:%d", id), r, tn.Domain()))
			}
		}
	}
	w.serve(t)
	return w
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// serve builds the module list as cmd/piazza does (modules.Build), with the
// world's mail server, keys and generous sign-in limits, and serves it.
func (w *World) serve(t testing.TB) {
	az, _ := authz.New(w.DB.DB, 10)
	w.Cache = tenant.NewCache(1000)
	l := pgnotify.New(w.DB.URL, nil)
	w.Cache.Subscribe(l)
	// Roles are read at every decision here (az is not subscribed: tests
	// give roles and act at once), but the cache hears of their changes.
	w.Cache.Domain(l, authz.Channel)
	w.Cache.Domain(l, tenant.ChangeChannel)
	must(t, l.Start(t.Context(), 10*time.Second))
	sender, _ := mail.NewSMTP(w.SMTP.URL(), "noreply@piazza.test")
	box, err := secret.New(bytes.Repeat([]byte{5}, 32))
	must(t, err)
	dispatch := func(ctx context.Context, slug string, id int64) error {
		if w.Worker == nil {
			return nil
		}
		return w.Worker.Dispatch(ctx, slug, id)
	}
	w.queue = &jobs.Queue{}
	w.Files = storage.Disk{Dir: t.TempDir()}
	set, err := modules.Build(modules.Deps{DB: w.DB.DB, Registry: w.Reg, Cache: w.Cache, Authz: az, Mail: sender, Jobs: w.queue,
		Files: w.Files, Box: box, Key: bytes.Repeat([]byte{6}, 32), UnsubscribeKey: UnsubscribeKey,
		Scheme: "http", Dispatch: dispatch, Sessions: modules.Lifetimes{Idle: time.Hour, Absolute: time.Hour},
		SignIn: modules.Limits{Window: time.Minute, PerAccount: 50, PerAddr: 500}})
	must(t, err)
	w.bundle, w.set = set.Bundle, set
	srv, err := set.Server(web.Config{OperatorHost: "admin.piazza.test", DB: w.DB.DB, Tenant: tenant.Middleware(tenant.NewResolver(w.Reg))})
	must(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() { _ = srv.Serve(ctx, ln) }()
	w.Addr = ln.Addr().String()
}

// ID is the id of a person ("anna") of a tenant ("alpha").
func (w *World) ID(slug, name string) int64 { return w.ids[slug+"/"+name] }

// In runs fn in the tenant's transaction (to arrange or inspect data); the
// server's next page shows what it wrote, as after a request that wrote.
func (w *World) In(t testing.TB, tn *tenant.Tenant, fn func(ctx context.Context, tx bun.Tx) error) {
	t.Helper()
	must(t, db.InTenant(context.Background(), w.DB.DB, tn.Scope(), fn))
	w.Cache.Forget(tn.SchemaName)
}

// Elsewhere runs q in the tenant's transaction as another replica (or a
// job, or the console) would: the server hears of it only through
// PostgreSQL's notification, not as after In.
func (w *World) Elsewhere(t *testing.T, tn *tenant.Tenant, q string) {
	t.Helper()
	must(t, db.InTenant(context.Background(), w.DB.DB, tn.Scope(), func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, q)
		return err
	}))
}

// Eventually gets u until ok holds for the answer (five seconds at most:
// what changed elsewhere shows once the notification is in).
func (b *Browser) Eventually(u, what string, ok func(code int, page string) bool) {
	b.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		code, page := b.Get(u)
		if ok(code, page) {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("%s: still %d after five seconds", what, code)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Browser is a visitor of the world.
type Browser struct {
	*webtest.Browser
	t testing.TB
}

// Browser returns a new visitor, signed in as name@<site's slug>.example
// at site when name is not "".
func (w *World) Browser(t testing.TB, site, name string) *Browser {
	b := &Browser{Browser: webtest.NewBrowser(t, w.Addr), t: t}
	if name != "" {
		u, _ := url.Parse(site)
		slug := u.Hostname()[:len(u.Hostname())-len(".piazza.test")]
		code, _ := b.Send(site+"/auth/login", site+"/auth/login", url.Values{"email": {name + "@" + slug + ".example"}, "password": {Password}})
		if code != 303 {
			t.Fatalf("sign-in of %s at %s: %d", name, site, code)
		}
	}
	return b
}

// Send posts form to u with the CSRF token of page; it returns the status
// and the body.
func (b *Browser) Send(page, u string, form url.Values) (int, string) {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	// A page without a token would turn every answer into a CSRF refusal.
	if code, body := b.Get(page); webtest.CSRF(body) == "" {
		b.t.Fatalf("%s (%d) has no CSRF token to post with", page, code)
	}
	res, body := b.Post(page, u, form)
	return res.StatusCode, body
}

// UnsubscribeKey signs the test world's unsubscribe links.
var UnsubscribeKey = bytes.Repeat([]byte{7}, 32)

// StartJobs runs the notification jobs and the modules' own (River on the
// test database, polling every 100 ms), mailing through the world's SMTP
// server, with now as the notifications' clock; the returned stop function
// stops the client (a restart is StartJobs again).
func (w *World) StartJobs(t *testing.T, now func() time.Time) (stop func()) {
	t.Helper()
	ctx := context.Background()
	pool, err := jobs.Pool(ctx, w.DB.URL, 4)
	must(t, err)
	must(t, jobs.Migrate(ctx, pool))
	sender, _ := mail.NewSMTP(w.SMTP.URL(), "noreply@piazza.test")
	worker := &notification.Worker{Registry: w.Reg, DB: w.DB.DB, Mail: sender, I18n: w.bundle, Key: UnsubscribeKey,
		Scheme: "http", Zone: time.UTC, Now: now}
	ws := worker.Workers()
	periodic := w.set.Jobs(ws)
	client, err := jobs.New(pool, jobs.Config{Workers: ws, Periodic: periodic, Work: true, Poll: 100 * time.Millisecond})
	must(t, err)
	worker.Client = client
	must(t, client.Start(ctx))
	w.Worker = worker
	w.queue.Use(client)
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		w.queue.Use(nil)
		_ = client.Stop(sctx)
		pool.Close()
		w.Worker = nil
	}
	t.Cleanup(stop)
	return stop
}

// InsertJob queues a job the way the schedule does (unique by its
// arguments) through a client that works nothing: as when no worker runs.
func (w *World) InsertJob(t *testing.T, args river.JobArgs) {
	t.Helper()
	ctx := context.Background()
	pool, err := jobs.Pool(ctx, w.DB.URL, 2)
	must(t, err)
	defer pool.Close()
	must(t, jobs.Migrate(ctx, pool))
	client, err := jobs.New(pool, jobs.Config{})
	must(t, err)
	_, err = client.Insert(ctx, args, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}})
	must(t, err)
}

// Upload posts one file (field "file", its declared type and name as
// given) to u with the CSRF token of page; it returns the status and body.
func (b *Browser) Upload(page, u, name, declared string, data []byte) (int, string) {
	b.t.Helper()
	_, p := b.Get(page)
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("_csrf", webtest.CSRF(p))
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename="%s"`, strings.ReplaceAll(name, `"`, `\"`)))
	h.Set("Content-Type", declared)
	part, _ := mw.CreatePart(h)
	_, _ = part.Write(data)
	_ = mw.Close()
	res, err := b.Client.Post(u, mw.FormDataContentType(), &buf)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}
