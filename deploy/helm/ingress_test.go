package helm

import (
	"strconv"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/validation"
)

// checkIngressTLS checks that, when the Ingress serves TLS, every host it
// routes has a certificate, and that each tenant's own domain has one of
// its own (one not yet pointed here must not hold the others back).
func checkIngressTLS(t *testing.T, objs []object) {
	t.Helper()
	for _, ing := range find[networkingv1.Ingress](objs) {
		if len(ing.Spec.TLS) == 0 {
			continue
		}
		secrets := map[string]bool{}
		covered := map[string]int{}
		for i, tls := range ing.Spec.TLS {
			if secrets[tls.SecretName] {
				t.Errorf("Ingress %s: two TLS entries share the Secret %s", ing.Name, tls.SecretName)
			}
			secrets[tls.SecretName] = true
			if errs := validation.IsDNS1123Subdomain(tls.SecretName); len(errs) > 0 {
				t.Errorf("Ingress %s: TLS Secret name %q: %v", ing.Name, tls.SecretName, errs)
			}
			for _, h := range tls.Hosts {
				if _, dup := covered[h]; dup {
					t.Errorf("Ingress %s: %s is in two certificates", ing.Name, h)
				}
				covered[h] = i
			}
		}
		for i, rule := range ing.Spec.Rules {
			e, ok := covered[rule.Host]
			switch {
			case !ok:
				t.Errorf("Ingress %s routes %s without a certificate", ing.Name, rule.Host)
			case i >= 2 && len(ing.Spec.TLS[e].Hosts) != 1:
				t.Errorf("Ingress %s: the tenant's domain %s shares its certificate with %v", ing.Name, rule.Host, ing.Spec.TLS[e].Hosts)
			}
		}
	}
}

// checkSettings checks the settings passed to the server as they are in
// the values: set when given, absent otherwise.
func checkSettings(t *testing.T, objs []object, v chartValues) {
	t.Helper()
	c := find[appsv1.Deployment](objs)[0].Spec.Template.Spec.Containers[0]
	want := map[string]string{"PIAZZA_TRUSTED_PROXIES": v.TrustedProxies}
	if v.DatabaseConns > 0 {
		want["PIAZZA_DB_CONNS"] = strconv.Itoa(v.DatabaseConns)
	} else {
		want["PIAZZA_DB_CONNS"] = ""
	}
	want["PIAZZA_DB_KEPT"] = ""
	if v.DatabaseKept != nil {
		want["PIAZZA_DB_KEPT"] = strconv.Itoa(*v.DatabaseKept)
	}
	for name, value := range want {
		e, set := env(c.Env, name)
		if set != (value != "") || e.Value != value {
			t.Errorf("%s=%q (set %v), want %q", name, e.Value, set, value)
		}
	}
}
