// Package nodelabel is the k8sfleet_node_label kind of the node-field engine: labels on one
// node or on a fleet selected by labels, written with server-side apply under a field
// manager of the resource's own.
package nodelabel

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kubeattr"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodeattr"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodefield"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodeops"
)

// NewResource is the constructor the provider registers.
func NewResource() resource.Resource { return nodefield.New[model](labels{}) }

// labels is the kind: what node_label adds to the engine.
type labels struct{}

func (labels) Name() string { return "node_label" }

func (labels) Texts() nodeops.Texts {
	return nodeops.Texts{Action: "Labeling", Removal: "Removing labels", Conflict: "Label owned by another field manager"}
}

func (labels) Words() nodeattr.Kind { return kind }

func (labels) Description() string { return description }

func (labels) Attributes() map[string]schema.Attribute { return attributes() }

func (labels) ConfigValidators() []resource.ConfigValidator {
	return []resource.ConfigValidator{kubeattr.SelectorDisjoint{Selector: path.Root("label_selector"), Labels: path.Root("labels")}}
}

func (labels) ItemsAttribute() string { return "labels" }

func (labels) Keys(m *model) ([]string, bool) {
	return nodefield.Items(elements(m.Labels)).Keys(), !m.Labels.IsUnknown()
}

func (labels) Items(ctx context.Context, m *model) (nodefield.Items, bool, diag.Diagnostics) {
	l, ok, diags := m.labels(ctx)
	return l, ok, diags
}

func (labels) ItemsValue(ctx context.Context, items nodefield.Items) (attr.Value, diag.Diagnostics) {
	return types.MapValueFrom(ctx, types.StringType, map[string]string(items))
}

func (k labels) SetItems(ctx context.Context, m *model, items nodefield.Items) diag.Diagnostics {
	v, diags := types.MapValueFrom(ctx, types.StringType, map[string]string(items))
	m.Labels = v
	return diags
}

func (labels) ImportItems(ids []string) (nodefield.Items, []string) {
	items := nodefield.Items{}
	var problems []string
	for _, k := range ids {
		if msg := kubeattr.LabelKeyError(k); msg != "" {
			problems = append(problems, msg)
		}
		items[k] = ""
	}
	return items, problems
}

func (labels) ImportHint() string {
	return `"<node_name>:<key>,<key>" (e.g. "k8s-01:logger,team") or "label_selector:<selector>:<key>,<key>"`
}

func (labels) Writer(c *kube.Client, op nodefield.Op[model]) nodefield.Writer {
	w := &writer{client: c, force: op.Force, want: op.Want, prior: op.Prior, adopted: op.Owned}
	if op.Next != nil {
		w.manager = op.Next.FieldManager.ValueString()
		if op.Prev != nil {
			w.oldManager = op.Prev.FieldManager.ValueString()
		}
	} else if op.Prev != nil {
		w.manager = op.Prev.FieldManager.ValueString()
	}
	if op.Prev == nil {
		w.prior = op.Want // adopted labels must still have the value set for destroy to remove them
	}
	return w
}

// Plan keeps the field manager a resource has; a new one's stays unknown until Create.
func (labels) Plan(plan, state *model) {
	if plan.FieldManager.IsUnknown() && state != nil {
		plan.FieldManager = state.FieldManager
	}
}

// Created draws the field manager of a new resource. It is random, not derived from the
// configuration, so that two workspaces with the same resource never share one; the re-plan
// during apply cannot repeat a random value, so the plan leaves it unknown.
func (labels) Created(plan *model) {
	if plan.FieldManager.IsUnknown() || plan.FieldManager.IsNull() {
		plan.FieldManager = types.StringValue(RandomManager())
	}
}

// RandomManager is a new default field manager: k8sfleet-label-<10 random hex digits>.
func RandomManager() string { return kubeattr.RandomFieldManager("label") }
