package placement

import (
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// TestSettle crosses the update strategies with template changes and the situations in which
// the pods that run differ from what the controller's rule alone says.
func TestSettle(t *testing.T) {
	foo := taint("foo", "bar", noSchedule)
	evict := taint("gpu", "true", noExecute)
	selected := map[string]string{"a": "1"}
	plain := &corev1.PodSpec{}
	selecting := &corev1.PodSpec{NodeSelector: selected}

	type situation struct {
		name          string
		spec          *corev1.PodSpec
		before, after []*corev1.Node
		// running maps a node to its pod now; oldPods makes every pod one of an older template.
		running Running
	}
	situations := map[string]situation{
		"kept under NoSchedule": {"kept under NoSchedule", plain,
			[]*corev1.Node{node("n1", nil, foo)}, []*corev1.Node{node("n1", nil, foo)}, Running{"n1": CurrentPod}},
		"selector no longer matches": {"selector no longer matches", selecting,
			[]*corev1.Node{node("n1", selected)}, []*corev1.Node{node("n1", nil)}, nil},
		"untolerated NoExecute": {"untolerated NoExecute", plain,
			[]*corev1.Node{node("n1", nil)}, []*corev1.Node{node("n1", nil, evict)}, nil},
		"new node": {"new node", plain, nil, []*corev1.Node{node("n1", nil)}, Running{}},
		"desired without a pod": {"desired without a pod", plain,
			[]*corev1.Node{node("n1", nil)}, []*corev1.Node{node("n1", nil)}, Running{}},
	}
	const (
		rolling = "RollingUpdate"
		onDel   = "OnDelete"
		switchd = "OnDelete to RollingUpdate" // the pods that run are of an older template
	)
	removedByRollout := &NodeChange{"n1", -1, "rollout removes the pod (taint foo=bar:NoSchedule is not tolerated)"}
	selector := &NodeChange{"n1", -1, "node selector does not match (a=1)"}
	evicted := &NodeChange{"n1", -1, "evicted by untolerated taint gpu=true:NoExecute"}
	joins := &NodeChange{"n1", 1, "node joins"}
	tests := []struct {
		situation, strategy string
		templateChanged     bool
		want                *NodeChange
		keptOld             int
	}{
		{"kept under NoSchedule", rolling, true, removedByRollout, 0},
		{"kept under NoSchedule", rolling, false, nil, 0},
		{"kept under NoSchedule", onDel, true, nil, 1},
		{"kept under NoSchedule", onDel, false, nil, 0},
		{"kept under NoSchedule", switchd, true, removedByRollout, 0},
		{"kept under NoSchedule", switchd, false, removedByRollout, 0},
		{"selector no longer matches", rolling, true, selector, 0},
		{"selector no longer matches", rolling, false, selector, 0},
		{"selector no longer matches", onDel, true, selector, 0},
		{"selector no longer matches", onDel, false, selector, 0},
		{"selector no longer matches", switchd, true, selector, 0},
		{"selector no longer matches", switchd, false, selector, 0},
		{"untolerated NoExecute", rolling, true, evicted, 0},
		{"untolerated NoExecute", rolling, false, evicted, 0},
		{"untolerated NoExecute", onDel, true, evicted, 0},
		{"untolerated NoExecute", onDel, false, evicted, 0},
		{"untolerated NoExecute", switchd, true, evicted, 0},
		{"untolerated NoExecute", switchd, false, evicted, 0},
		{"new node", rolling, true, joins, 0},
		{"new node", rolling, false, joins, 0},
		{"new node", onDel, true, joins, 0},
		{"new node", onDel, false, joins, 0},
		{"new node", switchd, true, joins, 0},
		{"new node", switchd, false, joins, 0},
		{"desired without a pod", rolling, true, nil, 0},
		{"desired without a pod", rolling, false, nil, 0},
		{"desired without a pod", onDel, true, nil, 0},
		{"desired without a pod", onDel, false, nil, 0},
		{"desired without a pod", switchd, true, nil, 0},
		{"desired without a pod", switchd, false, nil, 0},
	}
	for _, test := range tests {
		s := situations[test.situation]
		name := test.situation + "/" + test.strategy
		if test.templateChanged {
			name += "/template changed"
		}
		t.Run(name, func(t *testing.T) {
			running := s.running
			update := Update{TemplateChanged: test.templateChanged}
			switch test.strategy {
			case onDel:
				update.Strategy = OnDelete
			case switchd:
				if running == nil {
					running = Running{}
					for _, d := range Predict(s.spec, s.before, Options{}).Decisions {
						if d.ShouldRun {
							running[d.Node] = CurrentPod
						}
					}
				}
				old := Running{}
				for n, p := range running {
					if p != NoPod {
						old[n] = OldPod
					}
				}
				running = old
			}
			before := Predict(s.spec, s.before, Options{})
			out := Settle(&before, running, Predict(s.spec, s.after, Options{}), update)
			var want []NodeChange
			if test.want != nil {
				want = []NodeChange{*test.want}
			}
			if !reflect.DeepEqual(out.Changes, want) {
				t.Errorf("changes = %+v, want %+v", out.Changes, want)
			}
			if out.KeptOld != test.keptOld {
				t.Errorf("kept old = %d, want %d", out.KeptOld, test.keptOld)
			}
			if got, want := out.After-out.Running, delta(test.want); got != want {
				t.Errorf("pods %d -> %d, want a change of %d", out.Running, out.After, want)
			}
		})
	}
}

func delta(c *NodeChange) int {
	if c == nil {
		return 0
	}
	return c.Delta
}

// TestSettle_counts checks the header's figures on a fleet with a kept pod and an OnDelete change.
func TestSettle_counts(t *testing.T) {
	foo := taint("foo", "bar", noSchedule)
	nodes := []*corev1.Node{node("w-01", nil), node("w-02", nil), node("w-03", nil, foo)}
	before := Predict(&corev1.PodSpec{}, nodes, Options{})
	running := Running{"w-01": CurrentPod, "w-02": CurrentPod, "w-03": CurrentPod}

	rolled := Settle(&before, running, before, Update{TemplateChanged: true})
	if rolled.Running != 3 || rolled.After != 2 || rolled.Desired != 2 || rolled.Replaced != 2 || rolled.MisplacedNow != 1 {
		t.Errorf("rolling update: %+v", rolled)
	}
	if got, want := rolled.Notes(), []string{"now: desired 2, running 3; 1 pod on nodes it would not place one on"}; !reflect.DeepEqual(got, want) {
		t.Errorf("notes = %q, want %q", got, want)
	}

	kept := Settle(&before, running, before, Update{TemplateChanged: true, Strategy: OnDelete})
	if kept.Running != 3 || kept.After != 3 || kept.KeptOld != 3 || kept.Replaced != 0 || kept.Misplaced != 1 || len(kept.Changes) != 0 {
		t.Errorf("OnDelete: %+v", kept)
	}
	wantNotes := []string{
		"now: desired 2, running 3; 1 pod on nodes it would not place one on",
		"after: 1 pod keep running on nodes the controller would not place one on (desired 2, running 3)",
		"OnDelete: 0 replaced, 3 keep the old template until their pods are deleted",
	}
	if got := kept.Notes(); !reflect.DeepEqual(got, wantNotes) {
		t.Errorf("notes = %q, want %q", got, wantNotes)
	}

	created := Settle(nil, nil, before, Update{TemplateChanged: true})
	if created.Running != 0 || created.After != 2 || created.DesiredNow != -1 || len(created.Changes) != 2 || created.Notes() != nil {
		t.Errorf("create: %+v", created)
	}
}

// TestSettle_starts: the pods the controller creates are the scheduler's to place: new nodes,
// replacements of a rolling update, and pods missing where the controller places one.
func TestSettle_starts(t *testing.T) {
	foo := taint("foo", "bar", noSchedule)
	nodes := []*corev1.Node{node("w-01", nil), node("w-02", nil), node("w-03", nil, foo), node("w-04", nil)}
	before := Predict(&corev1.PodSpec{}, nodes[:3], Options{})
	after := Predict(&corev1.PodSpec{}, nodes, Options{})
	running := Running{"w-01": CurrentPod, "w-03": CurrentPod}

	cases := []struct {
		name   string
		update Update
		want   []Start
	}{
		{"template changed, rolling update", Update{TemplateChanged: true},
			[]Start{{Node: "w-01", Replaces: true}, {Node: "w-02", Missing: true}, {Node: "w-04"}}},
		{"template unchanged", Update{}, []Start{{Node: "w-02", Missing: true}, {Node: "w-04"}}},
		{"OnDelete", Update{TemplateChanged: true, Strategy: OnDelete}, []Start{{Node: "w-02", Missing: true}, {Node: "w-04"}}},
	}
	for _, c := range cases {
		if got := Settle(&before, running, after, c.update).Starts; !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: starts %+v, want %+v", c.name, got, c.want)
		}
	}
	if got := Settle(nil, nil, after, Update{TemplateChanged: true}).Starts; len(got) != 3 {
		t.Errorf("create: starts %+v, want w-01, w-02 and w-04", got)
	}
}
