package placement

import (
	"reflect"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

func TestDiff(t *testing.T) {
	master := taint("node-role.kubernetes.io/master", "", noSchedule)
	gpu := taint("gpu", "true", noExecute)
	nodes := []*corev1.Node{
		node("k8s-01", map[string]string{"logger": "fluentd"}),
		node("k8s-02", map[string]string{"logger": "fluentd"}),
		node("k8s-03", nil),
		node("k8s-master-01", nil, master),
	}
	tolerateMaster := []corev1.Toleration{{Key: master.Key, Effect: noSchedule}}
	plain := &corev1.PodSpec{}
	tolerant := &corev1.PodSpec{Tolerations: tolerateMaster}
	narrowed := &corev1.PodSpec{Tolerations: tolerateMaster, NodeSelector: map[string]string{"logger": "fluentd"}}
	pinned := &corev1.PodSpec{NodeName: "k8s-02"}
	masterTolerated := "tolerates node-role.kubernetes.io/master:NoSchedule"
	selector := "node selector does not match (logger=fluentd)"

	withGPU := []*corev1.Node{node("k8s-01", nil), node("k8s-02", nil, gpu)}
	tests := []struct {
		name                  string
		before                *corev1.PodSpec // nil: create
		beforeNodes, afterNds []*corev1.Node
		after                 *corev1.PodSpec
		rollout               bool
		want                  []NodeChange
	}{
		{"create", nil, nil, nodes, plain, true, []NodeChange{
			{"k8s-01", 1, ReasonCreated}, {"k8s-02", 1, ReasonCreated}, {"k8s-03", 1, ReasonCreated}}},
		{"toleration added", plain, nodes, nodes, tolerant, true, []NodeChange{{"k8s-master-01", 1, masterTolerated}}},
		{"selector narrowed", tolerant, nodes, nodes, narrowed, true, []NodeChange{
			{"k8s-03", -1, selector}, {"k8s-master-01", -1, selector}}},
		{"NoExecute eviction", plain, []*corev1.Node{node("k8s-01", nil), node("k8s-02", nil)}, withGPU, plain, false,
			[]NodeChange{{"k8s-02", -1, "evicted by untolerated taint gpu=true:NoExecute"}}},
		{"NoSchedule without rollout keeps the pod", plain, []*corev1.Node{node("k8s-01", nil)},
			[]*corev1.Node{node("k8s-01", nil, master)}, plain, false, nil},
		{"NoSchedule with rollout loses the pod", plain, []*corev1.Node{node("k8s-01", nil)},
			[]*corev1.Node{node("k8s-01", nil, master)}, plain, true,
			[]NodeChange{{"k8s-01", -1, "taint node-role.kubernetes.io/master:NoSchedule is not tolerated"}}},
		{"node pinned", plain, nodes, nodes, pinned, true, []NodeChange{
			{"k8s-01", -1, "pod template pins nodeName k8s-02"}, {"k8s-03", -1, "pod template pins nodeName k8s-02"}}},
		{"no change", tolerant, nodes, nodes, tolerant, true, nil},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			var before *Result
			if test.before != nil {
				r := Predict(test.before, test.beforeNodes, Options{})
				before = &r
			}
			got := Diff(before, Predict(test.after, test.afterNds, Options{}), test.rollout)
			if !reflect.DeepEqual(got, test.want) {
				t.Errorf("got %+v\nwant %+v", got, test.want)
			}
		})
	}
}

func TestNodeChangeString(t *testing.T) {
	if got := (NodeChange{"a", 1, "tolerates x:NoSchedule"}).String(); got != "+1: tolerates x:NoSchedule" {
		t.Error(got)
	}
	if got := (NodeChange{"a", -1, "node selector does not match (logger=fluentd)"}).String(); got != "-1: node selector does not match (logger=fluentd)" {
		t.Error(got)
	}
}

func TestChangeSummary(t *testing.T) {
	sel := "node selector does not match (logger=fluentd)"
	changes := []NodeChange{{"k8s-03", -1, sel}, {"k8s-master-01", -1, sel}, {"k8s-master-02", -1, sel}, {"k8s-master-03", -1, sel}}
	got := ChangeSummary("kube-system", "fluentd-elasticsearch", 6, 2, changes, 20)
	want := "kube-system/fluentd-elasticsearch: 6 -> 2 pods; -4 (" + sel + "): k8s-03, k8s-master-01, k8s-master-02, k8s-master-03"
	if got != want {
		t.Errorf("\n got %q\nwant %q", got, want)
	}
	got = ChangeSummary("", "fluentd", 6, 2, changes, 2)
	if !strings.HasSuffix(got, "-4 ("+sel+"): k8s-03, k8s-master-01 and 2 more") {
		t.Errorf("truncated: %q", got)
	}
	mixed := []NodeChange{{"a", 1, "x"}, {"b", -1, "y"}, {"c", -1, "y"}}
	if got := ChangeSummary("ns", "d", -1, 1, mixed, 0); got != "ns/d: 0 -> 1 pods; -2 (y): b, c; +1 (x): a" {
		t.Errorf("mixed: %q", got)
	}
	if got := ChangeSummary("ns", "d", 3, 3, nil, 0); got != "ns/d: 3 -> 3 pods; no node changes" {
		t.Errorf("none: %q", got)
	}
}
