package nodelabel

import (
	"context"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kubeattr"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/managedfields"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodefield"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodeops"
)

// Observe returns the labels the resource owns on the node, those of its keys that its field
// manager owns and adopted ones still there, and the adopted ones. Other keys of the manager
// are another resource's, whatever the manager says.
func (w *writer) Observe(node *corev1.Node) (nodefield.Items, nodeops.Owned) {
	owned := managedfields.AppliedLabels(node, w.manager)
	for k := range owned {
		if _, ok := w.prior[k]; !ok {
			delete(owned, k)
		}
	}
	var adopted []string
	for _, k := range w.adopted.On(node) {
		if v, ok := node.Labels[k]; ok {
			owned[k] = v
			adopted = append(adopted, k)
		}
	}
	return owned, nodeops.Owned{UID: node.UID, Items: adopted}
}

// ResolveImport fills in what `terraform import` cannot know from the ID: the labels' values
// and the field manager. When one k8sfleet manager owns every imported label (this
// resource's state was lost), it is reused; otherwise the labels are adopted under a new one.
func (labels) ResolveImport(ctx context.Context, st *model, nodes []*corev1.Node) (nodeops.Ownership, diag.Diagnostics) {
	var diags diag.Diagnostics
	target, _ := st.Common().Target()
	keys := nodefield.Items(elements(st.Labels)).Keys()
	tally := nodeops.Tally{}
	var candidates []string
	first := true
	for _, node := range nodes {
		owners := managedfields.LabelOwners(node)
		for _, k := range keys {
			v, ok := node.Labels[k]
			if !ok {
				continue
			}
			tally.Add(k, v, node.Name)
			var ours []string
			for _, o := range owners[k] {
				if o.Operation == metav1.ManagedFieldsOperationApply && strings.HasPrefix(o.Manager, kubeattr.FieldManagerPrefix) {
					ours = append(ours, o.Manager)
				}
			}
			if first {
				candidates, first = ours, false
			} else {
				candidates = slices.DeleteFunc(candidates, func(m string) bool { return !slices.Contains(ours, m) })
			}
		}
	}
	values, disagree := tally.Majority("label")
	for _, text := range disagree {
		diags.AddWarning("Nodes disagree", text)
	}
	for _, k := range keys {
		if _, ok := values[k]; !ok {
			diags.AddError("Cannot import", nodeops.ForeignImportText("label "+k, target))
		}
	}
	if diags.HasError() {
		return nil, diags
	}
	adopted := nodeops.Ownership{}
	manager := ""
	if len(candidates) == 1 {
		manager = candidates[0]
	} else {
		manager = RandomManager()
		for _, node := range nodes {
			var have []string
			for _, k := range keys {
				if _, ok := node.Labels[k]; ok {
					have = append(have, k)
				}
			}
			adopted.Put(node, have)
		}
	}
	st.FieldManager = types.StringValue(manager)
	v, d := types.MapValueFrom(ctx, types.StringType, values)
	diags.Append(d...)
	st.Labels = v
	return adopted, diags
}
