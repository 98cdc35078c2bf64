package kube

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
)

func testNode(name string) *corev1.Node {
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"pool": "a"},
			Annotations: map[string]string{"big": "annotation"}},
		Spec: corev1.NodeSpec{Taints: []corev1.Taint{{Key: "k", Effect: corev1.TaintEffectNoSchedule}}},
		Status: corev1.NodeStatus{
			Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue}},
			Images:     []corev1.ContainerImage{{Names: []string{"registry.example/agent:v1"}, SizeBytes: 1 << 20}},
		},
	}
}

// listed returns a cache over the named test nodes and its first list.
func listed(t *testing.T, names ...string) (*NodeCache, *NodeList) {
	t.Helper()
	var objects []runtime.Object
	for _, name := range names {
		objects = append(objects, testNode(name))
	}
	cache := NewNodeCache(fake.NewClientset(objects...))
	list, err := cache.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return cache, list
}

func TestNodeCacheListsOnceAndKeepsWhatReadersNeed(t *testing.T) {
	cache, first := listed(t, "b", "a")
	if _, err := cache.List(context.Background()); err != nil {
		t.Fatal(err)
	}
	if cache.Lists() != 1 {
		t.Fatalf("lists = %d, want 1", cache.Lists())
	}
	if len(first.Nodes) != 2 || first.Nodes[0].Name != "a" {
		t.Fatalf("nodes not sorted by name: %v", first.Nodes)
	}
	n := first.Nodes[0]
	if n.Labels["pool"] != "a" || len(n.Spec.Taints) != 1 || len(n.Status.Conditions) != 1 {
		t.Errorf("labels, taints or conditions lost: %+v", n)
	}
	if n.Annotations != nil || n.Status.Images != nil {
		t.Errorf("annotations and images kept: %v %v", n.Annotations, n.Status.Images)
	}
}

func TestNodeCacheRememberedWritesShowInTheNextList(t *testing.T) {
	cache, before := listed(t, "a", "b")
	written := testNode("b")
	written.Labels = map[string]string{"pool": "a", "logger": "fluentd"}
	cache.Remember(written)
	cache.Remember(testNode("not-listed"))

	after, err := cache.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(after.Nodes) != 2 || after.Nodes[1].Labels["logger"] != "fluentd" || after.Nodes[1].Annotations != nil {
		t.Errorf("written node not merged and slimmed: %+v", after.Nodes)
	}
	if before.Nodes[1].Labels["logger"] != "" {
		t.Error("a list a reader already holds changed under it")
	}
	if cache.Lists() != 1 {
		t.Errorf("lists = %d, want 1", cache.Lists())
	}
}
