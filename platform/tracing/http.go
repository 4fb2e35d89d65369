package tracing

import (
	"strings"

	"github.com/gofiber/fiber/v2"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.37.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/piazza-pa/piazza/platform/web"
)

// Attributes of Piazza's own on a request's span.
const (
	AttrTenant    = attribute.Key("piazza.tenant")
	AttrRequestID = attribute.Key("piazza.request_id")
	AttrArea      = attribute.Key("piazza.area")
)

// HTTP is the middleware that makes a span of each request
// (web.Config.Observe), continuing the trace of a traceparent header. The
// span is named by the route pattern once the request is answered.
func (t *Tracing) HTTP(c *fiber.Ctx) error {
	// Fiber's strings point into buffers the next request reuses, and
	// spans leave later: copy what they keep.
	method := strings.Clone(c.Method())
	ctx := t.prop.Extract(c.UserContext(), headerCarrier{c})
	ctx, span := t.tracer.Start(ctx, method, trace.WithSpanKind(trace.SpanKindServer), trace.WithAttributes(
		semconv.HTTPRequestMethodKey.String(method),
		semconv.URLPath(strings.Clone(c.Path())),
		semconv.ServerAddress(string(c.Request().Host())),
		AttrRequestID.String(requestID(c)),
	))
	defer span.End()
	c.SetUserContext(ctx)
	err := c.Next()
	status := web.StatusOf(c, err)
	area, route := web.RouteOf(c)
	span.SetName(method + " " + route)
	span.SetAttributes(semconv.HTTPRoute(route), semconv.HTTPResponseStatusCode(status), AttrArea.String(area))
	if slug, ok := c.Locals(web.LocalTenant).(string); ok {
		span.SetAttributes(AttrTenant.String(slug))
	}
	if status >= 500 {
		span.SetStatus(codes.Error, "")
		if err != nil {
			span.RecordError(err)
		}
	}
	return err
}

// requestID is the request's id, copied: one the client sent in
// X-Request-Id points into the request's buffer.
func requestID(c *fiber.Ctx) string {
	s, _ := c.Locals(web.LocalRequestID).(string)
	return strings.Clone(s)
}

// headerCarrier reads a request's headers for the propagator.
type headerCarrier struct{ c *fiber.Ctx }

var _ propagation.TextMapCarrier = headerCarrier{}

func (h headerCarrier) Get(key string) string { return string(h.c.Request().Header.Peek(key)) }

func (h headerCarrier) Set(string, string) {}

func (h headerCarrier) Keys() []string {
	var keys []string
	for k := range h.c.Request().Header.All() {
		keys = append(keys, string(k))
	}
	return keys
}
