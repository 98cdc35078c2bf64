package nodelabel

import (
	"context"
	"slices"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	corev1 "k8s.io/api/core/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodeops"
)

// prior is what a resource had set before this plan.
type prior struct {
	nodes   []string
	labels  map[string]string
	manager string
	adopted nodeops.Ownership
}

func priorOf(ctx context.Context, m *model, adopted nodeops.Ownership) (prior, diag.Diagnostics) {
	nodes, diags := m.nodes(ctx)
	labels, _, d := m.labels(ctx)
	diags.Append(d...)
	return prior{nodes: nodeops.Union(nodes, adopted.Nodes()), labels: labels, manager: m.FieldManager.ValueString(), adopted: adopted}, diags
}

// plannedEdits is what applying the plan does to each node: the wanted labels on every
// target, and on nodes the resource had labeled, the removal of labels it drops that no
// other manager keeps.
func plannedEdits(live map[string]*corev1.Node, targets []string, want map[string]string, p prior) map[string]kube.NodeEdit {
	edits := map[string]kube.NodeEdit{}
	for _, name := range targets {
		edits[name] = kube.NodeEdit{SetLabels: want}
	}
	for _, name := range p.nodes {
		node := live[name]
		if node == nil {
			continue
		}
		e, isTarget := edits[name]
		for k := range p.labels {
			if _, kept := want[k]; kept && isTarget {
				continue
			}
			if goesAway(node, k, p) {
				e.RemoveLabels = append(e.RemoveLabels, k)
			}
		}
		sort.Strings(e.RemoveLabels)
		edits[name] = e
	}
	return edits
}

// goesAway reports whether releasing the label removes it from the node: this resource is
// its only owner, or adopted it and it still has the value the resource set.
func goesAway(node *corev1.Node, key string, p prior) bool {
	live, ok := node.Labels[key]
	if !ok {
		return false
	}
	return nodeops.SoleOwner(node, key, p.manager) || (slices.Contains(p.adopted[node.Name], key) && live == p.labels[key])
}

// owner identifies the resource in the node cache's record of planned edits.
func owner(t nodeops.Target, keys []string) string {
	return "k8sfleet_node_label " + nodeops.FormatID(t, keys)
}
