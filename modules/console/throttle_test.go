package console_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/modules/console"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/csrf"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/operator"
	"github.com/piazza-pa/piazza/platform/session"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

// Finding 7, on the operator host: thirty wrong passwords sent at once for
// one operator get at most three checked (the limit); the others are told
// to wait, and then so is the right password.
func TestConcurrentWrongOperatorPasswordsStopAtTheLimit(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	reg, err := tenant.NewRegistry(ctx, d.DB, tenant.Options{BaseDomain: "piazza.test", OperatorHost: "admin.piazza.test"})
	must(t, err)
	_, err = operator.Create(ctx, d.DB, "ops@regione.example.it", "Ops", "password dell'operatore")
	must(t, err)
	shell, err := web.NewShellFrom(auth.Messages, console.Messages)
	must(t, err)
	p := csrf.New(csrf.Config{Key: make([]byte, 32)})
	con, err := console.New(console.Deps{Shell: shell, DB: d.DB, Registry: reg, Sessions: session.Operator(time.Hour, time.Hour), CSRF: p,
		Throttle: &auth.Throttle{Table: "piazza.operator_auth_failures", Window: time.Minute, MaxPerAccount: 3, MaxPerAddr: 100}})
	must(t, err)
	srv, err := web.New(web.Config{Shell: shell, OperatorHost: "admin.piazza.test", DB: d.DB,
		Tenant: tenant.Middleware(tenant.NewResolver(reg)), Shared: []fiber.Handler{p.Handler()}, OperatorModules: []web.Module{con}})
	must(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	sctx, cancel := context.WithCancel(ctx)
	t.Cleanup(cancel)
	go func() { _ = srv.Serve(sctx, ln) }()
	jar, _ := cookiejar.New(nil)
	dial := func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, ln.Addr().String())
	}
	client := &http.Client{Jar: jar, Transport: &http.Transport{DialContext: dial}}

	res, err := client.Get("http://admin.piazza.test/")
	must(t, err)
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	token := csrfRE.FindStringSubmatch(string(page))[1]
	signIn := func(pw string) int {
		res, err := client.PostForm("http://admin.piazza.test/login", url.Values{"_csrf": {token}, "email": {"ops@regione.example.it"}, "password": {pw}})
		if err != nil {
			t.Error(err)
			return 0
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode == 401 && !strings.Contains(string(body), "E-mail o password errate") {
			t.Errorf("401 without its message")
		}
		return res.StatusCode
	}
	const n = 30
	codes := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { codes[i] = signIn("sbagliata " + strings.Repeat("!", i)) })
	}
	wg.Wait()
	var checked, refused int
	for _, c := range codes {
		switch c {
		case 401:
			checked++
		case 429:
			refused++
		}
	}
	if checked > 3 || checked+refused != n {
		t.Fatalf("%d wrong passwords checked, %d refused unchecked; want at most 3 checked and the rest refused", checked, refused)
	}
	if c := signIn("password dell'operatore"); c != 429 {
		t.Fatalf("the right password while locked: %d", c)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
