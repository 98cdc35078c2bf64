package nodelabel

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodeops"
)

type model struct {
	ID            types.String   `tfsdk:"id"`
	NodeName      types.String   `tfsdk:"node_name"`
	LabelSelector types.String   `tfsdk:"label_selector"`
	Labels        types.Map      `tfsdk:"labels"`
	FieldManager  types.String   `tfsdk:"field_manager"`
	Force         types.Bool     `tfsdk:"force"`
	Nodes         types.List     `tfsdk:"nodes"`
	Timeouts      timeouts.Value `tfsdk:"timeouts"`
}

func (m *model) target() (nodeops.Target, bool) { return nodeops.TargetOf(m.NodeName, m.LabelSelector) }

// labels returns the label map; ok is false while it or a value is unknown.
func (m *model) labels(ctx context.Context) (map[string]string, bool, diag.Diagnostics) {
	if m.Labels.IsUnknown() || m.Labels.IsNull() {
		return nil, false, nil
	}
	for _, v := range m.Labels.Elements() {
		if v.IsUnknown() {
			return nil, false, nil
		}
	}
	out := map[string]string{}
	diags := m.Labels.ElementsAs(ctx, &out, false)
	return out, !diags.HasError(), diags
}

// nodes returns the node list; nil while unknown or null.
func (m *model) nodes(ctx context.Context) ([]string, diag.Diagnostics) {
	if m.Nodes.IsUnknown() || m.Nodes.IsNull() {
		return nil, nil
	}
	var out []string
	diags := m.Nodes.ElementsAs(ctx, &out, false)
	return out, diags
}

func (m *model) setNodes(ctx context.Context, names []string) diag.Diagnostics {
	if names == nil {
		names = []string{}
	}
	var diags diag.Diagnostics
	m.Nodes, diags = types.ListValueFrom(ctx, types.StringType, names)
	return diags
}

func (m *model) setLabels(ctx context.Context, labels map[string]string) diag.Diagnostics {
	var diags diag.Diagnostics
	m.Labels, diags = types.MapValueFrom(ctx, types.StringType, labels)
	return diags
}

func keysOf(labels map[string]string) []string {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	return keys
}
