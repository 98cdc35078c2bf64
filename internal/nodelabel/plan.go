package nodelabel

import (
	"slices"
	"sort"

	corev1 "k8s.io/api/core/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodeops"
)

// Edit is what applying the plan does to a node: the wanted labels on a target, and on a
// node the resource had labeled, the removal of labels it drops that no other manager keeps.
func (w *writer) Edit(_ string, live *corev1.Node, target bool) kube.NodeEdit {
	var e kube.NodeEdit
	if target {
		e.SetLabels = w.want
	}
	if live == nil {
		return e
	}
	for k := range w.prior {
		if _, kept := w.want[k]; kept && target {
			continue
		}
		if w.goesAway(live, k) {
			e.RemoveLabels = append(e.RemoveLabels, k)
		}
	}
	sort.Strings(e.RemoveLabels)
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
	return nodeops.SoleOwner(node, key, manager) || (slices.Contains(w.adopted.On(node), key) && live == w.prior[key])
}
