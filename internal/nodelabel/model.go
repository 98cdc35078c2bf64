package nodelabel

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodefield"
)

type model struct {
	nodefield.Base
	Labels       types.Map    `tfsdk:"labels"`
	FieldManager types.String `tfsdk:"field_manager"`
}

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

func elements(m types.Map) map[string]string {
	out := map[string]string{}
	for k, v := range m.Elements() {
		if s, ok := v.(types.String); ok {
			out[k] = s.ValueString()
		}
	}
	return out
}
