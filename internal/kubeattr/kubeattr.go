// Package kubeattr holds the Terraform attribute pieces that resources share and every
// attribute validator: the taint object, timeouts, and the rules for label keys, values and
// selectors, node labels and taints, field managers, durations and the provider arguments
// it does not support, with their error texts.
package kubeattr

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	corev1 "k8s.io/api/core/v1"
)

// TaintAttrTypes is the object type of one taint: { key, value, effect }.
var TaintAttrTypes = map[string]attr.Type{
	"key":    types.StringType,
	"value":  types.StringType,
	"effect": types.StringType,
}

// TaintObjectType is the object type of one taint.
var TaintObjectType = types.ObjectType{AttrTypes: TaintAttrTypes}

// TaintValue converts a taint; an empty value is the empty string.
func TaintValue(t corev1.Taint) (types.Object, diag.Diagnostics) {
	return types.ObjectValue(TaintAttrTypes, map[string]attr.Value{
		"key":    types.StringValue(t.Key),
		"value":  types.StringValue(t.Value),
		"effect": types.StringValue(string(t.Effect)),
	})
}

// TaintList converts taints to a list of taint objects.
func TaintList(ts []corev1.Taint) (types.List, diag.Diagnostics) {
	var diags diag.Diagnostics
	vals := make([]attr.Value, 0, len(ts))
	for _, t := range ts {
		v, d := TaintValue(t)
		diags.Append(d...)
		vals = append(vals, v)
	}
	l, d := types.ListValue(TaintObjectType, vals)
	diags.Append(d...)
	return l, diags
}
