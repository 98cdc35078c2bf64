package nodetaint

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	corev1 "k8s.io/api/core/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodeops"
)

// observe returns the taints the resource owns on each node, with live values, and the
// record of what it still owns (a taint someone else removed is no longer ours).
func observe(nodes map[string]*corev1.Node, w *writer) (map[string]map[nodeops.TaintID]string, nodeops.Ownership) {
	observed := map[string]map[nodeops.TaintID]string{}
	owned := nodeops.Ownership{}
	for name, node := range nodes {
		seen := map[nodeops.TaintID]string{}
		for _, id := range w.ownedOn(name) {
			if t, ok := nodeops.FindTaint(node.Spec.Taints, id); ok {
				seen[id] = t.Value
				owned[name] = append(owned[name], id.String())
			}
		}
		observed[name] = seen
	}
	return observed, owned
}

// resolveImport fills in what `terraform import` cannot know from the ID: the nodes and the
// taints' values. Every imported taint is adopted on the nodes that have it.
func resolveImport(ctx context.Context, st *model, target nodeops.Target, all []*corev1.Node) (nodeops.Ownership, diag.Diagnostics) {
	var diags diag.Diagnostics
	names, exists, err := target.Resolve(all)
	if err != nil || !exists {
		diags.AddError("Cannot import", nodeops.MissingNodesText(names))
		return nil, diags
	}
	byName := nodeops.ByName(all)
	values := map[nodeops.TaintID]string{}
	owned := nodeops.Ownership{}
	for _, s := range st.ids() {
		id, _ := nodeops.ParseTaintID(s)
		for _, name := range names {
			if t, ok := nodeops.FindTaint(byName[name].Spec.Taints, id); ok {
				if _, seen := values[id]; !seen {
					values[id] = t.Value
				}
				owned[name] = append(owned[name], s)
			}
		}
		if _, ok := values[id]; !ok {
			diags.AddError("Cannot import", nodeops.ForeignImportText("taint "+s, target))
		}
	}
	if diags.HasError() {
		return nil, diags
	}
	diags.Append(st.setTaints(fromIDs(values))...)
	diags.Append(st.setNodes(ctx, names)...)
	return owned, diags
}
