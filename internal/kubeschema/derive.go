package kubeschema

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// kind is what a Go type becomes in Terraform.
type kind int

const (
	kindString kind = iota
	kindInt
	kindBool
	kindFloat
	kindQuantity
	kindIntOrString
	kindTime  // metav1.Time and MicroTime, RFC 3339 text.
	kindBytes // []byte, base64 text as encoding/json writes it.
	kindObject
	kindList
	kindMap
)

// node is the derived shape of one Go type, built once and shared by the
// schema, the attribute types and both conversions so they cannot disagree.
type node struct {
	kind   kind
	elem   *node   // Set for kindList and kindMap.
	fields []field // Set for kindObject: declaration order, inline structs flattened.
	typ    attr.Type
	goType reflect.Type // The Go type, for the typed JSON round trip of the stored form.
}

type field struct {
	jsonName string
	attrName string
	doc      string
	node     *node
}

var (
	quantityGoType    = reflect.TypeFor[resource.Quantity]()
	intOrStringGoType = reflect.TypeFor[intstr.IntOrString]()
	timeGoType        = reflect.TypeFor[metav1.Time]()
	microTimeGoType   = reflect.TypeFor[metav1.MicroTime]()
	objectMetaGoType  = reflect.TypeFor[metav1.ObjectMeta]()
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
)

// deriver walks Go types. Unsupported types panic: derivation depends only on
// the compiled-in k8s.io/api types, so the package tests catch it before release.
type deriver struct {
	opts   Options
	active []reflect.Type // Structs being derived, to detect recursion.
}

func (d *deriver) node(t reflect.Type, at string) *node {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	n := d.shape(t, at)
	n.typ = n.attrType()
	n.goType = t
	return n
}

func (d *deriver) shape(t reflect.Type, at string) *node {
	switch t {
	case quantityGoType:
		return &node{kind: kindQuantity}
	case intOrStringGoType:
		return &node{kind: kindIntOrString}
	case timeGoType, microTimeGoType:
		return &node{kind: kindTime}
	}
	if t.Implements(jsonMarshalerType) || reflect.PointerTo(t).Implements(jsonMarshalerType) {
		panic(fmt.Sprintf("kubeschema: %s at %q has its own JSON encoding; map it explicitly in derive.go or skip the field", t, at))
	}
	switch t.Kind() {
	case reflect.String:
		return &node{kind: kindString}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return &node{kind: kindInt}
	case reflect.Bool:
		return &node{kind: kindBool}
	case reflect.Float32, reflect.Float64:
		return &node{kind: kindFloat}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return &node{kind: kindBytes}
		}
		return &node{kind: kindList, elem: d.node(t.Elem(), at+"[]")}
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			panic(fmt.Sprintf("kubeschema: %s at %q has non-string keys, which a Terraform map cannot hold", t, at))
		}
		return &node{kind: kindMap, elem: d.node(t.Elem(), at+"[key]")}
	case reflect.Struct:
		return d.object(t, at)
	}
	panic(fmt.Sprintf("kubeschema: unsupported Go type %s at %q; map it in derive.go or skip the field", t, at))
}

func (d *deriver) object(t reflect.Type, at string) *node {
	if slices.Contains(d.active, t) {
		// A Terraform schema is finite, so a type that contains itself must be
		// cut by the caller with Options.Skip. PodSpec has no such type today.
		panic(fmt.Sprintf("kubeschema: %s at %q contains itself; cut the recursion with Options.Skip", t, at))
	}
	d.active = append(d.active, t)
	defer func() { d.active = d.active[:len(d.active)-1] }()

	n := &node{kind: kindObject}
	d.addFields(n, t, at)
	seen := map[string]string{}
	for _, f := range n.fields {
		if other, dup := seen[f.attrName]; dup {
			panic(fmt.Sprintf("kubeschema: json fields %q and %q of %s both become attribute %q", other, f.jsonName, t, f.attrName))
		}
		seen[f.attrName] = f.jsonName
	}
	return n
}

// addFields follows encoding/json: untagged embedded structs and ",inline"
// ones are flattened into the parent; "-" and unexported fields are left out.
func (d *deriver) addFields(n *node, t reflect.Type, at string) {
	docs := swaggerDoc(t)
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" && opts == "" {
			continue
		}
		embedded := f.Type
		if embedded.Kind() == reflect.Pointer {
			embedded = embedded.Elem()
		}
		if f.Anonymous && name == "" && embedded.Kind() == reflect.Struct {
			d.addFields(n, embedded, at)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if d.opts.skips(t, name) || d.metaHides(t, name) {
			continue
		}
		attrName := AttributeName(name)
		n.fields = append(n.fields, field{
			jsonName: name,
			attrName: attrName,
			doc:      docs[name],
			node:     d.node(f.Type, joinPath(at, attrName)),
		})
	}
}

func (d *deriver) metaHides(t reflect.Type, jsonName string) bool {
	fields := d.opts.ObjectMetaFields
	return t == objectMetaGoType && len(fields) > 0 && !slices.Contains(fields, jsonName)
}

// swaggerDoc returns the type's field descriptions keyed by json name, or nil.
func swaggerDoc(t reflect.Type) map[string]string {
	documented, ok := reflect.Zero(t).Interface().(interface{ SwaggerDoc() map[string]string })
	if !ok {
		return nil
	}
	return documented.SwaggerDoc()
}

func joinPath(at, name string) string {
	if at == "" {
		return name
	}
	return at + "." + name
}
