package kubeschema

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// FromKube converts a Kubernetes JSON map (as produced by json.Unmarshal into map[string]any, numbers float64 or json.Number) into a framework object of the derived type: absent keys are null, empty maps/lists present stay empty (not null).
// Keys the schema does not know (status, server-set metadata) are ignored.
func FromKube(m map[string]any, t reflect.Type, opts Options) (types.Object, error) {
	root := derive(t, opts).root
	if m == nil {
		return types.ObjectNull(root.fieldTypes()), nil
	}
	v, err := fromKube(m, root, "")
	if err != nil {
		return types.ObjectNull(root.fieldTypes()), err
	}
	obj, _ := v.(types.Object)
	return obj, nil
}

func fromKube(raw any, n *node, at string) (attr.Value, error) {
	if raw == nil {
		return null(n), nil
	}
	switch n.kind {
	case kindObject:
		m, ok := raw.(map[string]any)
		if !ok {
			return nil, wrongJSON(at, "an object", raw)
		}
		vals := make(map[string]attr.Value, len(n.fields))
		for _, f := range n.fields {
			v, err := fromKube(m[f.jsonName], f.node, joinPath(at, f.attrName))
			if err != nil {
				return nil, err
			}
			vals[f.attrName] = v
		}
		obj, diags := types.ObjectValue(n.fieldTypes(), vals)
		return obj, diagsError(diags)
	case kindList:
		items, ok := raw.([]any)
		if !ok {
			return nil, wrongJSON(at, "an array", raw)
		}
		elems := make([]attr.Value, 0, len(items))
		for i, item := range items {
			v, err := fromKube(item, n.elem, fmt.Sprintf("%s[%d]", at, i))
			if err != nil {
				return nil, err
			}
			elems = append(elems, v)
		}
		list, diags := types.ListValue(n.elem.typ, elems)
		return list, diagsError(diags)
	case kindMap:
		m, ok := raw.(map[string]any)
		if !ok {
			return nil, wrongJSON(at, "an object", raw)
		}
		elems := make(map[string]attr.Value, len(m))
		for key, item := range m {
			v, err := fromKube(item, n.elem, fmt.Sprintf("%s[%q]", at, key))
			if err != nil {
				return nil, err
			}
			elems[key] = v
		}
		mv, diags := types.MapValue(n.elem.typ, elems)
		return mv, diagsError(diags)
	}
	return scalarFromKube(raw, n, at)
}

func scalarFromKube(raw any, n *node, at string) (attr.Value, error) {
	switch n.kind {
	case kindInt:
		if i, ok := asInt64(raw); ok {
			return types.Int64Value(i), nil
		}
		return nil, wrongJSON(at, "an integer", raw)
	case kindFloat:
		if f, ok := asFloat64(raw); ok {
			return types.Float64Value(f), nil
		}
		return nil, wrongJSON(at, "a number", raw)
	case kindBool:
		if b, ok := raw.(bool); ok {
			return types.BoolValue(b), nil
		}
		return nil, wrongJSON(at, "a boolean", raw)
	case kindIntOrString, kindQuantity:
		s, ok := raw.(string)
		if !ok {
			// Both are numbers in JSON written by hand or by intstr.
			i, isInt := asInt64(raw)
			if !isInt {
				return nil, wrongJSON(at, "an integer or a string", raw)
			}
			s = strconv.FormatInt(i, 10)
		}
		if n.kind == kindQuantity {
			return NewQuantityValue(s), nil
		}
		return NewIntOrStringValue(s), nil
	}
	if s, ok := raw.(string); ok {
		return types.StringValue(s), nil
	}
	return nil, wrongJSON(at, "a string", raw)
}

func null(n *node) attr.Value {
	switch n.kind {
	case kindQuantity:
		return NewQuantityNull()
	case kindIntOrString:
		return NewIntOrStringNull()
	case kindString, kindTime, kindBytes:
		return types.StringNull()
	case kindInt:
		return types.Int64Null()
	case kindBool:
		return types.BoolNull()
	case kindFloat:
		return types.Float64Null()
	case kindObject:
		return types.ObjectNull(n.fieldTypes())
	case kindList:
		return types.ListNull(n.elem.typ)
	case kindMap:
		return types.MapNull(n.elem.typ)
	}
	panic(fmt.Sprintf("kubeschema: no null value for kind %d", n.kind))
}

func asInt64(raw any) (int64, bool) {
	switch x := raw.(type) {
	case float64:
		if x != math.Trunc(x) || x < math.MinInt64 || x >= math.MaxInt64 {
			return 0, false
		}
		return int64(x), true
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i, true
		}
		f, err := x.Float64()
		if err != nil {
			return 0, false
		}
		return asInt64(f)
	case int:
		return int64(x), true
	case int32:
		return int64(x), true
	case int64:
		return x, true
	}
	return 0, false
}

func asFloat64(raw any) (float64, bool) {
	switch x := raw.(type) {
	case float64:
		return x, true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	if i, ok := asInt64(raw); ok {
		return float64(i), true
	}
	return 0, false
}

func wrongJSON(at, want string, raw any) error {
	return fmt.Errorf("%s: expected %s in the Kubernetes JSON, got %T", describe(at), want, raw)
}
