package nodetaint

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	corev1 "k8s.io/api/core/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodeops"
)

// prior is what a resource had set before this plan.
type prior struct {
	nodes  []string
	taints []corev1.Taint
	owned  nodeops.Ownership
	ids    []string
}

func priorOf(ctx context.Context, m *model, owned nodeops.Ownership) (prior, diag.Diagnostics) {
	nodes, diags := m.nodes(ctx)
	taints, _, d := m.taints(ctx)
	diags.Append(d...)
	return prior{nodes: nodeops.Union(nodes, owned.Nodes()), taints: taints, owned: owned, ids: m.ids()}, diags
}

func (p prior) writer(c *kube.Client, force bool, want []corev1.Taint) *writer {
	return &writer{client: c, force: force, want: want, owned: p.owned, fallback: p.ids}
}

// plannedEdits is what applying the plan does to each node: the wanted taints on every
// target, and on nodes the resource had tainted, the removal of its taints it drops.
func plannedEdits(targets []string, want []corev1.Taint, p prior) map[string]kube.NodeEdit {
	w := p.writer(nil, false, want)
	edits := map[string]kube.NodeEdit{}
	for _, name := range targets {
		edits[name] = kube.NodeEdit{AddTaints: want}
	}
	wanted := byID(want)
	for _, name := range p.nodes {
		e, isTarget := edits[name]
		for _, id := range w.ownedOn(name) {
			if _, kept := wanted[id]; kept && isTarget {
				continue
			}
			e.RemoveTaints = append(e.RemoveTaints, corev1.Taint{Key: id.Key, Effect: id.Effect})
		}
		edits[name] = e
	}
	return edits
}

// owner identifies the resource in the node cache's record of planned edits.
func owner(t nodeops.Target, ids []string) string {
	return "k8sfleet_node_taint " + nodeops.FormatID(t, ids)
}
