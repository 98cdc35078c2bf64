package nodeops

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/placement"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/samerun"
)

func node(name string, labels map[string]string, taints ...corev1.Taint) *corev1.Node {
	n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}
	n.Spec.Taints = taints
	return n
}

func daemonSet(name string, spec corev1.PodSpec) appsv1.DaemonSet {
	return appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: name},
		Spec: appsv1.DaemonSetSpec{Template: corev1.PodTemplateSpec{Spec: spec}}}
}

func pod(name, node string, tolerations ...corev1.Toleration) corev1.Pod {
	return corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name},
		Spec:   corev1.PodSpec{NodeName: node, Tolerations: tolerations},
		Status: corev1.PodStatus{Phase: corev1.PodRunning}}
}

func TestComputeImpact(t *testing.T) {
	fluentd := daemonSet("fluentd", corev1.PodSpec{NodeSelector: map[string]string{"logger": "fluentd"}})
	agent := daemonSet("agent", corev1.PodSpec{})
	live := []*corev1.Node{node("k8s-01", nil), node("k8s-02", map[string]string{"logger": "fluentd"}), node("k8s-03", nil)}
	edits := map[string]samerun.Edit{
		"k8s-01": {SetLabels: map[string]string{"logger": "fluentd"}},
		"k8s-02": {RemoveLabels: []string{"logger"}, AddTaints: []corev1.Taint{taint("maint", "", noExecute)}},
		"k8s-03": {SetLabels: map[string]string{"unrelated": "x"}},
		"ghost":  {SetLabels: map[string]string{"logger": "fluentd"}},
	}
	before, after := samerun.Changed(live, edits)
	if len(before) != 3 || len(after) != 3 {
		t.Fatalf("changed nodes: %d", len(after))
	}
	pods := func(_ context.Context, n string) ([]corev1.Pod, error) {
		if n != "k8s-02" {
			t.Errorf("pods listed for %s, which gets no NoExecute taint", n)
		}
		done := pod("done", n)
		done.Status.Phase = corev1.PodSucceeded
		return []corev1.Pod{
			pod("web", n), pod("tolerant", n, corev1.Toleration{Operator: corev1.TolerationOpExists}), done,
			pod("db", n, corev1.Toleration{Key: "maint", Operator: corev1.TolerationOpExists, Effect: noSchedule}),
		}, nil
	}
	changes := samerun.ComputeImpact(samerun.Placements([]appsv1.DaemonSet{fluentd, agent}), before, after, placement.Options{})
	evictions, err := Evictions(context.Background(), before, after, pods)
	if err != nil {
		t.Fatal(err)
	}
	impact := Impact{Changes: changes, Evictions: evictions}
	want := Impact{
		Changes: []samerun.DaemonSetChange{
			{DaemonSet: "kube-system/agent", Stops: []string{"k8s-02"}, Evicted: 1},
			{DaemonSet: "kube-system/fluentd", Starts: []string{"k8s-01"}, Stops: []string{"k8s-02"}},
		},
		Evictions: []Eviction{{Node: "k8s-02", Pods: 2, Taints: []string{"maint:NoExecute"}}},
	}
	if !reflect.DeepEqual(impact, want) {
		t.Errorf("got %+v\nwant %+v", impact, want)
	}
	msg := impact.Warning("k8sfleet_node_taint on node k8s-02")
	for _, s := range []string{
		"DaemonSet kube-system/agent stops on k8s-02",
		"DaemonSet kube-system/fluentd starts on k8s-01 and stops on k8s-02",
		"2 running pods on node k8s-02 do not tolerate maint:NoExecute and will be evicted",
	} {
		if !strings.Contains(msg, s) {
			t.Errorf("warning lacks %q:\n%s", s, msg)
		}
	}
}

func TestRecordAndWarn(t *testing.T) {
	ds := daemonSet("fluentd", corev1.PodSpec{NodeSelector: map[string]string{"logger": "fluentd"}})
	cs := fake.NewClientset(&ds, node("k8s-01", nil), node("k8s-02", nil))
	c := kube.FromClientset(cs, kube.Options{PredictPlacement: true})
	list, err := c.Nodes.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	edits := map[string]samerun.Edit{"k8s-01": {SetLabels: map[string]string{"logger": "fluentd"}}}
	var diags diagnostics
	result := RecordAndWarn(context.Background(), c, "owner", "k8sfleet_node_label on node k8s-01", Inputs{Nodes: list.Nodes}, edits, &diags.Diagnostics)
	if !result.Predicted || !result.NodesChange || len(result.Changes) != 1 || len(result.Changes[0].Starts) != 1 {
		t.Errorf("result: %+v", result)
	}
	if diags.WarningsCount() != 1 || !strings.Contains(diags.Warnings()[0].Detail(), "DaemonSet kube-system/fluentd starts on k8s-01") {
		t.Errorf("warnings: %v", diags)
	}
	// A DaemonSet planned later in this process predicts with the recorded labels.
	planned := c.Planned.Overlay(list.Nodes)
	if got := placement.Predict(&ds.Spec.Template.Spec, planned, placement.Options{}).Count(); got != 1 {
		t.Errorf("prediction with planned edits: %d pods, want 1", got)
	}
	// Nothing changes: quiet, and the DaemonSets are not listed again.
	var quiet diagnostics
	RecordAndWarn(context.Background(), c, "owner", "x", Inputs{Nodes: planned}, edits, &quiet.Diagnostics)
	if len(quiet.Diagnostics) != 0 {
		t.Errorf("no-op plan warned: %v", quiet)
	}
	countLists := func() int {
		n := 0
		for _, a := range cs.Actions() {
			if a.GetVerb() == "list" && a.GetResource().Resource == "daemonsets" {
				n++
			}
		}
		return n
	}
	lists := countLists()
	RecordAndWarn(context.Background(), c, "other", "y", Inputs{Nodes: list.Nodes}, edits, &quiet.Diagnostics)
	if countLists() != lists {
		t.Errorf("DaemonSets listed again in the same process")
	}
}

type diagnostics struct{ diag.Diagnostics }
