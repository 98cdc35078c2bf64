package samerun

import (
	"slices"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/placement"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/taintid"
)

// DaemonSetChange says where one DaemonSet's pods start and stop; Evicted counts the stops
// that an untolerated NoExecute taint causes (the controller deletes the running pod).
type DaemonSetChange struct {
	DaemonSet     string
	Starts, Stops []string
	Evicted       int
}

// Changed returns the nodes an edit really changes, each as it is now and as it will be.
func Changed(live []*corev1.Node, edits map[string]Edit) (before, after []*corev1.Node) {
	for _, n := range live {
		e, ok := edits[n.Name]
		if !ok {
			continue
		}
		cp := n.DeepCopy()
		e.ApplyTo(cp)
		if !equality.Semantic.DeepEqual(n.Labels, cp.Labels) || !sameTaints(n.Spec.Taints, cp.Spec.Taints) {
			before, after = append(before, n), append(after, cp)
		}
	}
	return before, after
}

func sameTaints(a, b []corev1.Taint) bool {
	if len(a) != len(b) {
		return false
	}
	for _, t := range a {
		if u, ok := findTaint(b, t); !ok || u.Value != t.Value {
			return false
		}
	}
	return true
}

// findTaint returns the taint of t's identity in ts.
func findTaint(ts []corev1.Taint, t corev1.Taint) (corev1.Taint, bool) {
	for _, x := range ts {
		if taintid.Same(x, t) {
			return x, true
		}
	}
	return corev1.Taint{}, false
}

// ComputeImpact compares DaemonSet placement on the changed nodes before and after, with the
// placement package (the DaemonSet controller's rule), from the pods that run before: where
// the template places them and where they were kept. It reads nothing but its arguments, so a
// plan computed from a refresh's snapshot is the same at apply.
func ComputeImpact(dss []DaemonSetPlacement, before, after []*corev1.Node, opts placement.Options) []DaemonSetChange {
	var changes []DaemonSetChange
	for i := range dss {
		t := placement.Compile(&dss[i].Spec, opts)
		prior := t.Predict(before)
		var running placement.Running
		if len(dss[i].Kept) > 0 {
			running = placement.Running{}
			for _, d := range prior.Decisions {
				if d.ShouldRun || slices.Contains(dss[i].Kept, d.Node) {
					running[d.Node] = placement.CurrentPod
				}
			}
		}
		change := DaemonSetChange{DaemonSet: dss[i].Name}
		for _, c := range placement.Settle(&prior, running, t.Predict(after), placement.Update{}).Changes {
			if c.Delta > 0 {
				change.Starts = append(change.Starts, c.Node)
				continue
			}
			change.Stops = append(change.Stops, c.Node)
			if strings.HasPrefix(c.Reason, placement.ReasonEvicted) {
				change.Evicted++
			}
		}
		if len(change.Starts)+len(change.Stops) > 0 {
			changes = append(changes, change)
		}
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].DaemonSet < changes[j].DaemonSet })
	return changes
}
