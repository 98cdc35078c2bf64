package nodes

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	corev1 "k8s.io/api/core/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kubeattr"
)

// model is the data source's Terraform value.
type model struct {
	LabelSelector types.String `tfsdk:"label_selector"`
	Names         types.List   `tfsdk:"names"`
	Nodes         []nodeModel  `tfsdk:"nodes"`
}

type nodeModel struct {
	Name          types.String `tfsdk:"name"`
	Labels        types.Map    `tfsdk:"labels"`
	Taints        types.List   `tfsdk:"taints"`
	Unschedulable types.Bool   `tfsdk:"unschedulable"`
	Ready         types.Bool   `tfsdk:"ready"`
}

// toModel is one node as the data source shows it.
func toModel(ctx context.Context, n *corev1.Node) (nodeModel, diag.Diagnostics) {
	labelsV, diags := types.MapValueFrom(ctx, types.StringType, n.Labels)
	taints, d2 := kubeattr.TaintList(n.Spec.Taints)
	diags.Append(d2...)
	ready := false
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			ready = c.Status == corev1.ConditionTrue
		}
	}
	return nodeModel{
		Name:          types.StringValue(n.Name),
		Labels:        labelsV,
		Taints:        taints,
		Unschedulable: types.BoolValue(n.Spec.Unschedulable),
		Ready:         types.BoolValue(ready),
	}, diags
}
