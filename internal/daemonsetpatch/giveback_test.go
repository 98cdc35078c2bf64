package daemonsetpatch

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiresource "k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"
)

const tolerationsFields = `{"f:spec":{"f:template":{"f:spec":{"f:tolerations":{}}}}}`

const memoryFields = `{"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"agent\"}":{".":{},"f:name":{},` +
	`"f:resources":{"f:requests":{"f:memory":{}}}}}}}}}`

func entry(manager string, op metav1.ManagedFieldsOperationType, fields string) metav1.ManagedFieldsEntry {
	return metav1.ManagedFieldsEntry{Manager: manager, Operation: op, APIVersion: "apps/v1", FieldsType: "FieldsV1",
		FieldsV1: metav1.NewFieldsV1(fields)}
}

func agentWith(memory string, tolerations []corev1.Toleration, entries ...metav1.ManagedFieldsEntry) *appsv1.DaemonSet {
	ds := &appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Name: "agent", Namespace: "kube-system", UID: "u1", ManagedFields: entries}}
	ds.Spec.Template.Spec.Tolerations = tolerations
	ds.Spec.Template.Spec.Containers = []corev1.Container{{Name: "agent", Image: "agent:v1"}}
	ds.Spec.Template.Spec.Containers[0].Resources.Requests = corev1.ResourceList{corev1.ResourceMemory: mustQuantity(memory)}
	return ds
}

var (
	critical = corev1.Toleration{Key: "CriticalAddonsOnly", Operator: corev1.TolerationOpExists}
	master   = corev1.Toleration{Key: "node-role.kubernetes.io/master", Operator: corev1.TolerationOpExists}
)

// The installer's toleration list and memory request, taken over with force, are recorded
// with their values before; destroy puts them back unless they changed since, and hands them
// back to the installer.
func TestGiveBack(t *testing.T) {
	installer := entry("kubectl-client-side-apply", metav1.ManagedFieldsOperationUpdate, tolerationsFields)
	memory := entry("helm", metav1.ManagedFieldsOperationApply, memoryFields)
	before := agentWith("50Mi", []corev1.Toleration{critical}, installer, memory)
	ours := entry("k8sfleet-patch-x", metav1.ManagedFieldsOperationApply,
		`{"f:spec":{"f:template":{"f:spec":{"f:tolerations":{},"f:containers":{"k:{\"name\":\"agent\"}":{".":{},"f:name":{},`+
			`"f:resources":{"f:requests":{"f:memory":{}}}}}}}}}`)
	helmLeft := entry("helm", metav1.ManagedFieldsOperationApply, `{"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"agent\"}":{".":{},"f:name":{}}}}}}}`)
	after := agentWith("100Mi", []corev1.Toleration{critical, master}, helmLeft, ours)

	g, err := giveBack{V: giveBackVersion}.record(before, after, "k8sfleet-patch-x")
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Fields) != 2 {
		t.Fatalf("recorded %d fields, want the tolerations and the memory request: %+v", len(g.Fields), g.Fields)
	}

	body, restored, changed, err := g.restoreOnto(after, "k8sfleet-patch-x", releaseBody(after), &fieldpath.Set{})
	if err != nil {
		t.Fatal(err)
	}
	if len(restored) != 2 || len(changed) != 0 {
		t.Fatalf("restored %d, changed %v; want both restored", len(restored), changed)
	}
	var sent appsv1.DaemonSet
	if err := json.Unmarshal(body, &sent); err != nil {
		t.Fatal(err)
	}
	pod := sent.Spec.Template.Spec
	if len(pod.Tolerations) != 1 || pod.Tolerations[0].Key != critical.Key {
		t.Errorf("restore sends tolerations %v, want the installer's", pod.Tolerations)
	}
	if len(pod.Containers) != 1 || pod.Containers[0].Name != "agent" || pod.Containers[0].Resources.Requests.Memory().String() != "50Mi" {
		t.Errorf("restore sends containers %+v, want agent with 50Mi", pod.Containers)
	}

	entries, err := handBack(after, "k8sfleet-patch-x", restored, true)
	if err != nil {
		t.Fatal(err)
	}
	var owners []string
	for _, e := range entries {
		owners = append(owners, e.Manager)
		if e.Manager == "helm" && !strings.Contains(e.FieldsV1.GetRawString(), `"f:memory"`) {
			t.Errorf("helm does not own the memory request again: %s", e.FieldsV1.GetRawString())
		}
		if e.Manager == "kubectl-client-side-apply" && !strings.Contains(e.FieldsV1.GetRawString(), `"f:tolerations"`) {
			t.Errorf("kubectl does not own the tolerations again: %s", e.FieldsV1.GetRawString())
		}
	}
	slices.Sort(owners)
	if !slices.Equal(owners, []string{"helm", "kubectl-client-side-apply"}) {
		t.Errorf("owners after the hand-back: %v", owners)
	}

	// Someone changed the tolerations since: they stay, and the warning names them.
	moved := agentWith("100Mi", []corev1.Toleration{master}, helmLeft, ours)
	_, restored, changed, err = g.restoreOnto(moved, "k8sfleet-patch-x", releaseBody(moved), &fieldpath.Set{})
	if err != nil {
		t.Fatal(err)
	}
	if len(restored) != 1 || !slices.Equal(changed, []string{".spec.template.spec.tolerations"}) {
		t.Errorf("restored %d, changed %v; want the memory request restored, the tolerations named", len(restored), changed)
	}
}

func mustQuantity(s string) apiresource.Quantity { return apiresource.MustParse(s) }
