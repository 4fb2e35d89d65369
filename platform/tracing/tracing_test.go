package tracing_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/trace"

	"github.com/piazza-pa/piazza/platform/tracing"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestEnabledByTheStandardVariables(t *testing.T) {
	for _, c := range []struct {
		vars map[string]string
		want bool
	}{
		{nil, false},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, true},
		{map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces"}, true},
		{map[string]string{"OTEL_SERVICE_NAME": "piazza"}, false},
	} {
		if got := tracing.Enabled(env(c.vars)); got != c.want {
			t.Errorf("Enabled(%v) = %v, want %v", c.vars, got, c.want)
		}
	}
}

func TestGRPCIsRefusedClearly(t *testing.T) {
	_, err := tracing.New(context.Background(), env(map[string]string{
		"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4317", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",
	}), "test")
	if err == nil || !strings.Contains(err.Error(), "OTEL_EXPORTER_OTLP_PROTOCOL") || !strings.Contains(err.Error(), "http/protobuf") {
		t.Fatalf("grpc: %v", err)
	}
}

func TestEndpointHidesCredentials(t *testing.T) {
	got := tracing.Endpoint(env(map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "https://user:secret@collector:4318"}))
	if got != "https://collector:4318" {
		t.Errorf("Endpoint = %q", got)
	}
}

// A line logged with a span's context names its trace and span; one
// without a span names none.
func TestLogLinesCarryTheTraceID(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(tracing.LogHandler(slog.NewJSONHandler(&buf, nil))).With("app", "piazza")
	tid, _ := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	sid, _ := trace.SpanIDFromHex("00f067aa0ba902b7")
	ctx := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid}))
	log.InfoContext(ctx, "request")
	log.InfoContext(context.Background(), "alone")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	var first, second map[string]any
	if len(lines) != 2 || json.Unmarshal([]byte(lines[0]), &first) != nil || json.Unmarshal([]byte(lines[1]), &second) != nil {
		t.Fatalf("log: %s", buf.String())
	}
	if first["trace_id"] != tid.String() || first["span_id"] != sid.String() || first["app"] != "piazza" {
		t.Errorf("line with a span: %v", first)
	}
	if _, ok := second["trace_id"]; ok {
		t.Errorf("line without a span: %v", second)
	}
}
