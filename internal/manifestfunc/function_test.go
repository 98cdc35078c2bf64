package manifestfunc

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/daemonset"
)

func run(t *testing.T, arg attr.Value) (types.Object, *function.FuncError) {
	t.Helper()
	ctx := context.Background()
	resp := &function.RunResponse{Result: function.NewResultData(types.ObjectUnknown(daemonset.ValueTypes()))}
	New().Run(ctx, function.RunRequest{Arguments: function.NewArgumentsData([]attr.Value{types.DynamicValue(arg)})}, resp)
	if resp.Error != nil {
		return types.Object{}, resp.Error
	}
	obj, ok := resp.Result.Value().(types.Object)
	if !ok {
		t.Fatalf("result is %T", resp.Result.Value())
	}
	return obj, nil
}

func attrAt(t *testing.T, v attr.Value, names ...string) attr.Value {
	t.Helper()
	for _, n := range names {
		obj, ok := v.(interface{ Attributes() map[string]attr.Value })
		if !ok {
			t.Fatalf("%s: not an object: %T", n, v)
		}
		v = obj.Attributes()[n]
	}
	return v
}

func TestRun_text(t *testing.T) {
	obj, ferr := run(t, types.StringValue(readTestdata(t, "kubectl-get.yaml")))
	if ferr != nil {
		t.Fatal(ferr)
	}
	meta := attrAt(t, obj, "metadata")
	if got := attrAt(t, meta, "name").String(); got != `"agent"` {
		t.Errorf("name %s", got)
	}
	if got := attrAt(t, meta, "uid"); !got.IsNull() {
		t.Errorf("uid %s, want null", got)
	}
	if got := attrAt(t, meta, "annotations").String(); got != `{"team":"platform"}` {
		t.Errorf("annotations %s", got)
	}
	// `resources: {}` comes out of import's conversion as an object with nothing set, which
	// the equality rule reads as the field left unset.
	list, ok := attrAt(t, obj, "spec", "template", "spec", "containers").(types.List)
	if !ok {
		t.Fatal("containers is not a list")
	}
	containers := list.Elements()
	if got, ok := attrAt(t, containers[0], "resources").(types.Object); ok && !got.IsNull() {
		for name, v := range got.Attributes() {
			if !v.IsNull() {
				t.Errorf("resources.%s %s, want null", name, v)
			}
		}
	}
	if got := attrAt(t, obj, "spec", "template", "spec", "security_context"); got.IsNull() {
		t.Error("securityContext: {} is a pointer the manifest set; want an empty object")
	}
	if got := attrAt(t, obj, "spec", "update_strategy", "rolling_update", "max_surge").String(); got != `"0"` {
		t.Errorf("max_surge %s", got)
	}
}

// The decoded form gives the same result as the text, apart from YAML 1.2's reading of
// octal numbers, which is why the text form is the one to use.
func TestRun_decodedObject(t *testing.T) {
	text := readTestdata(t, "shapes/gpu-device-plugin.yaml")
	fromText, ferr := run(t, types.StringValue(text))
	if ferr != nil {
		t.Fatal(ferr)
	}
	ds, err := ParseText(text)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(ds)
	var generic any
	if err := json.Unmarshal(b, &generic); err != nil {
		t.Fatal(err)
	}
	obj, ferr := run(t, tfValue(t, generic))
	if ferr != nil {
		t.Fatal(ferr)
	}
	if !obj.Equal(fromText) {
		t.Errorf("decoded object gives\n%s\ntext gives\n%s", obj, fromText)
	}
}

func TestRun_errors(t *testing.T) {
	_, ferr := run(t, types.StringValue("apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: a}\nspec: {minReadySeconds: ten}\n"))
	if ferr == nil || !strings.Contains(ferr.Text, `daemonset_manifest: spec.minReadySeconds: expected an integer, got the string "ten"`) {
		t.Fatalf("error %v", ferr)
	}
	_, ferr = run(t, types.NumberNull())
	if ferr == nil || !strings.Contains(ferr.Text, "text (YAML or JSON) or an object") {
		t.Fatalf("error %v", ferr)
	}
}

// tfValue builds what Terraform's jsondecode gives for a JSON value: objects and tuples.
func tfValue(t *testing.T, v any) attr.Value {
	t.Helper()
	tv := toTF(v)
	dv, err := types.DynamicType.ValueFromTerraform(context.Background(), tv)
	if err != nil {
		t.Fatal(err)
	}
	d, ok := dv.(types.Dynamic)
	if !ok {
		t.Fatalf("%T is not dynamic", dv)
	}
	return d.UnderlyingValue()
}

func toTF(v any) tftypes.Value {
	switch x := v.(type) {
	case map[string]any:
		typesOf, vals := map[string]tftypes.Type{}, map[string]tftypes.Value{}
		for k, e := range x {
			vals[k] = toTF(e)
			typesOf[k] = vals[k].Type()
		}
		return tftypes.NewValue(tftypes.Object{AttributeTypes: typesOf}, vals)
	case []any:
		var elemTypes []tftypes.Type
		var vals []tftypes.Value
		for _, e := range x {
			ev := toTF(e)
			vals = append(vals, ev)
			elemTypes = append(elemTypes, ev.Type())
		}
		return tftypes.NewValue(tftypes.Tuple{ElementTypes: elemTypes}, vals)
	case string:
		return tftypes.NewValue(tftypes.String, x)
	case bool:
		return tftypes.NewValue(tftypes.Bool, x)
	case float64:
		return tftypes.NewValue(tftypes.Number, x)
	}
	return tftypes.NewValue(tftypes.DynamicPseudoType, nil)
}
