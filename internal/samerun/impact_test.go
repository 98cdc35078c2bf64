package samerun

import (
	"reflect"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/placement"
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

func taint(key, value string, effect corev1.TaintEffect) corev1.Taint {
	return corev1.Taint{Key: key, Value: value, Effect: effect}
}

const (
	noSchedule = corev1.TaintEffectNoSchedule
	noExecute  = corev1.TaintEffectNoExecute
)

func TestChangedIgnoresNoOps(t *testing.T) {
	live := []*corev1.Node{node("k8s-01", map[string]string{"logger": "fluentd"}, taint("gpu", "true", noSchedule))}
	edits := map[string]Edit{"k8s-01": {SetLabels: map[string]string{"logger": "fluentd"}, AddTaints: []corev1.Taint{taint("gpu", "true", noSchedule)}}}
	if before, _ := Changed(live, edits); len(before) != 0 {
		t.Errorf("an edit that changes nothing counts: %v", before)
	}
}

// TestImpactFromSnapshot: the impact computed from packed placements is the one from the
// DaemonSets, and the NoExecute stop of a tolerating-nothing agent counts as an eviction.
func TestImpactFromSnapshot(t *testing.T) {
	dss := []appsv1.DaemonSet{
		daemonSet("agent", corev1.PodSpec{Containers: []corev1.Container{{Name: "a", Image: "x"}}}),
		daemonSet("agent-copy", corev1.PodSpec{Containers: []corev1.Container{{Name: "b", Image: "y"}}}),
		daemonSet("gpu", corev1.PodSpec{NodeSelector: map[string]string{"gpu": "true"},
			Tolerations: []corev1.Toleration{{Key: "maint", Operator: corev1.TolerationOpExists}}}),
	}
	raw, err := PackPlacements(Placements(dss))
	if err != nil {
		t.Fatal(err)
	}
	got, err := UnpackPlacements(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, Placements(dss)) {
		t.Fatalf("round trip: %+v", got)
	}
	live := []*corev1.Node{node("n1", map[string]string{"gpu": "true"}), node("n2", nil)}
	edits := map[string]Edit{
		"n1": {AddTaints: []corev1.Taint{taint("maint", "", noExecute)}},
		"n2": {SetLabels: map[string]string{"gpu": "true"}},
	}
	before, after := Changed(live, edits)
	changes := ComputeImpact(got, before, after, placement.Options{})
	want := []DaemonSetChange{
		{DaemonSet: "kube-system/agent", Stops: []string{"n1"}, Evicted: 1},
		{DaemonSet: "kube-system/agent-copy", Stops: []string{"n1"}, Evicted: 1},
		{DaemonSet: "kube-system/gpu", Starts: []string{"n2"}},
	}
	if !reflect.DeepEqual(changes, want) {
		t.Errorf("got %+v\nwant %+v", changes, want)
	}
}

// TestImpactOfKeptPods: a pod kept on a node under a NoSchedule taint added after it started
// does not start again when the taint goes, survives the packing, and a NoExecute taint on
// that node still evicts it.
func TestImpactOfKeptPods(t *testing.T) {
	foo := taint("foo", "bar", noSchedule)
	tainted := []*corev1.Node{node("w-01", nil, foo), node("w-02", nil, foo)}
	untainted := []*corev1.Node{node("w-01", nil), node("w-02", nil)}
	pods := map[string]bool{"w-01": true}
	dss := Placements([]appsv1.DaemonSet{daemonSet("agent", corev1.PodSpec{})})
	find := func(name string) *corev1.Node {
		for _, n := range tainted {
			if n.Name == name {
				return n
			}
		}
		return nil
	}
	dss[0].Kept = Kept(&dss[0].Spec, pods, find, false)
	if !reflect.DeepEqual(dss[0].Kept, []string{"w-01"}) {
		t.Fatalf("kept = %v, want [w-01]", dss[0].Kept)
	}
	raw, err := PackPlacements(dss)
	if err != nil {
		t.Fatal(err)
	}
	if dss, err = UnpackPlacements(raw); err != nil {
		t.Fatal(err)
	}
	want := []DaemonSetChange{{DaemonSet: "kube-system/agent", Starts: []string{"w-02"}}}
	if got := ComputeImpact(dss, tainted, untainted, placement.Options{}); !reflect.DeepEqual(got, want) {
		t.Errorf("removing the taint: %+v, want %+v", got, want)
	}
	evicting := []*corev1.Node{node("w-01", nil, foo, taint("gpu", "true", noExecute)), node("w-02", nil, foo)}
	want = []DaemonSetChange{{DaemonSet: "kube-system/agent", Stops: []string{"w-01"}, Evicted: 1}}
	if got := ComputeImpact(dss, tainted, evicting, placement.Options{}); !reflect.DeepEqual(got, want) {
		t.Errorf("a NoExecute taint: %+v, want %+v", got, want)
	}
}

// TestStoreClaim: the first owner of a claim on a node keeps it; the same owner may claim
// again (the re-plan during apply); other nodes and other claims are separate.
func TestStoreClaim(t *testing.T) {
	s := NewStore()
	if other := s.Claim("a", "n1", "field manager m"); other != "" {
		t.Fatalf("first claim: %q", other)
	}
	if other := s.Claim("a", "n1", "field manager m"); other != "" {
		t.Fatalf("same owner again: %q", other)
	}
	if other := s.Claim("b", "n1", "field manager m"); other != "a" {
		t.Fatalf("second owner: %q, want a", other)
	}
	if other := s.Claim("b", "n2", "field manager m"); other != "" {
		t.Fatalf("another node: %q", other)
	}
	if other := s.Claim("b", "n1", "field manager x"); other != "" {
		t.Fatalf("another claim: %q", other)
	}
}
