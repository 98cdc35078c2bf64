package kubeschema

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

var daemonSetSpecType = reflect.TypeFor[appsv1.DaemonSetSpec]()

// daemonSetOptions are the options the k8sfleet_daemonset resource uses.
func daemonSetOptions() Options {
	return Options{
		Skip:             map[reflect.Type][]string{reflect.TypeFor[corev1.PodSpec](): {"ephemeralContainers"}},
		ObjectMetaFields: []string{"labels", "annotations"},
	}
}

// lookup follows a dotted attribute path through nested attributes.
func lookup(t *testing.T, attrs map[string]schema.Attribute, dotted string) schema.Attribute {
	t.Helper()
	var a schema.Attribute
	for _, name := range strings.Split(dotted, ".") {
		if attrs == nil {
			t.Fatalf("%s: %q is not inside a nested attribute", dotted, name)
		}
		var ok bool
		if a, ok = attrs[name]; !ok {
			t.Fatalf("%s: no attribute %q", dotted, name)
		}
		attrs = children(a)
	}
	return a
}

func children(a schema.Attribute) map[string]schema.Attribute {
	switch n := a.(type) {
	case schema.SingleNestedAttribute:
		return n.Attributes
	case schema.ListNestedAttribute:
		return n.NestedObject.Attributes
	case schema.MapNestedAttribute:
		return n.NestedObject.Attributes
	}
	return nil
}

// walk visits every attribute with its dotted path.
func walk(attrs map[string]schema.Attribute, prefix string, visit func(path, name string, a schema.Attribute)) {
	for name, a := range attrs {
		p := name
		if prefix != "" {
			p = prefix + "." + name
		}
		visit(p, name, a)
		walk(children(a), p, visit)
	}
}

func tftypesNull(typ attr.Type) tftypes.Value {
	return tftypes.NewValue(typ.TerraformType(context.Background()), nil)
}
