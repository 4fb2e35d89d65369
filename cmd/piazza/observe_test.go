package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	coltrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/piazza-pa/piazza/config"
	"github.com/piazza-pa/piazza/platform/metrics/metricstest"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/platform/web/webtest"
	"github.com/piazza-pa/piazza/tenant"
)

// otlpReceiver is a collector that keeps the spans sent to it over
// OTLP/HTTP (protobuf).
type otlpReceiver struct {
	mu    sync.Mutex
	spans []*tracepb.Span
}

func (o *otlpReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/traces" {
		http.NotFound(w, r)
		return
	}
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		body = zr
	}
	raw, err := io.ReadAll(body)
	var req coltrace.ExportTraceServiceRequest
	if err == nil {
		err = proto.Unmarshal(raw, &req)
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	o.mu.Lock()
	for _, rs := range req.GetResourceSpans() {
		for _, ss := range rs.GetScopeSpans() {
			o.spans = append(o.spans, ss.GetSpans()...)
		}
	}
	o.mu.Unlock()
	out, _ := proto.Marshal(&coltrace.ExportTraceServiceResponse{})
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(out)
}

func (o *otlpReceiver) all() []*tracepb.Span {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]*tracepb.Span(nil), o.spans...)
}

func attr(s *tracepb.Span, key string) string {
	for _, a := range s.GetAttributes() {
		if a.GetKey() == key {
			return a.GetValue().GetStringValue()
		}
	}
	return ""
}

// observedServer is the server `piazza serve` runs, with metrics on their
// own listener and traces sent to a receiver of the test, over one tenant.
type observedServer struct {
	e        *env
	addr     string
	scrape   string
	receiver *otlpReceiver
	logs     *webtest.Log
}

func startObserved(t *testing.T) *observedServer {
	t.Helper()
	useDatabase(t)
	rcv := &otlpReceiver{}
	collector := httptest.NewServer(rcv)
	t.Cleanup(collector.Close)
	t.Setenv("PIAZZA_DATA_DIR", t.TempDir())
	t.Setenv("PIAZZA_METRICS_ADDR", "127.0.0.1:0")
	t.Setenv("PIAZZA_LOG_FORMAT", "json")
	t.Setenv("PIAZZA_LOG_LEVEL", "info")
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", collector.URL)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	logs := &webtest.Log{}
	e, err := openEnv(ctx, logs, envOptions{mode: config.ModeDev, migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.close(context.Background()) })
	srv, l, err := e.server(ctx)
	if err != nil {
		t.Fatal(err)
	}
	go l.Run(ctx)
	mln, err := e.listenMetrics()
	if err != nil || mln == nil {
		t.Fatalf("metrics listener: %v", err)
	}
	go func() { _ = e.obs.metrics.Serve(ctx, mln) }()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ctx, ln) }()
	return &observedServer{e: e, addr: ln.Addr().String(), scrape: "http://" + mln.Addr().String() + "/metrics", receiver: rcv, logs: logs}
}

// get sends GET path to host, with extra headers, and returns the status
// and the request id the server gave it.
func (s *observedServer) get(t *testing.T, host, path string, header map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", "http://"+s.addr+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if strings.Contains(string(body), "piazza_http_requests_total") {
		t.Errorf("%s%s shows the metrics", host, path)
	}
	return res.StatusCode, res.Header.Get("X-Request-Id")
}

func TestMetricsAfterScriptedRequests(t *testing.T) {
	s := startObserved(t)
	ctx := context.Background()
	if _, err := s.e.registry.Create(ctx, tenant.CreateParams{Slug: "alfa", Name: "Comune di Alfa"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.e.registry.Create(ctx, tenant.CreateParams{Slug: "alfa", Name: "Ancora Alfa"}); err == nil {
		t.Fatal("a second tenant alfa was created")
	}
	for range 3 {
		if code, _ := s.get(t, "alfa.piazza.test", "/", nil); code != 200 {
			t.Fatalf("home: %d", code)
		}
	}
	// the operator console asks for its sign-in: get checks that no
	// metrics show there either
	s.get(t, "admin.piazza.test", "/metrics", nil)
	for _, target := range []struct{ host, path string }{
		{"alfa.piazza.test", "/metrics"}, {"alfa.piazza.test", "/no/such/page"}, {"nobody.piazza.test", "/"},
	} {
		if code, _ := s.get(t, target.host, target.path, nil); code != 404 {
			t.Errorf("%s%s: %d, want 404", target.host, target.path, code)
		}
	}
	f := metricstest.Scrape(t, s.scrape)
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"piazza_http_requests_total", map[string]string{"area": "tenant", "route": "/", "method": "GET", "code": "2xx"}, 3},
		{"piazza_http_request_duration_seconds", map[string]string{"area": "tenant", "route": "/", "method": "GET"}, 3},
		{"piazza_http_requests_total", map[string]string{"area": "tenant", "route": web.Unmatched, "method": "GET", "code": "4xx"}, 3},
		{"piazza_tenant_operation_duration_seconds", map[string]string{"operation": "provision", "outcome": "ok"}, 1},
		{"piazza_tenant_operation_duration_seconds", map[string]string{"operation": "provision", "outcome": "refused"}, 1},
		{"piazza_tenants", map[string]string{"status": "active"}, 1},
		{"piazza_tenants", map[string]string{"status": "suspended"}, 0},
		{"piazza_tenants_behind", nil, 0},
		{"go_sql_max_open_connections", map[string]string{"db_name": "policy"}, 4},
		{"piazza_pgxpool_max_conns", map[string]string{"pool": "jobs"}, 8},
		{"piazza_login_group_pools", nil, 1},       // alfa's group: its pages were served
		{"piazza_tenant_kept_connections", nil, 1}, // alfa's last transaction's, waiting for alfa
	} {
		if got := f.Value(c.name, c.labels); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	for _, name := range []string{"go_sql_in_use_connections", "piazza_cache_hits_total", "piazza_cache_misses_total",
		"piazza_cache_evictions_total", "piazza_cache_bytes", "piazza_jobs", "piazza_http_requests_in_flight", "piazza_login_group_open_connections", "piazza_login_group_wait_count_total",
		"piazza_tenant_transactions_total"} {
		if f.Series(name) == 0 {
			t.Errorf("%s is not served", name)
		}
	}
	if f.Value("piazza_jobs", map[string]string{"state": "available"}) < 0 {
		t.Error("the jobs waiting are not counted")
	}
	for _, m := range f["piazza_http_requests_total"].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "route" && strings.Contains(l.GetValue(), "such") {
				t.Errorf("a path became a label: %s", l.GetValue())
			}
		}
	}
}

func TestRequestTraceAndLogShareTheTraceID(t *testing.T) {
	s := startObserved(t)
	if _, err := s.e.registry.Create(context.Background(), tenant.CreateParams{Slug: "alfa", Name: "Comune di Alfa"}); err != nil {
		t.Fatal(err)
	}
	// the caller's trace goes on (W3C traceparent)
	const parent = "4bf92f3577b34da6a3ce929d0e0e4736"
	code, rid := s.get(t, "alfa.piazza.test", "/", map[string]string{"traceparent": "00-" + parent + "-00f067aa0ba902b7-01"})
	if code != 200 || rid == "" {
		t.Fatalf("home: %d, request id %q", code, rid)
	}
	if err := s.e.obs.tracing.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	var server *tracepb.Span
	spans := s.receiver.all()
	for _, sp := range spans {
		if sp.GetKind() == tracepb.Span_SPAN_KIND_SERVER && attr(sp, "piazza.request_id") == rid {
			server = sp
		}
	}
	if server == nil {
		t.Fatalf("no server span of request %s among %d spans", rid, len(spans))
	}
	traceID := hex.EncodeToString(server.GetTraceId())
	if traceID != parent {
		t.Errorf("the request's trace is %s, not the caller's %s", traceID, parent)
	}
	if server.GetName() != "GET /" || attr(server, "piazza.tenant") != "alfa" || attr(server, "http.route") != "/" {
		t.Errorf("server span %q, tenant %q, route %q", server.GetName(), attr(server, "piazza.tenant"), attr(server, "http.route"))
	}
	queries := 0
	for _, sp := range spans {
		if bytes.Equal(sp.GetTraceId(), server.GetTraceId()) && sp.GetKind() == tracepb.Span_SPAN_KIND_CLIENT && attr(sp, "db.system") == "postgresql" {
			queries++
			if stmt := attr(sp, "db.statement"); strings.Contains(stmt, "alfa") {
				t.Errorf("a query span holds a value: %s", stmt)
			}
		}
	}
	if queries == 0 {
		t.Error("the request's database queries have no span in its trace")
	}
	var logged bool
	sc := bufio.NewScanner(strings.NewReader(s.logs.String()))
	for sc.Scan() {
		var line map[string]any
		if json.Unmarshal(sc.Bytes(), &line) != nil || line["msg"] != "request" || line["request_id"] != rid {
			continue
		}
		logged = true
		if line["trace_id"] != traceID {
			t.Errorf("the request's log line has trace_id %v, want %s: %s", line["trace_id"], traceID, sc.Text())
		}
	}
	if !logged {
		t.Errorf("no log line of request %s", rid)
	}
}
