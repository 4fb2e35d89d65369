// Package tracing sends OpenTelemetry traces to an OTLP collector when
// OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is
// set: a span per HTTP request, named by its route pattern and carrying
// the tenant and the request id, with a child span per database query (the
// query's text with placeholders, never its values). Log lines written
// with a request's context carry its trace id (LogHandler).
package tracing

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/extra/bunotel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.37.0"
	"go.opentelemetry.io/otel/trace"
)

// ServiceName is the service the spans are of, unless OTEL_SERVICE_NAME
// says otherwise.
const ServiceName = "piazza"

// Tracing makes spans and sends them to the collector.
type Tracing struct {
	provider *sdktrace.TracerProvider
	tracer   trace.Tracer
	prop     propagation.TextMapPropagator
}

// Enabled tells whether the environment asks for traces.
func Enabled(getenv func(string) string) bool {
	return getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != ""
}

// New sends traces over OTLP/HTTP (protobuf) as the standard OTEL_*
// variables say: the endpoint, headers, timeout, compression, the sampler
// (OTEL_TRACES_SAMPLER, parent-based always-on by default), the batching
// (OTEL_BSP_*), and the service's name and attributes (OTEL_SERVICE_NAME,
// OTEL_RESOURCE_ATTRIBUTES).
func New(ctx context.Context, getenv func(string) string, version string) (*Tracing, error) {
	for _, v := range []string{"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"} {
		if p := getenv(v); p != "" && p != "http/protobuf" {
			return nil, fmt.Errorf("%s: %q is not supported: Piazza sends traces over http/protobuf (OTLP's default port is 4318)", v, p)
		}
	}
	exp, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("traces: %w", err)
	}
	res, err := resource.New(ctx,
		resource.WithAttributes(semconv.ServiceName(ServiceName), semconv.ServiceVersion(version)),
		resource.WithFromEnv(), resource.WithHost(), resource.WithProcessPID())
	if err != nil && !errors.Is(err, resource.ErrPartialResource) {
		return nil, fmt.Errorf("traces: resource: %w", err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	return &Tracing{
		provider: tp,
		tracer:   tp.Tracer("github.com/piazza-pa/piazza"),
		prop:     propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}),
	}, nil
}

// QueryHook makes a span of each query of a bun database, named db.
func (t *Tracing) QueryHook(db string) bun.QueryHook {
	return bunotel.NewQueryHook(bunotel.WithDBName(db), bunotel.WithTracerProvider(t.provider))
}

// Flush sends the spans ended so far.
func (t *Tracing) Flush(ctx context.Context) error { return t.provider.ForceFlush(ctx) }

// Shutdown sends the spans left and stops.
func (t *Tracing) Shutdown(ctx context.Context) error { return t.provider.Shutdown(ctx) }

// Endpoint is the collector's address, for the log: the variable's value
// without what may follow a user name.
func Endpoint(getenv func(string) string) string {
	e := getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
	if e == "" {
		e = getenv("OTEL_EXPORTER_OTLP_ENDPOINT")
	}
	if i := strings.Index(e, "@"); i >= 0 {
		if j := strings.Index(e, "://"); j >= 0 && j < i {
			return e[:j+3] + e[i+1:]
		}
	}
	return e
}
