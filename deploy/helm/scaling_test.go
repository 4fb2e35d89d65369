package helm

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
)

// replicaRange is how few and how many replicas the rendered objects let
// run: the autoscaler's bounds, else the Deployment's fixed count.
func replicaRange(objs []object) (lo, hi int32) {
	if hpas := find[autoscalingv2.HorizontalPodAutoscaler](objs); len(hpas) > 0 {
		return *hpas[0].Spec.MinReplicas, hpas[0].Spec.MaxReplicas
	}
	dep := find[appsv1.Deployment](objs)[0]
	if dep.Spec.Replicas == nil {
		return 1, 1 // the API server's default
	}
	return *dep.Spec.Replicas, *dep.Spec.Replicas
}

// checkAutoscaler checks that an autoscaler scales the Deployment, on a CPU
// target the pods declare a request for, and that the Deployment then
// leaves its replica count alone (else every upgrade would reset it).
func checkAutoscaler(t *testing.T, objs []object) {
	t.Helper()
	dep := find[appsv1.Deployment](objs)[0]
	hpas := find[autoscalingv2.HorizontalPodAutoscaler](objs)
	if len(hpas) == 0 {
		if dep.Spec.Replicas == nil {
			t.Errorf("Deployment %s has no replica count and no autoscaler", dep.Name)
		}
		return
	}
	hpa := hpas[0]
	ref := hpa.Spec.ScaleTargetRef
	if ref.APIVersion != "apps/v1" || ref.Kind != "Deployment" || ref.Name != dep.Name {
		t.Errorf("autoscaler %s targets %s %s %q, want apps/v1 Deployment %q", hpa.Name, ref.APIVersion, ref.Kind, ref.Name, dep.Name)
	}
	if dep.Spec.Replicas != nil {
		t.Errorf("Deployment %s sets replicas=%d beside the autoscaler: each upgrade would undo its scaling", dep.Name, *dep.Spec.Replicas)
	}
	if hpa.Spec.MinReplicas == nil || *hpa.Spec.MinReplicas < 1 || hpa.Spec.MaxReplicas < *hpa.Spec.MinReplicas {
		t.Errorf("autoscaler %s bounds min=%v max=%d", hpa.Name, hpa.Spec.MinReplicas, hpa.Spec.MaxReplicas)
	}
	if len(hpa.Spec.Metrics) != 1 {
		t.Fatalf("autoscaler %s has %d metrics, want the CPU one", hpa.Name, len(hpa.Spec.Metrics))
	}
	m := hpa.Spec.Metrics[0]
	if m.Type != autoscalingv2.ResourceMetricSourceType || m.Resource == nil || m.Resource.Name != corev1.ResourceCPU ||
		m.Resource.Target.Type != autoscalingv2.UtilizationMetricType || m.Resource.Target.AverageUtilization == nil {
		t.Fatalf("autoscaler %s metric %+v: want CPU utilisation", hpa.Name, m)
	}
	if u := *m.Resource.Target.AverageUtilization; u < 1 || u > 100 {
		t.Errorf("autoscaler %s CPU target %d%%", hpa.Name, u)
	}
	for _, c := range dep.Spec.Template.Spec.Containers {
		if _, ok := c.Resources.Requests[corev1.ResourceCPU]; !ok {
			t.Errorf("container %s requests no CPU: a utilisation target has nothing to divide by", c.Name)
		}
	}
}

// checkDisruptionBudget checks that a drain keeps one replica serving when
// more than one runs, and that a single replica has no budget that would
// block the drain for good.
func checkDisruptionBudget(t *testing.T, objs []object) {
	t.Helper()
	lo, _ := replicaRange(objs)
	pdbs := find[policyv1.PodDisruptionBudget](objs)
	if lo <= 1 {
		if len(pdbs) > 0 {
			t.Errorf("%d replica(s) at least, and a disruption budget that would block node drains", lo)
		}
		return
	}
	if len(pdbs) != 1 {
		t.Fatalf("%d replicas at least, %d disruption budgets: want 1", lo, len(pdbs))
	}
	pdb := pdbs[0]
	if pdb.Spec.MinAvailable == nil || pdb.Spec.MinAvailable.IntValue() != 1 || pdb.Spec.MaxUnavailable != nil {
		t.Errorf("disruption budget %s: minAvailable %v, maxUnavailable %v; want minAvailable 1", pdb.Name, pdb.Spec.MinAvailable, pdb.Spec.MaxUnavailable)
	}
	pod := find[appsv1.Deployment](objs)[0].Spec.Template
	if pdb.Spec.Selector == nil || len(pdb.Spec.Selector.MatchExpressions) > 0 || !selects(pdb.Spec.Selector.MatchLabels, pod.Labels) {
		t.Errorf("disruption budget %s selector %v does not select the pods %v", pdb.Name, pdb.Spec.Selector, pod.Labels)
	}
	for _, job := range find[batchv1.Job](objs) {
		if pdb.Spec.Selector != nil && selects(pdb.Spec.Selector.MatchLabels, job.Spec.Template.Labels) {
			t.Errorf("disruption budget %s counts the Job %s's pod", pdb.Name, job.Name)
		}
	}
}

// TestDisruptionBudgetFollowsReplicas renders the chart with the fewest
// replicas set each way a budget depends on.
func TestDisruptionBudgetFollowsReplicas(t *testing.T) {
	cases := []struct {
		name string
		sets []string
		want int
		off  bool // podDisruptionBudget.enabled=false
	}{
		{"two replicas", []string{"replicaCount=2"}, 1, false},
		{"one replica", []string{"replicaCount=1"}, 0, false},
		{"autoscaled from two", []string{"replicaCount=1", "autoscaling.enabled=true", "autoscaling.minReplicas=2"}, 1, false},
		{"autoscaled from one", []string{"replicaCount=3", "autoscaling.enabled=true", "autoscaling.minReplicas=1"}, 0, false},
		{"turned off", []string{"replicaCount=3", "podDisruptionBudget.enabled=false"}, 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			objs, err := render(t, "testdata/required.yaml", c.sets...)
			if err != nil {
				t.Fatalf("helm template: %v", err)
			}
			if got := len(find[policyv1.PodDisruptionBudget](objs)); got != c.want {
				t.Fatalf("%d disruption budgets, want %d", got, c.want)
			}
			checkAutoscaler(t, objs)
			if !c.off {
				checkDisruptionBudget(t, objs)
			}
		})
	}
}
