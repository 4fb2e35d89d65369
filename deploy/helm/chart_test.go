package helm

import (
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
)

// chartCase is one set of values an operator could install the chart with.
type chartCase struct {
	name   string
	values string
	// external names the Secret and claim made outside the chart.
	external []string
	kinds    []string
}

var chartCases = []chartCase{
	{"required values", "testdata/required.yaml", nil,
		[]string{"apps/v1/Deployment", "batch/v1/Job", "policy/v1/PodDisruptionBudget",
			"v1/PersistentVolumeClaim", "v1/Secret", "v1/Service", "v1/ServiceAccount"}},
	{"everything on", "testdata/full.yaml", nil,
		[]string{"apps/v1/Deployment", "autoscaling/v2/HorizontalPodAutoscaler", "batch/v1/Job",
			"monitoring.coreos.com/v1/ServiceMonitor", "networking.k8s.io/v1/Ingress", "networking.k8s.io/v1/NetworkPolicy",
			"policy/v1/PodDisruptionBudget", "v1/PersistentVolumeClaim", "v1/Secret", "v1/Service", "v1/Service", "v1/ServiceAccount"}},
	{"files in S3", "testdata/s3.yaml", []string{"piazza-s3"},
		[]string{"apps/v1/Deployment", "batch/v1/Job", "networking.k8s.io/v1/NetworkPolicy",
			"policy/v1/PodDisruptionBudget", "v1/Secret", "v1/Service", "v1/Service", "v1/ServiceAccount"}},
	{"existing secret, claim and account", "testdata/external.yaml", []string{"piazza-env", "piazza-files", "piazza-workload"},
		[]string{"apps/v1/Deployment", "batch/v1/Job", "policy/v1/PodDisruptionBudget", "v1/Service"}},
	{"one replica without volume", "testdata/single.yaml", nil,
		[]string{"apps/v1/Deployment", "v1/Secret", "v1/Service", "v1/ServiceAccount"}},
}

// TestEveryValuesFileIsACase keeps the lint and the render checks over
// every values file in testdata: one left out would be tested by nobody.
func TestEveryValuesFileIsACase(t *testing.T) {
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("testdata/*.yaml: %v %v", files, err)
	}
	for _, f := range files {
		if !slices.ContainsFunc(chartCases, func(c chartCase) bool { return c.values == f }) {
			t.Errorf("%s is in no chart case", f)
		}
	}
}

// TestChartLints runs `helm lint --strict` with each set of values.
func TestChartLints(t *testing.T) {
	for _, c := range chartCases {
		t.Run(c.name, func(t *testing.T) {
			out, err := runHelm(t, "lint", "--strict", chartDir, "-f", c.values)
			if err != nil {
				t.Fatalf("helm lint --strict: %v", err)
			}
			if !strings.Contains(out, "0 chart(s) failed") {
				t.Fatalf("helm lint --strict:\n%s", out)
			}
		})
	}
}

// TestChartInstalls renders the chart with each set of values and checks
// what the cluster would be given: the objects, their strict API types, the
// restricted Pod Security Standard, the references between them and the
// order Helm creates them in.
func TestChartInstalls(t *testing.T) {
	for _, c := range chartCases {
		t.Run(c.name, func(t *testing.T) {
			objs, err := render(t, c.values)
			if err != nil {
				t.Fatalf("helm template: %v", err)
			}
			var got []string
			for _, o := range objs {
				got = append(got, o.kind)
			}
			sort.Strings(got)
			if !slices.Equal(got, c.kinds) {
				t.Errorf("rendered %v, want %v", got, c.kinds)
			}
			for _, p := range podTemplates(objs) {
				checkRestricted(t, p)
				checkImageUser(t, p)
				checkReferences(t, p, objs, c.external)
			}
			checkHookOrder(t, objs)
			checkSharedFiles(t, objs)
			checkService(t, objs)
			v := loadValues(t, c.values)
			checkAutoscaler(t, objs)
			checkDisruptionBudget(t, objs)
			checkServiceAccount(t, objs, v)
			checkStorage(t, objs, v)
			checkMetrics(t, objs, v)
			checkServiceMonitor(t, objs, v)
			checkTracing(t, objs, v)
			checkNetworkPolicy(t, objs, v)
			checkIngressTLS(t, objs)
			checkSettings(t, objs, v)
		})
	}
}

// TestChartRefuses checks that values which cannot work stop the install
// with a message naming the setting.
func TestChartRefuses(t *testing.T) {
	cases := []struct {
		name, values string
		sets         []string
		want         string
	}{
		{"no database", "testdata/required.yaml", []string{"databaseURL="}, "databaseURL (or existingSecret) is required"},
		{"no secret key", "testdata/required.yaml", []string{"secretKey="}, "secretKey (or existingSecret) is required"},
		{"files split between replicas", "testdata/single.yaml", []string{"replicaCount=2"}, "persistence.enabled=false"},
		{"files split between autoscaled replicas", "testdata/single.yaml", []string{"autoscaling.enabled=true"}, "persistence.enabled=false"},
		{"credentials in the storage URL", "testdata/s3.yaml", []string{"storage.s3.url=s3://AKIAEXAMPLE:hunter2@bucket/prefix"}, "storage.s3.url must not hold credentials"},
		{"autoscaling without a CPU request", "testdata/full.yaml", []string{"resources.requests.cpu=null"}, "autoscaling.enabled needs resources.requests.cpu"},
		{"autoscaling bounds upside down", "testdata/full.yaml", []string{"autoscaling.minReplicas=5", "autoscaling.maxReplicas=3"}, "maxReplicas at least minReplicas"},
		{"service monitor without metrics", "testdata/full.yaml", []string{"metrics.enabled=false"}, "metrics.serviceMonitor.enabled needs metrics.enabled"},
		{"a misspelt setting", "testdata/s3.yaml", []string{"storage.s3.existingsecret=piazza-s3"}, "additional properties 'existingsecret' not allowed"},
		{"a port that is not a number", "testdata/full.yaml", []string{"metrics.port=metrics"}, "/metrics/port"},
		{"network policy letting anyone in", "testdata/full.yaml", []string{"networkPolicy.ingressController.from=null"}, "networkPolicy.ingressController.from is empty"},
		{"network policy letting anyone read metrics", "testdata/s3.yaml", []string{"networkPolicy.monitoring.from=null"}, "networkPolicy.monitoring.from is empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := render(t, c.values, c.sets...)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("helm template = %v, want an error containing %q", err, c.want)
			}
		})
	}
}

// checkService checks that the Service and the Ingress reach the
// Deployment's pods, and only them.
func checkService(t *testing.T, objs []object) {
	t.Helper()
	svc := httpService(objs)
	dep := find[appsv1.Deployment](objs)[0]
	pod := dep.Spec.Template
	if !selects(dep.Spec.Selector.MatchLabels, pod.Labels) {
		t.Errorf("Deployment selector %v does not match its pods %v", dep.Spec.Selector.MatchLabels, pod.Labels)
	}
	if !selects(svc.Spec.Selector, pod.Labels) {
		t.Errorf("Service selector %v does not match the pods %v", svc.Spec.Selector, pod.Labels)
	}
	for _, job := range find[batchv1.Job](objs) {
		if selects(svc.Spec.Selector, job.Spec.Template.Labels) {
			t.Errorf("Service %s would send visitors to the Job %s", svc.Name, job.Name)
		}
	}
	for _, port := range svc.Spec.Ports {
		if !hasPort(pod.Spec.Containers, port.TargetPort.String()) {
			t.Errorf("Service port %s targets %s, which no container has", port.Name, port.TargetPort.String())
		}
	}
	for _, ing := range find[networkingv1.Ingress](objs) {
		for _, rule := range ing.Spec.Rules {
			for _, path := range rule.HTTP.Paths {
				b := path.Backend.Service
				if b == nil || b.Name != svc.Name || b.Port.Number != svc.Spec.Ports[0].Port {
					t.Errorf("Ingress rule %s does not reach Service %s", rule.Host, svc.Name)
				}
			}
		}
	}
}

func selects(selector, labels map[string]string) bool {
	if len(selector) == 0 {
		return false
	}
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}

func hasPort(containers []corev1.Container, name string) bool {
	for _, c := range containers {
		for _, p := range c.Ports {
			if p.Name == name {
				return true
			}
		}
	}
	return false
}
