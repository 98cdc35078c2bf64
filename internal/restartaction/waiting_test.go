package restartaction

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TestWaitingOn: a new pod that cannot be scheduled is named by the node it is pinned to, with
// the scheduler's reason, before any pod from before the restart.
func TestWaitingOn(t *testing.T) {
	const stamp = "2026-12-07T10:00:00Z"
	pinned := &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
		NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchFields: []corev1.NodeSelectorRequirement{{Key: "metadata.name", Operator: "In", Values: []string{"k8s-07"}}}}},
	}}}
	pending := corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "fluentd-new", Annotations: map[string]string{RestartedAtAnnotation: stamp}},
		Spec:       corev1.PodSpec{Affinity: pinned},
		Status: corev1.PodStatus{Phase: corev1.PodPending, Conditions: []corev1.PodCondition{{
			Type: corev1.PodScheduled, Status: corev1.ConditionFalse, Reason: "Unschedulable", Message: "0/6 nodes are available: 1 Insufficient memory.",
		}}},
	}
	old := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "fluentd-old"}, Spec: corev1.PodSpec{NodeName: "k8s-01"}}
	node, why := waitingOn([]corev1.Pod{old, pending}, stamp)
	if node != "k8s-07" || why != "pod Pending: Unschedulable 0/6 nodes are available: 1 Insufficient memory." {
		t.Errorf("waiting on %q: %q", node, why)
	}
	if node, _ := waitingOn([]corev1.Pod{old}, stamp); node != "k8s-01" {
		t.Errorf("waiting on %q, want the node of the old pod", node)
	}
}
