package nodetaint

import (
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodeops"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/samerun"
)

func TestPlannedEdits(t *testing.T) {
	gpuNS := corev1.Taint{Key: "gpu", Value: "true", Effect: corev1.TaintEffectNoSchedule}
	gpuNE := corev1.Taint{Key: "gpu", Value: "true", Effect: corev1.TaintEffectNoExecute}
	w := &writer{want: []corev1.Taint{gpuNS},
		owned: nodeops.Ownership{"a": {Items: []string{"gpu:NoExecute", "gpu:NoSchedule"}}, "b": {Items: []string{"gpu:NoSchedule"}}}}
	got := map[string]samerun.Edit{}
	for _, name := range []string{"a", "b", "c"} {
		got[name] = w.Edit(name != "b", w.Releases(name, nil))
	}
	want := map[string]samerun.Edit{
		"a": {AddTaints: []corev1.Taint{gpuNS}, RemoveTaints: []corev1.Taint{{Key: "gpu", Effect: corev1.TaintEffectNoExecute}}},
		"b": {RemoveTaints: []corev1.Taint{{Key: "gpu", Effect: corev1.TaintEffectNoSchedule}}},
		"c": {AddTaints: []corev1.Taint{gpuNS}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	// Without a record (older state), the taints in state are what the resource owns.
	legacy := &writer{fallback: []string{"gpu:NoExecute"}}
	if got := legacy.Edit(false, legacy.Releases("a", nil)).RemoveTaints; !reflect.DeepEqual(got, []corev1.Taint{{Key: gpuNE.Key, Effect: gpuNE.Effect}}) {
		t.Errorf("legacy: %v", got)
	}
	// A record of another node object with the same name owns nothing on this one.
	recreated := &corev1.Node{}
	recreated.Name, recreated.UID = "a", "new"
	w.owned["a"] = nodeops.Owned{UID: "old", Items: w.owned["a"].Items}
	if got := w.Edit(false, w.Releases("a", recreated)).RemoveTaints; len(got) != 0 {
		t.Errorf("recreated node: %v", got)
	}
}
