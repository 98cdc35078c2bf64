// Package nodetaint is the k8sfleet_node_taint kind of the node-field engine: taints on one
// node or on a fleet selected by labels, changed by read-modify-write of spec.taints under
// optimistic concurrency.
package nodetaint

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodeattr"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodefield"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodeops"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/taintid"
)

// NewResource is the constructor the provider registers.
func NewResource() resource.Resource { return nodefield.New[model](taints{}) }

// taints is the kind: what node_taint adds to the engine.
type taints struct{}

func (taints) Name() string { return "node_taint" }

func (taints) Texts() nodeops.Texts {
	return nodeops.Texts{Action: "Tainting", Removal: "Removing taints", Conflict: "Taint set by someone else"}
}

func (taints) Words() nodeattr.Kind { return kind }

func (taints) Description() string { return description }

func (taints) Attributes() map[string]schema.Attribute { return attributes() }

func (taints) ConfigValidators() []resource.ConfigValidator { return nil }

func (taints) ItemsAttribute() string { return "taints" }

func (taints) Keys(m *model) ([]string, bool) { return m.ids(), !m.Taints.IsUnknown() }

func (taints) Items(ctx context.Context, m *model) (nodefield.Items, bool, diag.Diagnostics) {
	ts, ok, diags := m.taints(ctx)
	if !ok {
		return nil, false, diags
	}
	return byID(ts), true, diags
}

func (taints) ItemsValue(_ context.Context, items nodefield.Items) (attr.Value, diag.Diagnostics) {
	return taintSet(fromIDs(items))
}

func (taints) SetItems(_ context.Context, m *model, items nodefield.Items) diag.Diagnostics {
	v, diags := taintSet(fromIDs(items))
	m.Taints = v
	return diags
}

func (taints) ImportItems(ids []string) (nodefield.Items, []string) {
	items := nodefield.Items{}
	var problems []string
	for _, s := range ids {
		id, ok := taintid.Parse(s)
		if !ok || !validEffect(id.Effect) {
			problems = append(problems, s+" is not <key>:<Effect> with Effect one of NoSchedule, PreferNoSchedule, NoExecute")
			continue
		}
		items[id.String()] = ""
	}
	return items, problems
}

func (taints) ImportHint() string {
	return `"<node_name>:<key>:<Effect>,..." (e.g. "k8s-01:gpu:NoSchedule,gpu:NoExecute") or "label_selector:<selector>:<key>:<Effect>,..."`
}

func (taints) Writer(c *kube.Client, op nodefield.Op[model]) nodefield.Writer {
	return &writer{client: c, force: op.Force, want: fromIDs(op.Want), owned: op.Owned, fallback: op.Prior.Keys()}
}

func (taints) Plan(_, _ *model) {}

func (taints) Created(*model) {}
