package helm

import (
	"fmt"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// serviceMonitor is the part of the Prometheus Operator's ServiceMonitor
// (monitoring.coreos.com/v1) the chart writes. Its API types are not in
// k8s.io/api: decoding strictly into this struct catches a misplaced or
// misspelt field, and the checks below hold the values.
type serviceMonitor struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		Selector          metav1.LabelSelector `json:"selector"`
		NamespaceSelector struct {
			MatchNames []string `json:"matchNames"`
		} `json:"namespaceSelector"`
		Endpoints []struct {
			Port          string `json:"port"`
			Path          string `json:"path"`
			Interval      string `json:"interval"`
			ScrapeTimeout string `json:"scrapeTimeout"`
		} `json:"endpoints"`
	} `json:"spec"`
}

// checkMetrics checks that the metrics listener, its container port and its
// Service exist exactly when metrics are on, and that no public route leads
// to them.
func checkMetrics(t *testing.T, objs []object, v chartValues) {
	t.Helper()
	dep := find[appsv1.Deployment](objs)[0]
	c := dep.Spec.Template.Spec.Containers[0]
	addr, set := env(c.Env, "PIAZZA_METRICS_ADDR")
	port := containerPort(c, "metrics")
	svc := metricsService(objs)
	if !v.Metrics.Enabled {
		if set || port != nil || svc != nil {
			t.Errorf("metrics off, yet PIAZZA_METRICS_ADDR set %v, container port %v, Service %v", set, port != nil, svc != nil)
		}
		return
	}
	if want := fmt.Sprintf("0.0.0.0:%d", v.Metrics.Port); addr.Value != want {
		t.Errorf("PIAZZA_METRICS_ADDR=%q, want %q", addr.Value, want)
	}
	if port == nil || port.ContainerPort != int32(v.Metrics.Port) {
		t.Fatalf("container port metrics = %v, want %d", port, v.Metrics.Port)
	}
	if svc == nil {
		t.Fatal("metrics on and no metrics Service")
	}
	if !selects(svc.Spec.Selector, dep.Spec.Template.Labels) || len(svc.Spec.Ports) != 1 || svc.Spec.Ports[0].TargetPort.String() != "metrics" {
		t.Errorf("metrics Service %s does not reach the pods' metrics port: %+v", svc.Name, svc.Spec)
	}
	if svc.Spec.Type != "" && svc.Spec.Type != corev1.ServiceTypeClusterIP {
		t.Errorf("metrics Service %s is %s: it must stay inside the cluster", svc.Name, svc.Spec.Type)
	}
	http := httpService(objs)
	for _, p := range http.Spec.Ports {
		if p.TargetPort.String() == "metrics" || p.TargetPort.IntValue() == v.Metrics.Port {
			t.Errorf("the public Service %s exposes the metrics port", http.Name)
		}
	}
	for _, ing := range find[networkingv1.Ingress](objs) {
		for _, rule := range ing.Spec.Rules {
			for _, path := range rule.HTTP.Paths {
				if b := path.Backend.Service; b != nil && b.Name == svc.Name {
					t.Errorf("Ingress rule %s routes to the metrics Service", rule.Host)
				}
			}
		}
	}
}

// checkServiceMonitor checks that the ServiceMonitor scrapes the metrics
// Service's port, and only that Service.
func checkServiceMonitor(t *testing.T, objs []object, v chartValues) {
	t.Helper()
	sms := find[serviceMonitor](objs)
	if !v.Metrics.ServiceMonitor.Enabled {
		if len(sms) > 0 {
			t.Error("a ServiceMonitor is rendered with metrics.serviceMonitor.enabled off")
		}
		return
	}
	if len(sms) != 1 {
		t.Fatalf("%d ServiceMonitors, want 1", len(sms))
	}
	sm := sms[0]
	for k, want := range v.Metrics.ServiceMonitor.Labels {
		if sm.Labels[k] != want {
			t.Errorf("ServiceMonitor label %s=%q, want %q (Prometheus selects by it)", k, sm.Labels[k], want)
		}
	}
	svc := metricsService(objs)
	if svc == nil || !selects(sm.Spec.Selector.MatchLabels, svc.Labels) || len(sm.Spec.Selector.MatchExpressions) > 0 {
		t.Fatalf("ServiceMonitor selector %v does not select the metrics Service", sm.Spec.Selector)
	}
	if http := httpService(objs); selects(sm.Spec.Selector.MatchLabels, http.Labels) {
		t.Errorf("ServiceMonitor also selects the public Service %s", http.Name)
	}
	if ns := sm.Spec.NamespaceSelector.MatchNames; len(ns) != 1 || ns[0] != "piazza" {
		t.Errorf("ServiceMonitor looks in namespaces %v, want the release's (piazza)", ns)
	}
	if len(sm.Spec.Endpoints) != 1 {
		t.Fatalf("ServiceMonitor has %d endpoints, want 1", len(sm.Spec.Endpoints))
	}
	ep := sm.Spec.Endpoints[0]
	if ep.Port != svc.Spec.Ports[0].Name || ep.Path != "/metrics" {
		t.Errorf("ServiceMonitor scrapes port %q path %q, want %q /metrics", ep.Port, ep.Path, svc.Spec.Ports[0].Name)
	}
	interval, err1 := time.ParseDuration(ep.Interval)
	timeout, err2 := time.ParseDuration(ep.ScrapeTimeout)
	if err1 != nil || err2 != nil || timeout > interval {
		t.Errorf("ServiceMonitor interval %q, scrapeTimeout %q: want durations, the timeout within the interval", ep.Interval, ep.ScrapeTimeout)
	}
}

// checkTracing checks that traces go to the configured collector, and
// nowhere when none is.
func checkTracing(t *testing.T, objs []object, v chartValues) {
	t.Helper()
	for _, c := range find[appsv1.Deployment](objs)[0].Spec.Template.Spec.Containers {
		e, set := env(c.Env, "OTEL_EXPORTER_OTLP_ENDPOINT")
		if set != (v.Tracing.OTLPEndpoint != "") || e.Value != v.Tracing.OTLPEndpoint {
			t.Errorf("container %s: OTEL_EXPORTER_OTLP_ENDPOINT=%q (set %v), want %q", c.Name, e.Value, set, v.Tracing.OTLPEndpoint)
		}
	}
}

// metricsService returns the Service of the metrics port, if rendered.
func metricsService(objs []object) *corev1.Service {
	for _, s := range find[corev1.Service](objs) {
		if strings.HasSuffix(s.Name, "-metrics") {
			return s
		}
	}
	return nil
}

// httpService returns the Service visitors reach, through the Ingress.
func httpService(objs []object) *corev1.Service {
	for _, s := range find[corev1.Service](objs) {
		if !strings.HasSuffix(s.Name, "-metrics") {
			return s
		}
	}
	return nil
}

func env(vars []corev1.EnvVar, name string) (corev1.EnvVar, bool) {
	for _, e := range vars {
		if e.Name == name {
			return e, true
		}
	}
	return corev1.EnvVar{}, false
}

func containerPort(c corev1.Container, name string) *corev1.ContainerPort {
	for i := range c.Ports {
		if c.Ports[i].Name == name {
			return &c.Ports[i]
		}
	}
	return nil
}
