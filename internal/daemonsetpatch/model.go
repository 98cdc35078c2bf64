package daemonsetpatch

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/daemonset"
)

// target is the namespace and name of the DaemonSet the patch changes.
func (m *model) target() (namespace, name string) {
	attrs := m.Metadata.Attributes()
	ns, _ := attrs["namespace"].(types.String)
	n, _ := attrs["name"].(types.String)
	return ns.ValueString(), n.ValueString()
}

// metadataOf is the metadata value of a DaemonSet.
func metadataOf(namespace, name string) types.Object {
	return types.ObjectValueMust(metadataAttrTypes, map[string]attr.Value{
		"name": types.StringValue(name), "namespace": types.StringValue(namespace)})
}

var metadataAttrTypes = map[string]attr.Type{"name": types.StringType, "namespace": types.StringType}

// model is the resource's Terraform value.
type model struct {
	ID       types.String `tfsdk:"id"`
	Metadata types.Object `tfsdk:"metadata"`
	daemonset.Prediction
	Spec         types.Object `tfsdk:"spec"`
	FieldManager types.String `tfsdk:"field_manager"`
	Force        types.Bool   `tfsdk:"force"`
}
