package nodefield

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodeattr"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodeops"
)

// Base holds the attributes every node-field resource has; a kind's model embeds it.
type Base struct {
	ID            types.String `tfsdk:"id"`
	NodeName      types.String `tfsdk:"node_name"`
	LabelSelector types.String `tfsdk:"label_selector"`
	Force         types.Bool   `tfsdk:"force"`
	Nodes         types.List   `tfsdk:"nodes"`
	// DaemonsetImpact is what the plan changes where DaemonSets run (nodeattr.ImpactValue).
	DaemonsetImpact types.Map      `tfsdk:"daemonset_impact"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`
}

// Common gives the engine the embedded Base of any model.
func (b *Base) Common() *Base { return b }

// Model is the constraint on a kind's model: a pointer to a struct embedding Base.
type Model[T any] interface {
	*T
	Common() *Base
}

// Target is the resource's nodes; ok is false while either attribute is unknown.
func (b *Base) Target() (nodeops.Target, bool) { return nodeattr.TargetOf(b.NodeName, b.LabelSelector) }

// nodes returns the node list; nil while unknown or null.
func (b *Base) nodes(ctx context.Context) ([]string, diag.Diagnostics) {
	if b.Nodes.IsUnknown() || b.Nodes.IsNull() {
		return nil, nil
	}
	var out []string
	diags := b.Nodes.ElementsAs(ctx, &out, false)
	return out, diags
}

func (b *Base) setNodes(ctx context.Context, names []string) diag.Diagnostics {
	if names == nil {
		names = []string{}
	}
	var diags diag.Diagnostics
	b.Nodes, diags = types.ListValueFrom(ctx, types.StringType, names)
	return diags
}
