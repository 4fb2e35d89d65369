package helm

import (
	"reflect"
	"slices"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// checkNetworkPolicy checks what the policy lets in and out of the pods:
// the HTTP port only from the ingress controller, the metrics port only
// from monitoring, nothing else in; DNS, PostgreSQL and the configured
// services out, and no rule open to every port.
func checkNetworkPolicy(t *testing.T, objs []object, v chartValues) {
	t.Helper()
	nps := find[networkingv1.NetworkPolicy](objs)
	if !v.NetworkPolicy.Enabled {
		if len(nps) > 0 {
			t.Errorf("networkPolicy.enabled is off and %d policies are rendered", len(nps))
		}
		return
	}
	if len(nps) != 1 {
		t.Fatalf("%d network policies, want 1", len(nps))
	}
	np := nps[0]
	pod := find[appsv1.Deployment](objs)[0].Spec.Template
	if len(np.Spec.PodSelector.MatchExpressions) > 0 || !selects(np.Spec.PodSelector.MatchLabels, pod.Labels) {
		t.Errorf("policy %s selects %v, not the pods %v", np.Name, np.Spec.PodSelector, pod.Labels)
	}
	if !slices.Contains(np.Spec.PolicyTypes, networkingv1.PolicyTypeIngress) || !slices.Contains(np.Spec.PolicyTypes, networkingv1.PolicyTypeEgress) {
		t.Errorf("policy %s types %v: want Ingress and Egress", np.Name, np.Spec.PolicyTypes)
	}
	containers := pod.Spec.Containers

	// Who may reach which port.
	want := map[string][]networkingv1.NetworkPolicyPeer{"http": v.NetworkPolicy.IngressController.From}
	if v.Metrics.Enabled {
		want["metrics"] = v.NetworkPolicy.Monitoring.From
	}
	seen := map[string]bool{}
	for i, rule := range np.Spec.Ingress {
		if len(rule.From) == 0 || len(rule.Ports) == 0 {
			t.Errorf("policy %s ingress rule %d admits every source or every port", np.Name, i)
		}
		for _, p := range rule.Ports {
			name := portName(containers, p.Port)
			from, ok := want[name]
			switch {
			case !ok:
				t.Errorf("policy %s ingress rule %d opens port %v, which nothing should reach", np.Name, i, p.Port)
			case !reflect.DeepEqual(rule.From, from):
				t.Errorf("policy %s lets %+v reach port %s, want only %+v", np.Name, rule.From, name, from)
			case p.Protocol != nil && *p.Protocol != corev1.ProtocolTCP:
				t.Errorf("policy %s opens port %s over %s", np.Name, name, *p.Protocol)
			}
			seen[name] = true
		}
	}
	for name := range want {
		if !seen[name] {
			t.Errorf("policy %s never lets anyone reach port %s", np.Name, name)
		}
	}

	// Where the pods may connect.
	for i, rule := range np.Spec.Egress {
		if len(rule.Ports) == 0 {
			t.Errorf("policy %s egress rule %d opens every port", np.Name, i)
		}
	}
	wantOut := []struct {
		port  int32
		proto corev1.Protocol
		to    []networkingv1.NetworkPolicyPeer
		on    bool
	}{
		{53, corev1.ProtocolUDP, v.NetworkPolicy.DNS.To, true},
		{53, corev1.ProtocolTCP, v.NetworkPolicy.DNS.To, true},
		{v.NetworkPolicy.Egress.PostgreSQL.Ports[0], corev1.ProtocolTCP, v.NetworkPolicy.Egress.PostgreSQL.To, true},
		{v.NetworkPolicy.Egress.ObjectStore.Ports[0], corev1.ProtocolTCP, v.NetworkPolicy.Egress.ObjectStore.To, v.Storage.S3.URL != ""},
		{v.NetworkPolicy.Egress.Tracing.Ports[0], corev1.ProtocolTCP, v.NetworkPolicy.Egress.Tracing.To, v.Tracing.OTLPEndpoint != ""},
	}
	for _, w := range wantOut {
		if w.on && egressTo(np.Spec.Egress, w.port, w.proto, w.to) == nil {
			t.Errorf("policy %s does not let the pods reach %+v on port %d/%s", np.Name, w.to, w.port, w.proto)
		}
	}
	for _, p := range v.NetworkPolicy.Egress.Tracing.Ports {
		if v.Tracing.OTLPEndpoint == "" && egressTo(np.Spec.Egress, p, corev1.ProtocolTCP, v.NetworkPolicy.Egress.Tracing.To) != nil {
			t.Errorf("policy %s opens the OTLP port %d with tracing off", np.Name, p)
		}
	}
}

// portName names a policy's port after the container port it designates.
func portName(containers []corev1.Container, port *intstr.IntOrString) string {
	if port == nil {
		return "every port"
	}
	for _, c := range containers {
		for _, p := range c.Ports {
			if port.String() == p.Name || (port.Type == intstr.Int && port.IntVal == p.ContainerPort) {
				return p.Name
			}
		}
	}
	return port.String()
}

// egressTo returns the first egress rule that opens port over proto to
// exactly the peers to (none: any destination).
func egressTo(rules []networkingv1.NetworkPolicyEgressRule, port int32, proto corev1.Protocol, to []networkingv1.NetworkPolicyPeer) *networkingv1.NetworkPolicyEgressRule {
	for i, r := range rules {
		if len(r.To) != len(to) || (len(to) > 0 && !reflect.DeepEqual(r.To, to)) {
			continue
		}
		for _, p := range r.Ports {
			pr := corev1.ProtocolTCP
			if p.Protocol != nil {
				pr = *p.Protocol
			}
			if p.Port != nil && p.Port.Type == intstr.Int && p.Port.IntVal == port && pr == proto {
				return &rules[i]
			}
		}
	}
	return nil
}
