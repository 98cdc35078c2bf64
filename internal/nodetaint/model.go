package nodetaint

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	corev1 "k8s.io/api/core/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kubeattr"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodefield"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/taintid"
)

type model struct {
	nodefield.Base
	Taints types.Set `tfsdk:"taints"`
}

type taintModel struct {
	Key    types.String `tfsdk:"key"`
	Value  types.String `tfsdk:"value"`
	Effect types.String `tfsdk:"effect"`
}

// taints returns the taints; ok is false while the set or a part of it is unknown.
func (m *model) taints(ctx context.Context) ([]corev1.Taint, bool, diag.Diagnostics) {
	if m.Taints.IsUnknown() || m.Taints.IsNull() {
		return nil, false, nil
	}
	var elems []taintModel
	diags := m.Taints.ElementsAs(ctx, &elems, false)
	if diags.HasError() {
		return nil, false, diags
	}
	out := make([]corev1.Taint, 0, len(elems))
	for _, e := range elems {
		if e.Key.IsUnknown() || e.Value.IsUnknown() || e.Effect.IsUnknown() {
			return nil, false, diags
		}
		out = append(out, corev1.Taint{Key: e.Key.ValueString(), Value: e.Value.ValueString(), Effect: corev1.TaintEffect(e.Effect.ValueString())})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ToString() < out[j].ToString() })
	return out, true, diags
}

// ids returns the identities in the set, known ones only.
func (m *model) ids() []string {
	var out []string
	for _, elem := range m.Taints.Elements() {
		obj, ok := elem.(types.Object)
		if !ok {
			continue
		}
		key, _ := obj.Attributes()["key"].(types.String)
		effect, _ := obj.Attributes()["effect"].(types.String)
		if !key.IsUnknown() && !effect.IsUnknown() {
			out = append(out, taintid.ID{Key: key.ValueString(), Effect: corev1.TaintEffect(effect.ValueString())}.String())
		}
	}
	sort.Strings(out)
	return out
}

func taintSet(ts []corev1.Taint) (types.Set, diag.Diagnostics) {
	var diags diag.Diagnostics
	vals := make([]attr.Value, 0, len(ts))
	for _, t := range ts {
		v, d := kubeattr.TaintValue(t)
		diags.Append(d...)
		vals = append(vals, v)
	}
	set, d := types.SetValue(kubeattr.TaintObjectType, vals)
	diags.Append(d...)
	return set, diags
}

// byID maps identities ("key:Effect") to values.
func byID(ts []corev1.Taint) nodefield.Items {
	out := make(nodefield.Items, len(ts))
	for _, t := range ts {
		out[taintid.Of(t).String()] = t.Value
	}
	return out
}

// fromIDs turns identities and values back into sorted taints.
func fromIDs(items nodefield.Items) []corev1.Taint {
	out := make([]corev1.Taint, 0, len(items))
	for s, v := range items {
		if id, ok := taintid.Parse(s); ok {
			out = append(out, corev1.Taint{Key: id.Key, Effect: id.Effect, Value: v})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ToString() < out[j].ToString() })
	return out
}

func validEffect(e corev1.TaintEffect) bool {
	return e == corev1.TaintEffectNoSchedule || e == corev1.TaintEffectPreferNoSchedule || e == corev1.TaintEffectNoExecute
}
