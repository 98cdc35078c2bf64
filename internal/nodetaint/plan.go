package nodetaint

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
)

// Edit is what applying the plan does to a node: the wanted taints on a target, and on a
// node the resource had tainted, the removal of its taints that it drops.
func (w *writer) Edit(name string, live *corev1.Node, target bool) kube.NodeEdit {
	var e kube.NodeEdit
	if target {
		e.AddTaints = w.want
	}
	wanted := byID(w.want)
	for _, id := range w.ownedOnName(name, live) {
		if _, kept := wanted[id.String()]; kept && target {
			continue
		}
		e.RemoveTaints = append(e.RemoveTaints, corev1.Taint{Key: id.Key, Effect: id.Effect})
	}
	return e
}
