package nodetaint

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	corev1 "k8s.io/api/core/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodefield"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodeops"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/taintid"
)

// Observe returns the resource's taints on the node with live values, and what it still owns
// there, marked as the refresh saw it: a taint someone else removed is no longer ours, and
// neither is one they removed and set again.
func (w *writer) Observe(node *corev1.Node) (nodefield.Items, nodeops.Owned) {
	seen := nodefield.Items{}
	rec := nodeops.Owned{UID: node.UID, Marks: map[string]string{}, Version: node.ResourceVersion}
	for _, id := range w.ownedOn(node) {
		if t, ok := nodeops.FindTaint(node.Spec.Taints, id); ok {
			seen[id.String()] = t.Value
			rec.Items = append(rec.Items, id.String())
			rec.Marks[id.String()] = nodeops.TaintMark(t)
		}
	}
	return seen, rec
}

// ResolveImport fills in the taints' values; every imported taint is adopted on the nodes
// that have it.
func (taints) ResolveImport(_ context.Context, st *model, nodes []*corev1.Node) (nodeops.Ownership, diag.Diagnostics) {
	var diags diag.Diagnostics
	target, _ := st.Common().Target()
	tally := nodeops.Tally{}
	owned := nodeops.Ownership{}
	for _, s := range st.ids() {
		id, _ := taintid.Parse(s)
		for _, node := range nodes {
			if t, ok := nodeops.FindTaint(node.Spec.Taints, id); ok {
				tally.Add(s, t.Value, node.Name)
				owned.Put(node, append(owned[node.Name].Items, s))
			}
		}
	}
	majority, disagree := tally.Majority("taint")
	for _, text := range disagree {
		diags.AddWarning("Nodes disagree", text)
	}
	values := nodefield.Items(majority)
	for _, s := range st.ids() {
		if _, ok := values[s]; !ok {
			diags.AddError("Cannot import", nodeops.ForeignImportText("taint "+s, target))
		}
	}
	if diags.HasError() {
		return nil, diags
	}
	set, d := taintSet(fromIDs(values))
	diags.Append(d...)
	st.Taints = set
	return owned, diags
}
