package nodeops

import (
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/taintid"
)

// TaintPlan is the outcome of merging this resource's taints into a node's list.
type TaintPlan struct {
	// Taints is the node's new list; nil when nothing changes.
	Taints []corev1.Taint
	// Foreign lists wanted taints whose identity is already on the node but not owned by
	// this resource: a conflict unless force.
	Foreign []corev1.Taint
	// Owned is what the resource owns after the write: the wanted identities.
	Owned []taintid.ID
}

// MergeTaints computes a node's new taints: taints owned by this resource that are no
// longer wanted are removed, wanted ones are added or get the wanted value, and every
// other taint keeps its place and value. Identity is key and effect.
func MergeTaints(live []corev1.Taint, owned []taintid.ID, want []corev1.Taint, now time.Time) TaintPlan {
	var p TaintPlan
	wanted := map[taintid.ID]corev1.Taint{}
	for _, t := range want {
		wanted[taintid.Of(t)] = t
		p.Owned = append(p.Owned, taintid.Of(t))
	}
	taintid.Sort(p.Owned)
	out := make([]corev1.Taint, 0, len(live)+len(want))
	seen := map[taintid.ID]bool{}
	changed := false
	for _, t := range live {
		id := taintid.Of(t)
		w, isWanted := wanted[id]
		switch {
		case isWanted && !seen[id]:
			seen[id] = true
			if !slices.Contains(owned, id) {
				p.Foreign = append(p.Foreign, t)
			}
			if t.Value != w.Value {
				t.Value = w.Value
				changed = true
			}
			out = append(out, t)
		case isWanted:
			changed = true // a duplicate identity: keep only the first
		case slices.Contains(owned, id):
			changed = true
		default:
			out = append(out, t)
		}
	}
	for _, t := range want {
		if seen[taintid.Of(t)] {
			continue
		}
		if t.Effect == corev1.TaintEffectNoExecute {
			// As kubectl and the node lifecycle controller do; tolerationSeconds counts from it.
			added := metav1.NewTime(now)
			t.TimeAdded = &added
		}
		out = append(out, t)
		changed = true
	}
	if changed {
		p.Taints = out
	}
	return p
}

// TaintMark is what tells a taint from the same key and effect removed and set again: its
// value and the time it was added (NoExecute taints carry one).
func TaintMark(t corev1.Taint) string {
	mark := "value=" + t.Value
	if t.TimeAdded != nil {
		mark += " added=" + t.TimeAdded.UTC().Format(time.RFC3339)
	}
	return mark
}

// FindTaint returns the node's taint with the identity.
func FindTaint(taints []corev1.Taint, id taintid.ID) (corev1.Taint, bool) {
	for _, t := range taints {
		if taintid.Of(t) == id {
			return t, true
		}
	}
	return corev1.Taint{}, false
}
