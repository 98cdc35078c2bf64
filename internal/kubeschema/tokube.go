package kubeschema

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// ToKube converts a framework object value of the derived type into a Kubernetes JSON map: null attributes are omitted, unknown values are an error (callers check IsFullyKnown first), int-or-string values become a JSON number when they are an integer, else a string; quantities stay strings.
// A null v gives a nil map.
func ToKube(v types.Object, t reflect.Type, opts Options) (map[string]any, error) {
	out, err := toKube(v, derive(t, opts).root, "")
	if out == nil || err != nil {
		return nil, err
	}
	m, _ := out.(map[string]any)
	return m, nil
}

// toKube returns nil for a null value and never for a non-null one.
func toKube(v attr.Value, n *node, at string) (any, error) {
	if v == nil || v.IsNull() {
		return nil, nil
	}
	if v.IsUnknown() {
		return nil, fmt.Errorf("%s is unknown; convert only fully known values", describe(at))
	}
	ctx := context.Background()
	switch n.kind {
	case kindObject:
		obj, ok := v.(basetypes.ObjectValuable)
		if !ok {
			return nil, mismatch(at, "an object", v)
		}
		o, diags := obj.ToObjectValue(ctx)
		if err := diagsError(diags); err != nil {
			return nil, err
		}
		return objectToKube(o.Attributes(), n, at)
	case kindList:
		list, ok := v.(basetypes.ListValuable)
		if !ok {
			return nil, mismatch(at, "a list", v)
		}
		l, diags := list.ToListValue(ctx)
		if err := diagsError(diags); err != nil {
			return nil, err
		}
		out := make([]any, 0, len(l.Elements()))
		for i, e := range l.Elements() {
			k, err := toKube(e, n.elem, fmt.Sprintf("%s[%d]", at, i))
			if err != nil {
				return nil, err
			}
			out = append(out, k)
		}
		return out, nil
	case kindMap:
		mv, ok := v.(basetypes.MapValuable)
		if !ok {
			return nil, mismatch(at, "a map", v)
		}
		m, diags := mv.ToMapValue(ctx)
		if err := diagsError(diags); err != nil {
			return nil, err
		}
		out := make(map[string]any, len(m.Elements()))
		for key, e := range m.Elements() {
			k, err := toKube(e, n.elem, fmt.Sprintf("%s[%q]", at, key))
			if err != nil {
				return nil, err
			}
			out[key] = k
		}
		return out, nil
	}
	return scalarToKube(ctx, v, n, at)
}

func objectToKube(attrs map[string]attr.Value, n *node, at string) (map[string]any, error) {
	out := make(map[string]any, len(attrs))
	for _, f := range n.fields {
		k, err := toKube(attrs[f.attrName], f.node, joinPath(at, f.attrName))
		if err != nil {
			return nil, err
		}
		if k != nil {
			out[f.jsonName] = k
		}
	}
	return out, nil
}

func scalarToKube(ctx context.Context, v attr.Value, n *node, at string) (any, error) {
	switch n.kind {
	case kindInt:
		if i, ok := v.(basetypes.Int64Valuable); ok {
			iv, diags := i.ToInt64Value(ctx)
			return iv.ValueInt64(), diagsError(diags)
		}
		return nil, mismatch(at, "an integer", v)
	case kindBool:
		if b, ok := v.(basetypes.BoolValuable); ok {
			bv, diags := b.ToBoolValue(ctx)
			return bv.ValueBool(), diagsError(diags)
		}
		return nil, mismatch(at, "a bool", v)
	case kindFloat:
		if f, ok := v.(basetypes.Float64Valuable); ok {
			fv, diags := f.ToFloat64Value(ctx)
			return fv.ValueFloat64(), diagsError(diags)
		}
		return nil, mismatch(at, "a number", v)
	}
	s, ok := v.(basetypes.StringValuable)
	if !ok {
		return nil, mismatch(at, "a string", v)
	}
	sv, diags := s.ToStringValue(ctx)
	if err := diagsError(diags); err != nil {
		return nil, err
	}
	if n.kind == kindIntOrString {
		if parsed := intstr.Parse(sv.ValueString()); parsed.Type == intstr.Int {
			return int64(parsed.IntVal), nil
		}
	}
	// Quantities, times and base64 bytes travel as the text the user wrote.
	return sv.ValueString(), nil
}

func mismatch(at, want string, v attr.Value) error {
	return fmt.Errorf("%s: expected %s, got %T", describe(at), want, v)
}

func describe(at string) string {
	if at == "" {
		return "the root object"
	}
	return "attribute " + at
}

func diagsError(diags diag.Diagnostics) error {
	if !diags.HasError() {
		return nil
	}
	var msgs []string
	for _, d := range diags.Errors() {
		msgs = append(msgs, d.Summary()+": "+d.Detail())
	}
	return fmt.Errorf("%s", strings.Join(msgs, "; "))
}
