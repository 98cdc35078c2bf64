package daemonset

import (
	"encoding/json"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TestImportNeverAdoptsTheRestartManager: an import unites its writers' fields, but not the
// restartedAt annotation of the restart action, so a takeover neither owns nor releases it
// (releasing it would restart every pod again), whether the object's writers used server-side
// apply or updates.
func TestImportNeverAdoptsTheRestartManager(t *testing.T) {
	restart := metav1.ManagedFieldsEntry{Manager: RestartFieldManager, Operation: metav1.ManagedFieldsOperationUpdate,
		APIVersion: "apps/v1", FieldsType: "FieldsV1",
		FieldsV1: metav1.NewFieldsV1(`{"f:spec":{"f:template":{"f:metadata":{"f:annotations":{".":{},"f:kubectl.kubernetes.io/restartedAt":{}}}}}}`)}
	container := `{"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"agent\"}":{".":{},"f:image":{},"f:name":{}}}}}}}`
	for _, op := range []metav1.ManagedFieldsOperationType{metav1.ManagedFieldsOperationApply, metav1.ManagedFieldsOperationUpdate} {
		writer := managed("installer", container)
		writer.Operation = op
		ds := &appsv1.DaemonSet{
			ObjectMeta: metav1.ObjectMeta{Name: "agent", Namespace: "default", ManagedFields: []metav1.ManagedFieldsEntry{writer, restart}},
			Spec: appsv1.DaemonSetSpec{Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{"kubectl.kubernetes.io/restartedAt": "2026-01-01T00:00:00Z"}},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "agent", Image: "agent:1"}}},
			}},
		}
		owned, err := ownedFields(ds, DefaultFieldManager, true)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(owned)
		if strings.Contains(string(raw), "restartedAt") || !strings.Contains(string(raw), "agent:1") {
			t.Errorf("%s writer: import adopts %s", op, raw)
		}
		if takeOver := adoptedManagers(ds, DefaultFieldManager); strings.Contains(strings.Join(append(takeOver.Apply, takeOver.Update...), ","), RestartFieldManager) {
			t.Errorf("%s writer: takeover of %+v", op, takeOver)
		}
	}
}
