package nodetaint

import (
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodeops"
)

func TestPlannedEdits(t *testing.T) {
	gpuNS := corev1.Taint{Key: "gpu", Value: "true", Effect: corev1.TaintEffectNoSchedule}
	gpuNE := corev1.Taint{Key: "gpu", Value: "true", Effect: corev1.TaintEffectNoExecute}
	p := prior{
		nodes: []string{"a", "b"},
		owned: nodeops.Ownership{"a": {"gpu:NoExecute", "gpu:NoSchedule"}, "b": {"gpu:NoSchedule"}},
	}
	got := plannedEdits([]string{"a", "c"}, []corev1.Taint{gpuNS}, p)
	want := map[string]kube.NodeEdit{
		"a": {AddTaints: []corev1.Taint{gpuNS}, RemoveTaints: []corev1.Taint{{Key: "gpu", Effect: corev1.TaintEffectNoExecute}}},
		"b": {RemoveTaints: []corev1.Taint{{Key: "gpu", Effect: corev1.TaintEffectNoSchedule}}},
		"c": {AddTaints: []corev1.Taint{gpuNS}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	// Without a record (older state), the taints in state are what the resource owns.
	legacy := prior{nodes: []string{"a"}, ids: []string{"gpu:NoExecute"}}
	if got := plannedEdits(nil, nil, legacy)["a"].RemoveTaints; !reflect.DeepEqual(got, []corev1.Taint{{Key: gpuNE.Key, Effect: gpuNE.Effect}}) {
		t.Errorf("legacy: %v", got)
	}
}
