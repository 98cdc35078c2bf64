package nodetaint

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/samerun"
)

// Releases lists the identities of the taints the resource owns on the node ("key:Effect"): a
// refresh records them, so that a later plan computes its edits without the node.
func (w *writer) Releases(name string, live *corev1.Node) []string {
	ids := w.ownedOnName(name, live)
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return out
}

// Edit is what applying the plan does to a node: the wanted taints on a target, and the
// removal of the released taints it no longer wants.
func (w *writer) Edit(target bool, releases []string) samerun.Edit {
	var e samerun.Edit
	if target {
		e.AddTaints = w.want
	}
	wanted := byID(w.want)
	for _, id := range parseIDs(releases) {
		if _, kept := wanted[id.String()]; kept && target {
			continue
		}
		e.RemoveTaints = append(e.RemoveTaints, corev1.Taint{Key: id.Key, Effect: id.Effect})
	}
	return e
}
