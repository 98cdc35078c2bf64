// Package kubeschema derives Terraform schemas from the k8s.io/api Go types by
// reflection and converts values between Terraform and Kubernetes JSON, so a
// client-go bump brings new Kubernetes fields without hand-written schema.
package kubeschema

import (
	"fmt"
	"maps"
	"reflect"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// derived is everything computed from one type and one set of options.
type derived struct {
	root      *node
	attrs     map[string]schema.Attribute
	attrTypes map[string]attr.Type
}

type cacheKey struct {
	t    reflect.Type
	opts string
}

// Schema() and the conversions run on every request, derivation once.
var cache = struct {
	sync.Mutex
	m map[cacheKey]*derived
}{m: map[cacheKey]*derived{}}

func derive(t reflect.Type, opts Options) *derived {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		panic(fmt.Sprintf("kubeschema: %s is not a struct", t))
	}
	key := cacheKey{t: t, opts: opts.key()}
	cache.Lock()
	defer cache.Unlock()
	if d, ok := cache.m[key]; ok {
		return d
	}
	opts.check()
	root := (&deriver{opts: opts}).node(t, "")
	d := &derived{root: root, attrs: attributes(root), attrTypes: root.fieldTypes()}
	cache.m[key] = d
	return d
}

// ObjectType is the object type of struct type t's attributes, the CustomType for the
// nested attribute that holds them.
func ObjectType(t reflect.Type, opts Options) types.ObjectType {
	return derive(t, opts).root.objectType()
}

// ResourceAttributes derives resource schema attributes (github.com/hashicorp/terraform-plugin-framework/resource/schema) for the exported, json-tagged fields of struct type t. Every attribute is Optional (not Computed).
func ResourceAttributes(t reflect.Type, opts Options) map[string]schema.Attribute {
	// A copy, so a caller adding its own attributes cannot change the cache.
	return maps.Clone(derive(t, opts).attrs)
}

// AttrTypes gives the matching attr.Type map (for types.Object construction).
func AttrTypes(t reflect.Type, opts Options) map[string]attr.Type {
	return maps.Clone(derive(t, opts).attrTypes)
}

func attributes(n *node) map[string]schema.Attribute {
	out := make(map[string]schema.Attribute, len(n.fields))
	for _, f := range n.fields {
		out[f.attrName] = attribute(f)
	}
	return out
}

func attribute(f field) schema.Attribute {
	doc := f.doc
	n := f.node
	switch n.kind {
	case kindQuantity:
		return schema.StringAttribute{Optional: true, Description: doc, MarkdownDescription: doc, CustomType: QuantityType{}}
	case kindIntOrString:
		return schema.StringAttribute{Optional: true, Description: doc, MarkdownDescription: doc, CustomType: IntOrStringType{}}
	case kindString, kindTime, kindBytes:
		return schema.StringAttribute{Optional: true, Description: doc, MarkdownDescription: doc}
	case kindInt:
		return schema.Int64Attribute{Optional: true, Description: doc, MarkdownDescription: doc}
	case kindBool:
		return schema.BoolAttribute{Optional: true, Description: doc, MarkdownDescription: doc}
	case kindFloat:
		return schema.Float64Attribute{Optional: true, Description: doc, MarkdownDescription: doc}
	case kindObject:
		return schema.SingleNestedAttribute{Optional: true, Description: doc, MarkdownDescription: doc,
			Attributes: attributes(n), CustomType: n.objectType()}
	case kindList:
		if n.elem.kind == kindObject {
			nested := schema.NestedAttributeObject{Attributes: attributes(n.elem), CustomType: n.elem.objectType()}
			return schema.ListNestedAttribute{Optional: true, Description: doc, MarkdownDescription: doc,
				NestedObject: nested, CustomType: types.ListType{ElemType: n.elem.typ}}
		}
		return schema.ListAttribute{Optional: true, Description: doc, MarkdownDescription: doc, ElementType: n.elem.typ}
	case kindMap:
		if n.elem.kind == kindObject {
			nested := schema.NestedAttributeObject{Attributes: attributes(n.elem), CustomType: n.elem.objectType()}
			return schema.MapNestedAttribute{Optional: true, Description: doc, MarkdownDescription: doc,
				NestedObject: nested, CustomType: types.MapType{ElemType: n.elem.typ}}
		}
		return schema.MapAttribute{Optional: true, Description: doc, MarkdownDescription: doc, ElementType: n.elem.typ}
	}
	panic(fmt.Sprintf("kubeschema: no attribute for kind %d", n.kind))
}

// attrType is called once per node, children first, during derivation.
func (n *node) attrType() attr.Type {
	switch n.kind {
	case kindQuantity:
		return QuantityType{}
	case kindIntOrString:
		return IntOrStringType{}
	case kindString, kindTime, kindBytes:
		return types.StringType
	case kindInt:
		return types.Int64Type
	case kindBool:
		return types.BoolType
	case kindFloat:
		return types.Float64Type
	case kindObject:
		return types.ObjectType{AttrTypes: n.buildFieldTypes()}
	case kindList:
		return types.ListType{ElemType: n.elem.typ}
	case kindMap:
		return types.MapType{ElemType: n.elem.typ}
	}
	panic(fmt.Sprintf("kubeschema: no attribute type for kind %d", n.kind))
}

// objectType is the object's type computed once at derivation. Set as each nested
// attribute's CustomType, it spares the framework from rebuilding the nested types
// recursively for every value it walks, which dominated plan time for a PodSpec.
func (n *node) objectType() types.ObjectType {
	if o, ok := n.typ.(types.ObjectType); ok {
		return o
	}
	panic(fmt.Sprintf("kubeschema: kind %d has no object type", n.kind))
}

// fieldTypes gives an object node's attribute types, computed once in attrType.
func (n *node) fieldTypes() map[string]attr.Type {
	if o, ok := n.typ.(types.ObjectType); ok {
		return o.AttrTypes
	}
	return nil
}

func (n *node) buildFieldTypes() map[string]attr.Type {
	out := make(map[string]attr.Type, len(n.fields))
	for _, f := range n.fields {
		out[f.attrName] = f.node.typ
	}
	return out
}
