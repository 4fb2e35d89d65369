package helm

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// chartDir is the chart under test, relative to this package.
const chartDir = "piazza"

// helmVersion is the helm that .ci/setup installs; see there.
const helmVersion = "v3.22"

// helm returns the path of the helm binary: .ci/bin/helm, installed by
// `.ci/setup test`, else one on PATH. Missing helm fails the test: a chart
// that nobody renders is a chart that does not install.
func helm(t *testing.T) string {
	t.Helper()
	bin, err := filepath.Abs(filepath.Join("..", "..", ".ci", "bin", "helm"))
	if err == nil {
		if _, err = os.Stat(bin); err == nil {
			return bin
		}
	}
	if bin, err = exec.LookPath("helm"); err == nil {
		return bin
	}
	t.Fatalf("helm not found in .ci/bin or on PATH: run `.ci/setup test` (installs helm %s)", helmVersion)
	return ""
}

// runHelm runs helm with args and returns its standard output, or an error
// carrying what helm printed.
func runHelm(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(helm(t), args...)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	cmd.Env = append(os.Environ(), "HELM_CACHE_HOME="+t.TempDir(), "HELM_CONFIG_HOME="+t.TempDir(), "HELM_DATA_HOME="+t.TempDir())
	if err := cmd.Run(); err != nil {
		return out.String(), errors.New(strings.TrimSpace(stderr.String() + "\n" + out.String()))
	}
	return out.String(), nil
}

// object is one rendered document, decoded into its Kubernetes API type.
type object struct {
	kind   string // apiVersion/kind
	meta   *metav1.ObjectMeta
	value  any
	source string
}

// kinds lists the API types the chart may render. A kind that is not here
// fails the test, so a new template comes with its checks.
var kinds = map[string]func() any{
	"v1/Secret":                               func() any { return &corev1.Secret{} },
	"v1/Service":                              func() any { return &corev1.Service{} },
	"v1/ServiceAccount":                       func() any { return &corev1.ServiceAccount{} },
	"v1/PersistentVolumeClaim":                func() any { return &corev1.PersistentVolumeClaim{} },
	"apps/v1/Deployment":                      func() any { return &appsv1.Deployment{} },
	"batch/v1/Job":                            func() any { return &batchv1.Job{} },
	"networking.k8s.io/v1/Ingress":            func() any { return &networkingv1.Ingress{} },
	"networking.k8s.io/v1/NetworkPolicy":      func() any { return &networkingv1.NetworkPolicy{} },
	"autoscaling/v2/HorizontalPodAutoscaler":  func() any { return &autoscalingv2.HorizontalPodAutoscaler{} },
	"policy/v1/PodDisruptionBudget":           func() any { return &policyv1.PodDisruptionBudget{} },
	"monitoring.coreos.com/v1/ServiceMonitor": func() any { return &serviceMonitor{} },
}

var docSeparator = regexp.MustCompile(`(?m)^---[ \t]*$`)

// render runs `helm template` with the values files and sets, and decodes
// every document strictly: an unknown or misplaced field, a duplicate key or
// a value of the wrong type fails, as the API server would refuse it.
func render(t *testing.T, valuesFile string, sets ...string) ([]object, error) {
	t.Helper()
	args := []string{"template", "piazza", chartDir, "--namespace", "piazza", "-f", valuesFile}
	for _, s := range sets {
		args = append(args, "--set", s)
	}
	out, err := runHelm(t, args...)
	if err != nil {
		return nil, err
	}
	var objs []object
	for _, doc := range docSeparator.Split(out, -1) {
		if isEmpty(doc) {
			continue
		}
		objs = append(objs, decode(t, doc))
	}
	return objs, nil
}

// isEmpty reports whether a document holds only comments and blank lines.
func isEmpty(doc string) bool {
	for _, line := range strings.Split(doc, "\n") {
		if l := strings.TrimSpace(line); l != "" && !strings.HasPrefix(l, "#") {
			return false
		}
	}
	return true
}

func decode(t *testing.T, doc string) object {
	t.Helper()
	source := strings.TrimPrefix(strings.SplitN(strings.TrimSpace(doc), "\n", 2)[0], "# Source: ")
	var tm metav1.TypeMeta
	if err := yaml.Unmarshal([]byte(doc), &tm); err != nil {
		t.Fatalf("%s: not YAML: %v", source, err)
	}
	kind := tm.APIVersion + "/" + tm.Kind
	newValue, ok := kinds[kind]
	if !ok {
		t.Fatalf("%s: kind %s has no checks in this test", source, kind)
	}
	v := newValue()
	if err := yaml.UnmarshalStrict([]byte(doc), v); err != nil {
		t.Fatalf("%s: %s does not decode strictly: %v", source, kind, err)
	}
	return object{kind: kind, meta: objectMeta(v), value: v, source: source}
}

// objectMeta returns the metadata every listed kind embeds.
func objectMeta(v any) *metav1.ObjectMeta {
	return v.(interface{ GetObjectMeta() metav1.Object }).GetObjectMeta().(*metav1.ObjectMeta)
}

// find returns the rendered objects of one kind.
func find[T any](objs []object) []*T {
	var found []*T
	for _, o := range objs {
		if v, ok := o.value.(*T); ok {
			found = append(found, v)
		}
	}
	return found
}

// imageUser reads the numeric user of the runtime image from the last USER
// instruction of deploy/Dockerfile.
func imageUser(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	user := ""
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) == 2 && strings.EqualFold(f[0], "USER") {
			user = f[1]
		}
	}
	return user
}
