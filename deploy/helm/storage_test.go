package helm

import (
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// checkStorage checks where attachments go: with an S3-compatible store,
// the Deployment is given its URL, no claim is made, and the credentials
// come from the Secret named in the values, by reference, never written
// into a rendered object; without one, no storage setting is passed.
func checkStorage(t *testing.T, objs []object, v chartValues) {
	t.Helper()
	s3 := v.Storage.S3
	for _, p := range podTemplates(objs) {
		for _, c := range p.spec.Containers {
			for _, e := range c.Env {
				if strings.HasPrefix(e.Name, "PIAZZA_STORAGE_") && s3.URL == "" {
					t.Errorf("%s: %s is set without storage.s3.url", p.source, e.Name)
				}
				if strings.HasSuffix(e.Name, "_KEY") && strings.HasPrefix(e.Name, "PIAZZA_STORAGE_") && e.Value != "" {
					t.Errorf("%s: %s is written into the pod spec", p.source, e.Name)
				}
			}
		}
	}
	for _, s := range find[corev1.Secret](objs) {
		for k := range s.StringData {
			if strings.HasPrefix(k, "PIAZZA_STORAGE_") || k == "accessKey" || k == "secretKey" {
				t.Errorf("Secret %s holds %s: the store's credentials belong in storage.s3.existingSecret", s.Name, k)
			}
		}
		if s3.ExistingSecret != "" && s.Name == s3.ExistingSecret {
			t.Errorf("the chart renders the store's Secret %s, which the values say exists", s.Name)
		}
	}
	if s3.URL == "" {
		return
	}
	c := find[appsv1.Deployment](objs)[0].Spec.Template.Spec.Containers[0]
	if e, _ := env(c.Env, "PIAZZA_STORAGE_URL"); e.Value != s3.URL {
		t.Errorf("PIAZZA_STORAGE_URL=%q, want %q", e.Value, s3.URL)
	}
	if pvcs := find[corev1.PersistentVolumeClaim](objs); len(pvcs) > 0 {
		t.Errorf("files go to S3, and the chart still makes the claim %s", pvcs[0].Name)
	}
	for name, key := range map[string]string{"PIAZZA_STORAGE_ACCESS_KEY": "accessKey", "PIAZZA_STORAGE_SECRET_KEY": "secretKey"} {
		e, set := env(c.Env, name)
		if s3.ExistingSecret == "" {
			if set {
				t.Errorf("%s is set with no storage.s3.existingSecret", name)
			}
			continue
		}
		if e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil ||
			e.ValueFrom.SecretKeyRef.Name != s3.ExistingSecret || e.ValueFrom.SecretKeyRef.Key != key {
			t.Errorf("%s = %+v, want key %q of Secret %q", name, e.ValueFrom, key, s3.ExistingSecret)
		}
	}
}

// checkServiceAccount checks that no pod carries a Kubernetes API token,
// and that the Deployment runs as the account the values name.
func checkServiceAccount(t *testing.T, objs []object, v chartValues) {
	t.Helper()
	for _, p := range podTemplates(objs) {
		if a := p.spec.AutomountServiceAccountToken; a == nil || *a {
			t.Errorf("%s: the pod mounts a Kubernetes API token it never uses", p.source)
		}
	}
	sas := find[corev1.ServiceAccount](objs)
	for _, sa := range sas {
		if a := sa.AutomountServiceAccountToken; a == nil || *a {
			t.Errorf("ServiceAccount %s lets pods mount its token", sa.Name)
		}
	}
	dep := find[appsv1.Deployment](objs)[0]
	name := dep.Spec.Template.Spec.ServiceAccountName
	switch {
	case v.ServiceAccount.Create && (len(sas) != 1 || sas[0].Name != name):
		t.Errorf("Deployment runs as %q; the chart renders %d accounts", name, len(sas))
	case !v.ServiceAccount.Create && len(sas) > 0:
		t.Errorf("serviceAccount.create off and %d accounts rendered", len(sas))
	case !v.ServiceAccount.Create && v.ServiceAccount.Name != "" && name != v.ServiceAccount.Name:
		t.Errorf("Deployment runs as %q, want %q", name, v.ServiceAccount.Name)
	}
}
