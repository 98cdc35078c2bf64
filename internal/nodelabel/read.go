package nodelabel

import (
	"context"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodeops"
)

// observe returns the labels the resource owns on each node: those its field manager owns,
// and adopted ones still on the node.
func observe(nodes map[string]*corev1.Node, manager string, adopted nodeops.Ownership) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	for name, node := range nodes {
		owned := nodeops.AppliedLabels(node, manager)
		for _, k := range adopted[name] {
			if v, ok := node.Labels[k]; ok {
				owned[k] = v
			}
		}
		out[name] = owned
	}
	return out, nil
}

// resolveImport fills in what `terraform import` cannot know from the ID: the nodes, the
// labels' values and the field manager. When one k8sfleet manager owns every imported label
// (this resource's state was lost), it is reused; otherwise the labels are adopted.
func resolveImport(st *model, target nodeops.Target, all []*corev1.Node) (nodeops.Ownership, diag.Diagnostics) {
	var diags diag.Diagnostics
	keys := keysOf(elements(st.Labels))
	slices.Sort(keys)
	names, exists, err := target.Resolve(all)
	if err != nil || !exists {
		diags.AddError("Cannot import", nodeops.MissingNodesText(names))
		return nil, diags
	}
	byName := nodeops.ByName(all)
	values := map[string]string{}
	var candidates []string
	first := true
	for _, name := range names {
		node := byName[name]
		owners := nodeops.LabelOwners(node)
		for _, k := range keys {
			v, ok := node.Labels[k]
			if !ok {
				continue
			}
			if _, seen := values[k]; !seen {
				values[k] = v
			}
			var ours []string
			for _, o := range owners[k] {
				if o.Operation == metav1.ManagedFieldsOperationApply && strings.HasPrefix(o.Manager, nodeops.FieldManagerPrefix) {
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
		manager = nodeops.GeneratedManager("label", target, values)
		for _, name := range names {
			for _, k := range keys {
				if _, ok := byName[name].Labels[k]; ok {
					adopted[name] = append(adopted[name], k)
				}
			}
		}
	}
	st.FieldManager = types.StringValue(manager)
	st.Force = types.BoolValue(false)
	diags.Append(st.setLabels(context.Background(), values)...)
	diags.Append(st.setNodes(context.Background(), names)...)
	return adopted, diags
}

func elements(m types.Map) map[string]string {
	out := map[string]string{}
	for k, v := range m.Elements() {
		if s, ok := v.(types.String); ok {
			out[k] = s.ValueString()
		}
	}
	return out
}
