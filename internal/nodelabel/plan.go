package nodelabel

import (
	"slices"
	"sort"

	corev1 "k8s.io/api/core/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/managedfields"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/samerun"
)

// Releases lists the prior labels that releasing the resource's ownership removes from the
// node: a refresh records them, so that a later plan computes its edits without the node.
func (w *writer) Releases(_ string, live *corev1.Node) []string {
	if live == nil {
		return nil
	}
	var out []string
	for k := range w.prior {
		if w.goesAway(live, k) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// Edit is what applying the plan does to a node: the wanted labels on a target, and the
// removal of the released labels it no longer wants.
func (w *writer) Edit(target bool, releases []string) samerun.Edit {
	var e samerun.Edit
	if target {
		e.SetLabels = w.want
	}
	for _, k := range releases {
		if _, kept := w.want[k]; kept && target {
			continue
		}
		e.RemoveLabels = append(e.RemoveLabels, k)
	}
	return e
}

// goesAway reports whether releasing the label removes it from the node: this resource is
// its only owner, or adopted it and it still has the value the resource set.
func (w *writer) goesAway(node *corev1.Node, key string) bool {
	live, ok := node.Labels[key]
	if !ok {
		return false
	}
	manager := w.manager
	if w.oldManager != "" {
		manager = w.oldManager
	}
	return managedfields.SoleOwner(node, key, manager) || (slices.Contains(w.adopted.On(node), key) && live == w.prior[key])
}
