package kubeschema

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

// Record is what the API server made of values it was sent: Sent is the Kubernetes JSON of
// an apply, Stored the JSON of the applier's fields in the object the server returned, both
// at the same place in the object. The server's defaulting cannot be imported, so this is how
// the provider knows that `fieldRef: {fieldPath: spec.nodeName}` is stored with `apiVersion: v1`.
type Record struct {
	Sent, Stored any
}

// Records are several such pairs; two values are stored the same when one pair says so.
type Records []*Record

// child is the records one step down, without those neither side of which has it.
func (rs Records) child(key any) Records {
	var out Records
	for _, r := range rs {
		if r == nil {
			continue
		}
		c := &Record{Sent: step(r.Sent, key), Stored: step(r.Stored, key)}
		if c.Sent != nil || c.Stored != nil {
			out = append(out, c)
		}
	}
	return out
}

func step(raw, key any) any {
	switch k := key.(type) {
	case string:
		m, _ := raw.(map[string]any)
		return m[k]
	case int:
		l, _ := raw.([]any)
		if k < len(l) {
			return l[k]
		}
	}
	return nil
}

// Reconcile returns want, except that wherever the API server stores want and have as the
// same object it returns have, at the smallest enclosing attribute where both are set: in a
// plan want is the configuration and have the prior state, so a value written in a form the
// server stores differently (an explicit zero it drops, a struct it completes with defaults,
// "0.1" for "100m") plans no change, and a value that would be stored differently plans
// want. Collections that Terraform compares whole (lists and maps of scalars) are taken
// whole; objects, lists of objects of equal length and maps of objects are descended into.
// t and opts are the ones the values' type was derived with.
func Reconcile(want, have attr.Value, t reflect.Type, opts Options, rec Records) attr.Value {
	return reconcile(want, have, derive(t, opts).root, rec)
}

// StoredSame reports whether the API server stores want and have as the same object.
func StoredSame(want, have attr.Value, t reflect.Type, opts Options, rec Records) bool {
	return storedSame(want, have, derive(t, opts).root, rec)
}

func reconcile(want, have attr.Value, n *node, rec Records) attr.Value {
	if want == nil || have == nil || want.IsNull() || have.IsNull() || want.IsUnknown() || have.IsUnknown() {
		return want // Terraform keeps a prior value only where configuration and prior are both set
	}
	if want.Equal(have) || storedSame(want, have, n, rec) {
		return have
	}
	ctx := context.Background()
	switch {
	case n.kind == kindObject:
		wo, ok1 := want.(basetypes.ObjectValuable)
		ho, ok2 := have.(basetypes.ObjectValuable)
		if !ok1 || !ok2 {
			return want
		}
		w, d1 := wo.ToObjectValue(ctx)
		h, d2 := ho.ToObjectValue(ctx)
		if d1.HasError() || d2.HasError() {
			return want
		}
		wa, ha := w.Attributes(), h.Attributes()
		vals := make(map[string]attr.Value, len(wa))
		for name, v := range wa {
			vals[name] = v
		}
		for _, f := range n.fields {
			if v, ok := wa[f.attrName]; ok {
				vals[f.attrName] = reconcile(v, ha[f.attrName], f.node, rec.child(f.jsonName))
			}
		}
		obj, diags := types.ObjectValue(w.AttributeTypes(ctx), vals)
		if diags.HasError() {
			return want
		}
		return obj
	case n.kind == kindList && n.elem.kind == kindObject:
		wl, ok1 := want.(basetypes.ListValuable)
		hl, ok2 := have.(basetypes.ListValuable)
		if !ok1 || !ok2 {
			return want
		}
		w, d1 := wl.ToListValue(ctx)
		h, d2 := hl.ToListValue(ctx)
		we, he := w.Elements(), h.Elements()
		if d1.HasError() || d2.HasError() || len(we) != len(he) {
			return want // Terraform plans a list of another length from the configuration alone
		}
		elems := make([]attr.Value, len(we))
		for i := range we {
			elems[i] = reconcile(we[i], he[i], n.elem, rec.child(i))
		}
		list, diags := types.ListValue(n.elem.typ, elems)
		if diags.HasError() {
			return want
		}
		return list
	case n.kind == kindMap && n.elem.kind == kindObject:
		wm, ok1 := want.(basetypes.MapValuable)
		hm, ok2 := have.(basetypes.MapValuable)
		if !ok1 || !ok2 {
			return want
		}
		w, d1 := wm.ToMapValue(ctx)
		h, d2 := hm.ToMapValue(ctx)
		if d1.HasError() || d2.HasError() {
			return want
		}
		he := h.Elements()
		elems := make(map[string]attr.Value, len(w.Elements()))
		for k, v := range w.Elements() {
			elems[k] = reconcile(v, he[k], n.elem, rec.child(k))
		}
		m, diags := types.MapValue(n.elem.typ, elems)
		if diags.HasError() {
			return want
		}
		return m
	}
	return want
}

// storedSame applies the rule: two values are the same when the API server stores them as
// the same object. A value is stored as its typed round trip through the k8s.io/api type
// (dropped zero values, quantities by meaning), and, where a record says it was sent, as
// what the server stored for it; the two are the same when one stored form of each agrees.
func storedSame(a, b attr.Value, n *node, rec Records) bool {
	ja, okA := roundTrip(a, n)
	jb, okB := roundTrip(b, n)
	if !okA || !okB {
		return false
	}
	if bytes.Equal(ja, jb) {
		return true
	}
	formsA, formsB := [][]byte{ja}, [][]byte{jb}
	for _, r := range rec {
		sent, okS := roundTripJSON(r.Sent, n)
		stored, okT := roundTripJSON(r.Stored, n)
		if !okS || !okT {
			continue
		}
		if bytes.Equal(ja, sent) {
			formsA = append(formsA, stored)
		}
		if bytes.Equal(jb, sent) {
			formsB = append(formsB, stored)
		}
	}
	for _, fa := range formsA {
		for _, fb := range formsB {
			if bytes.Equal(fa, fb) {
				return true
			}
		}
	}
	return false
}

func roundTrip(v attr.Value, n *node) ([]byte, bool) {
	if v == nil || v.IsNull() {
		return nil, false
	}
	raw, err := toKube(v, n, "") // an error for unknown values too
	if err != nil {
		return nil, false
	}
	return roundTripJSON(raw, n)
}

// roundTripJSON decodes raw into the Go type and encodes it again, as the API server does.
func roundTripJSON(raw any, n *node) ([]byte, bool) {
	if raw == nil || n.goType == nil {
		return nil, false
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return nil, false
	}
	typed := reflect.New(n.goType)
	if err := json.Unmarshal(b, typed.Interface()); err != nil {
		return nil, false
	}
	out, err := json.Marshal(typed.Interface())
	return out, err == nil
}
