package nodelabel

import (
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodeops"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/samerun"
)

func owned(name string, labels map[string]string, owners map[string]string) *corev1.Node {
	n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}
	byManager := map[string][]string{}
	for key, manager := range owners {
		byManager[manager] = append(byManager[manager], key)
	}
	for manager, keys := range byManager {
		fields := `{"f:metadata":{"f:labels":{`
		for i, k := range keys {
			if i > 0 {
				fields += ","
			}
			fields += `"f:` + k + `":{}`
		}
		n.ManagedFields = append(n.ManagedFields, metav1.ManagedFieldsEntry{Manager: manager, Operation: metav1.ManagedFieldsOperationApply,
			FieldsType: "FieldsV1", FieldsV1: metav1.NewFieldsV1(fields + "}}}")})
	}
	return n
}

func TestPlannedEdits(t *testing.T) {
	const me = "k8sfleet-label-me"
	live := nodeops.ByName([]*corev1.Node{
		owned("a", map[string]string{"logger": "fluentd", "team": "x"}, map[string]string{"logger": me, "team": me}),
		owned("b", map[string]string{"logger": "fluentd", "team": "x"}, map[string]string{"logger": me, "team": "other"}),
		owned("c", map[string]string{"logger": "fluentd", "adopted": "yes"}, map[string]string{"logger": me, "adopted": "kubectl"}),
		owned("d", nil, nil),
	})
	want := map[string]string{"logger": "vector"}
	w := &writer{manager: me, want: want, prior: map[string]string{"logger": "fluentd", "team": "x", "adopted": "yes"},
		adopted: nodeops.Ownership{"c": {Items: []string{"adopted"}}}}
	got := map[string]samerun.Edit{}
	for _, name := range []string{"a", "b", "c", "d"} {
		got[name] = w.Edit(name != "c", w.Releases(name, live[name]))
	}
	expected := map[string]samerun.Edit{
		// team goes: only we own it.
		"a": {SetLabels: want, RemoveLabels: []string{"team"}},
		// team stays: another manager also set it.
		"b": {SetLabels: want},
		// c left the selection: our label goes, and so does the adopted one.
		"c": {RemoveLabels: []string{"adopted", "logger"}},
		// d joined.
		"d": {SetLabels: want},
	}
	if !reflect.DeepEqual(got, expected) {
		t.Errorf("got %+v\nwant %+v", got, expected)
	}
}
