package helm

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	psa "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

// podTemplate is the pod of a Deployment or a Job, with its owner's metadata
// (Helm's hook annotations are there).
type podTemplate struct {
	source string
	owner  *metav1.ObjectMeta
	meta   *metav1.ObjectMeta
	spec   *corev1.PodSpec
}

func podTemplates(objs []object) []podTemplate {
	var pods []podTemplate
	for _, o := range objs {
		switch v := o.value.(type) {
		case *appsv1.Deployment:
			pods = append(pods, podTemplate{o.source, o.meta, &v.Spec.Template.ObjectMeta, &v.Spec.Template.Spec})
		case *batchv1.Job:
			pods = append(pods, podTemplate{o.source, o.meta, &v.Spec.Template.ObjectMeta, &v.Spec.Template.Spec})
		}
	}
	return pods
}

// checkRestricted runs the Pod Security admission's own checks at the
// "restricted" level, latest version, as a namespace labelled
// pod-security.kubernetes.io/enforce=restricted would.
func checkRestricted(t *testing.T, p podTemplate) {
	t.Helper()
	eval, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		t.Fatal(err)
	}
	level := psa.LevelVersion{Level: psa.LevelRestricted, Version: psa.LatestVersion()}
	agg := policy.AggregateCheckResults(eval.EvaluatePod(level, p.meta, p.spec))
	if !agg.Allowed {
		t.Errorf("%s: refused by the restricted Pod Security Standard: %s", p.source, agg.ForbiddenDetail())
	}
}

// checkImageUser checks that the pod runs as the image's numeric user: the
// kubelet enforces runAsNonRoot only against a numeric user.
func checkImageUser(t *testing.T, p podTemplate) {
	t.Helper()
	uid, gid, _ := strings.Cut(imageUser(t), ":")
	if _, err := strconv.Atoi(uid); err != nil {
		t.Errorf("deploy/Dockerfile: USER %q is not numeric", imageUser(t))
		return
	}
	sc := p.spec.SecurityContext
	if sc == nil || sc.RunAsUser == nil || strconv.FormatInt(*sc.RunAsUser, 10) != uid {
		t.Errorf("%s: pod does not run as the image's user %s", p.source, uid)
	}
	if gid != "" && (sc == nil || sc.RunAsGroup == nil || strconv.FormatInt(*sc.RunAsGroup, 10) != gid) {
		t.Errorf("%s: pod does not run with the image's group %s", p.source, gid)
	}
}

// checkReferences checks that every Secret and claim the pod names is
// rendered by the chart or was named in the values as made outside it.
func checkReferences(t *testing.T, p podTemplate, objs []object, external []string) {
	t.Helper()
	for _, ref := range podRefs(p.spec) {
		if !slices.Contains(external, ref.name) && rendered(objs, ref.kind, ref.name) == nil {
			t.Errorf("%s: %s %q is neither rendered nor given", p.source, ref.kind, ref.name)
		}
	}
}

// checkHookOrder checks that what a pre-install hook's pod reads exists when
// it starts: on a first install only the hooks before it have been created.
func checkHookOrder(t *testing.T, objs []object) {
	t.Helper()
	for _, p := range podTemplates(objs) {
		if !isHook(p.owner, "pre-install") {
			continue
		}
		for _, ref := range podRefs(p.spec) {
			o := rendered(objs, ref.kind, ref.name)
			if o == nil {
				continue
			}
			if !isHook(o.meta, "pre-install") || hookWeight(o.meta) >= hookWeight(p.owner) {
				t.Errorf("%s: reads %s %q, which does not exist yet on a first install", p.source, ref.kind, ref.name)
			}
		}
	}
}

// checkSharedFiles checks that replicas keep attachments on one volume that
// all of them mount, or in the object store: with a volume per pod, files
// would be split between the replicas and lost with the pod.
func checkSharedFiles(t *testing.T, objs []object) {
	t.Helper()
	dep := find[appsv1.Deployment](objs)[0]
	spec := dep.Spec.Template.Spec
	c := spec.Containers[0]
	dir := envValue(c.Env, "PIAZZA_DATA_DIR")
	var vol *corev1.Volume
	longest := ""
	for _, m := range c.VolumeMounts {
		under := dir == m.MountPath || strings.HasPrefix(dir, strings.TrimSuffix(m.MountPath, "/")+"/")
		if under && len(m.MountPath) > len(longest) {
			vol, longest = volume(spec.Volumes, m.Name), m.MountPath
		}
	}
	if vol == nil {
		t.Fatalf("PIAZZA_DATA_DIR=%q is not a mounted volume", dir)
	}
	if _, hi := replicaRange(objs); hi <= 1 || envValue(c.Env, "PIAZZA_STORAGE_URL") != "" {
		return // one replica, or files in the object store
	}
	if vol.PersistentVolumeClaim == nil {
		_, hi := replicaRange(objs)
		t.Fatalf("up to %d replicas keep files on a volume of their own (%s)", hi, vol.Name)
	}
	if o := rendered(objs, "v1/PersistentVolumeClaim", vol.PersistentVolumeClaim.ClaimName); o != nil {
		pvc := o.value.(*corev1.PersistentVolumeClaim)
		if !slices.Contains(pvc.Spec.AccessModes, corev1.ReadWriteMany) {
			t.Errorf("claim %s is %v: the replicas cannot share it", pvc.Name, pvc.Spec.AccessModes)
		}
	}
}

type ref struct{ kind, name string }

func podRefs(spec *corev1.PodSpec) []ref {
	var refs []ref
	if a := spec.ServiceAccountName; a != "" && a != "default" {
		refs = append(refs, ref{"v1/ServiceAccount", a})
	}
	for _, c := range slices.Concat(spec.InitContainers, spec.Containers) {
		for _, from := range c.EnvFrom {
			if from.SecretRef != nil {
				refs = append(refs, ref{"v1/Secret", from.SecretRef.Name})
			}
		}
		for _, e := range c.Env {
			if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
				refs = append(refs, ref{"v1/Secret", e.ValueFrom.SecretKeyRef.Name})
			}
		}
	}
	for _, v := range spec.Volumes {
		if v.PersistentVolumeClaim != nil {
			refs = append(refs, ref{"v1/PersistentVolumeClaim", v.PersistentVolumeClaim.ClaimName})
		}
		if v.Secret != nil {
			refs = append(refs, ref{"v1/Secret", v.Secret.SecretName})
		}
	}
	return refs
}

func rendered(objs []object, kind, name string) *object {
	for i := range objs {
		if objs[i].kind == kind && objs[i].meta.Name == name {
			return &objs[i]
		}
	}
	return nil
}

func isHook(meta *metav1.ObjectMeta, event string) bool {
	for _, e := range strings.Split(meta.Annotations["helm.sh/hook"], ",") {
		if strings.TrimSpace(e) == event {
			return true
		}
	}
	return false
}

func hookWeight(meta *metav1.ObjectMeta) int {
	w, _ := strconv.Atoi(meta.Annotations["helm.sh/hook-weight"])
	return w
}

func envValue(env []corev1.EnvVar, name string) string {
	for _, e := range env {
		if e.Name == name {
			return e.Value
		}
	}
	return ""
}

func volume(vols []corev1.Volume, name string) *corev1.Volume {
	for i := range vols {
		if vols[i].Name == name {
			return &vols[i]
		}
	}
	return nil
}
