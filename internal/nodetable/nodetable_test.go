package nodetable

import (
	"fmt"
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func fleet(n int) []*corev1.Node {
	nodes := make([]*corev1.Node, n)
	for i := range nodes {
		name := fmt.Sprintf("node-%05d", i)
		labels := map[string]string{"kubernetes.io/hostname": name, "topology.kubernetes.io/zone": fmt.Sprintf("zone-%c", 'a'+i%3)}
		var taints []corev1.Taint
		if i%10 == 0 {
			taints = []corev1.Taint{{Key: "dedicated", Value: "gpu", Effect: corev1.TaintEffectNoSchedule}}
		}
		nodes[i] = &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}, Spec: corev1.NodeSpec{Taints: taints}}
	}
	return nodes
}

func TestNodeTableRoundTrip(t *testing.T) {
	nodes := fleet(50)
	nodes = append(nodes, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "bare"}},
		&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "x", Labels: map[string]string{"a": ""}},
			Spec: corev1.NodeSpec{Taints: []corev1.Taint{{Key: "example.com/k", Effect: corev1.TaintEffectNoExecute}, {Key: "v", Value: "1", Effect: corev1.TaintEffectPreferNoSchedule}}}})
	raw, err := Encode(nodes)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	for i := range nodes {
		want := nodes[i]
		if want.Labels == nil {
			want.Labels = map[string]string{}
		}
		if got[i].Name != want.Name || !reflect.DeepEqual(got[i].Labels, want.Labels) || !reflect.DeepEqual(got[i].Spec.Taints, want.Spec.Taints) {
			t.Fatalf("node %d: got %+v / %v, want %+v / %v", i, got[i].ObjectMeta, got[i].Spec.Taints, want.ObjectMeta, want.Spec.Taints)
		}
	}
}
