package metrics

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/piazza-pa/piazza/platform/web"
)

// httpMetrics count and time the requests.
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inFlight prometheus.Gauge
	tenant   bool
}

func newHTTPMetrics(reg prometheus.Registerer, tenant bool) httpMetrics {
	labels := []string{"area", "route", "method"}
	if tenant {
		labels = append(labels, "tenant")
	}
	h := httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "http_requests_total",
			Help: "HTTP requests answered, by area (tenant, operator, server), route pattern (unmatched when no route answered), method and status class (2xx … 5xx).",
		}, append(labels, "code")),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Name: "http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by area, route pattern and method.",
			Buckets: []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10},
		}, labels),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: Namespace, Name: "http_requests_in_flight",
			Help: "HTTP requests being answered.",
		}),
		tenant: tenant,
	}
	reg.MustRegister(h.requests, h.duration, h.inFlight)
	return h
}

// methodLabel is the method, or "other" for one outside HTTP's usual few:
// a client cannot make up series.
// The constant is returned, never m: Fiber's string may point into a
// buffer that the next request reuses.
func methodLabel(m string) string {
	for _, known := range []string{fiber.MethodGet, fiber.MethodHead, fiber.MethodPost, fiber.MethodPut,
		fiber.MethodPatch, fiber.MethodDelete, fiber.MethodOptions} {
		if m == known {
			return known
		}
	}
	return "other"
}

// HTTP is the middleware that counts and times every request (web.Config.Observe).
func (m *Metrics) HTTP(c *fiber.Ctx) error {
	start := time.Now()
	m.http.inFlight.Inc()
	defer m.http.inFlight.Dec()
	err := c.Next()
	status := web.StatusOf(c, err)
	area, route := web.RouteOf(c)
	labels := []string{area, route, methodLabel(c.Method())}
	if m.http.tenant {
		slug, _ := c.Locals(web.LocalTenant).(string)
		labels = append(labels, m.tenantLabel(slug))
	}
	m.http.duration.WithLabelValues(labels...).Observe(time.Since(start).Seconds())
	m.http.requests.WithLabelValues(append(labels, statusClass(status))...).Inc()
	return err
}

// statusClass is "2xx" for 200 to 299, and so on.
func statusClass(status int) string {
	if status < 100 || status > 599 {
		return "other"
	}
	return strconv.Itoa(status/100) + "xx"
}
