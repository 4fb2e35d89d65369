package metrics_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/metrics"
	"github.com/piazza-pa/piazza/platform/metrics/metricstest"
	"github.com/piazza-pa/piazza/platform/web"
)

// news is a module with a route with a parameter, a form and a failure.
type news struct{}

func (news) Routes(r fiber.Router) {
	r.Get("/news/:id", func(c *fiber.Ctx) error { return c.SendString("news " + c.Params("id")) })
	r.Post("/news", func(c *fiber.Ctx) error { return c.SendStatus(fiber.StatusCreated) })
	r.Get("/boom", func(*fiber.Ctx) error { return errors.New("boom") })
}

// server is a web.Server observed by m whose tenants are the first label
// of the host (unknown: 404 before any route), on a real listener.
type server struct {
	t       *testing.T
	addr    string
	scrape  string
	metrics *metrics.Metrics
	client  *http.Client
}

func start(t *testing.T, o metrics.Options) *server {
	t.Helper()
	m := metrics.New(o)
	srv, err := web.New(web.Config{
		OperatorHost:  "admin.test",
		Log:           slog.New(slog.DiscardHandler),
		Observe:       []fiber.Handler{m.HTTP},
		TenantModules: []web.Module{news{}},
		Tenant: func(c *fiber.Ctx) error {
			slug, _, _ := strings.Cut(string(c.Request().Host()), ".")
			if slug == "unknown" {
				return fiber.ErrNotFound
			}
			c.Locals(web.LocalTenant, slug)
			return c.Next()
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = srv.Serve(ctx, ln); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	scrape := httptest.NewServer(m.Handler())
	t.Cleanup(scrape.Close)
	return &server{t: t, addr: ln.Addr().String(), scrape: scrape.URL + "/metrics", metrics: m,
		client: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// do sends method path to host and returns the status.
func (s *server) do(method, host, path string) int {
	s.t.Helper()
	req, err := http.NewRequest(method, "http://"+s.addr+path, nil)
	if err != nil {
		s.t.Fatal(err)
	}
	req.Host = host
	res, err := s.client.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func TestHTTPMetricsByRoutePattern(t *testing.T) {
	s := start(t, metrics.Options{})
	for i := range 3 {
		if code := s.do("GET", "alfa.test", fmt.Sprintf("/news/%d", i)); code != 200 {
			t.Fatalf("GET /news/%d: %d", i, code)
		}
	}
	s.do("POST", "alfa.test", "/news")
	s.do("GET", "alfa.test", "/boom")
	s.do("GET", "alfa.test", "/no/such/page")
	s.do("GET", "unknown.test", "/news/1")
	s.do("GET", "alfa.test", "/healthz")
	s.do("FOO", "alfa.test", "/news/1")

	f := metricstest.Scrape(t, s.scrape)
	for _, c := range []struct {
		labels map[string]string
		want   float64
	}{
		{map[string]string{"area": "tenant", "route": "/news/:id", "method": "GET", "code": "2xx"}, 3},
		{map[string]string{"area": "tenant", "route": "/news", "method": "POST", "code": "2xx"}, 1},
		{map[string]string{"area": "tenant", "route": "/boom", "method": "GET", "code": "5xx"}, 1},
		// no route answered: the path is not a label
		{map[string]string{"area": "tenant", "route": "unmatched", "method": "GET", "code": "4xx"}, 2},
		{map[string]string{"area": "server", "route": "/healthz", "method": "GET", "code": "2xx"}, 1},
	} {
		if got := f.Value("piazza_http_requests_total", c.labels); got != c.want {
			t.Errorf("piazza_http_requests_total%v = %v, want %v", c.labels, got, c.want)
		}
	}
	if got := f.Value("piazza_http_request_duration_seconds", map[string]string{"route": "/news/:id", "method": "GET"}); got != 3 {
		t.Errorf("latency histogram of /news/:id counted %v requests, want 3", got)
	}
	for _, m := range f["piazza_http_requests_total"].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "tenant" || strings.Contains(l.GetValue(), "such") || l.GetValue() == "FOO" {
				t.Errorf("label %s=%q: tenants, paths and made-up methods are not labels by default", l.GetName(), l.GetValue())
			}
		}
	}
	if f.Series("go_goroutines") != 1 || f.Series("process_cpu_seconds_total") != 1 {
		t.Error("the Go runtime's and the process's metrics are missing")
	}
}

func TestDistinctPathsDoNotGrowSeries(t *testing.T) {
	s := start(t, metrics.Options{})
	for i := range 10_000 {
		path := fmt.Sprintf("/news/%d", i)
		if i%2 == 1 {
			path = fmt.Sprintf("/page-%d/x%d", i, i)
		}
		s.do("GET", "alfa.test", path)
	}
	f := metricstest.Scrape(t, s.scrape)
	if n := f.Series("piazza_http_requests_total"); n != 2 {
		t.Errorf("10,000 distinct paths made %d request series, want 2 (/news/:id and unmatched)", n)
	}
	if got := f.Value("piazza_http_requests_total", map[string]string{"route": "unmatched"}); got != 5000 {
		t.Errorf("unmatched requests counted %v, want 5000", got)
	}
	if n := f.Series("piazza_http_request_duration_seconds"); n != 2 {
		t.Errorf("latency series: %d, want 2", n)
	}
}

func TestFollowedTenantsGetALabel(t *testing.T) {
	s := start(t, metrics.Options{Tenants: metrics.ParseTenants(" alfa, ,beta,alfa")})
	s.do("GET", "alfa.test", "/news/1")
	s.do("GET", "beta.test", "/news/1")
	s.do("GET", "gamma.test", "/news/1")
	s.do("GET", "delta.test", "/news/1")
	f := metricstest.Scrape(t, s.scrape)
	for tenant, want := range map[string]float64{"alfa": 1, "beta": 1, "other": 2, "gamma": -1, "delta": -1} {
		if got := f.Value("piazza_http_requests_total", map[string]string{"route": "/news/:id", "tenant": tenant}); got != want {
			t.Errorf("requests of tenant label %q: %v, want %v", tenant, got, want)
		}
	}
}

func TestMetricsHandlerServesOnlyMetrics(t *testing.T) {
	h := httptest.NewServer(metrics.New(metrics.Options{}).Handler())
	defer h.Close()
	for path, want := range map[string]int{"/metrics": 200, "/": 404, "/debug/pprof/": 404} {
		res, err := http.Get(h.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, res.StatusCode, want)
		}
	}
}

// A source that fails (the database away) leaves its metrics out of the
// scrape; the others are served, and the log says why.
func TestFailingSourceLeavesTheOthers(t *testing.T) {
	var log strings.Builder
	m := metrics.New(metrics.Options{Log: slog.New(slog.NewTextHandler(&log, nil))})
	m.Counts("tenants", "tenants", "status", func(context.Context) (map[string]float64, error) {
		return nil, errors.New("database unreachable")
	})
	m.Gauge("tenants_behind", "behind", func(context.Context) (float64, error) { return 2, nil })
	h := httptest.NewServer(m.Handler())
	defer h.Close()
	f := metricstest.Scrape(t, h.URL+"/metrics")
	if f.Series("piazza_tenants") != 0 || f.Value("piazza_tenants_behind", nil) != 2 || f.Series("go_goroutines") != 1 {
		t.Errorf("served: tenants %d series, behind %v, go_goroutines %d series",
			f.Series("piazza_tenants"), f.Value("piazza_tenants_behind", nil), f.Series("go_goroutines"))
	}
	if !strings.Contains(log.String(), "database unreachable") {
		t.Errorf("the log does not say why: %q", log.String())
	}
}
