package daemonset

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var metadataAttrTypes = map[string]attr.Type{
	"name":        types.StringType,
	"namespace":   types.StringType,
	"labels":      types.MapType{ElemType: types.StringType},
	"annotations": types.MapType{ElemType: types.StringType},
	"uid":         types.StringType,
}

// model is the resource's Terraform value.
type model struct {
	ID                 types.String   `tfsdk:"id"`
	Metadata           types.Object   `tfsdk:"metadata"`
	Spec               types.Object   `tfsdk:"spec"`
	FieldManager       types.String   `tfsdk:"field_manager"`
	Force              types.Bool     `tfsdk:"force"`
	WaitForRollout     types.Bool     `tfsdk:"wait_for_rollout"`
	PlacementChanges   types.Map      `tfsdk:"placement_changes"`
	ExpectedPodCount   types.Int64    `tfsdk:"expected_pod_count"`
	ExcludedNodeCounts types.Map      `tfsdk:"excluded_node_counts"`
	Timeouts           timeouts.Value `tfsdk:"timeouts"`
}

type metadataModel struct {
	Name        types.String `tfsdk:"name"`
	Namespace   types.String `tfsdk:"namespace"`
	Labels      types.Map    `tfsdk:"labels"`
	Annotations types.Map    `tfsdk:"annotations"`
	UID         types.String `tfsdk:"uid"`
}

// uid is the uid of the object this state was read from or written to; empty after an import
// until the first refresh.
func (m *model) uid(ctx context.Context) string {
	if m.Metadata.IsNull() || m.Metadata.IsUnknown() {
		return ""
	}
	var meta metadataModel
	if diags := m.Metadata.As(ctx, &meta, objectAsOptions); diags.HasError() {
		return ""
	}
	return meta.UID.ValueString()
}
