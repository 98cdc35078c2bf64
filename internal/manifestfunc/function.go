// Package manifestfunc is the provider-defined function daemonset_manifest: a DaemonSet
// manifest, as text or as a decoded value, into the metadata and spec of k8sfleet_daemonset.
package manifestfunc

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	appsv1 "k8s.io/api/apps/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/daemonset"
)

var _ function.Function = &Function{}

// Name is the function's name: provider::k8sfleet::daemonset_manifest.
const Name = "daemonset_manifest"

// Function converts a DaemonSet manifest.
type Function struct{}

// New is the constructor the provider registers.
func New() function.Function { return &Function{} }

// Metadata names the function.
func (f *Function) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = Name
}

// Definition describes the parameter and the result.
func (f *Function) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "A DaemonSet manifest as the metadata and spec of k8sfleet_daemonset",
		MarkdownDescription: "Reads an apps/v1 DaemonSet manifest and returns `{ metadata, spec }` in the types of " +
			"`k8sfleet_daemonset`'s `metadata` and `spec`. The manifest is either text, YAML or JSON " +
			"(`file(\"agent.yaml\")`), parsed as Kubernetes parses it, where a file of several documents gives " +
			"its one document of kind `DaemonSet`; or a value Terraform decoded (`jsondecode(...)`). " +
			"An unknown field, a wrong `kind` or `apiVersion`, `status` in a manifest not read from a cluster, " +
			"or a value of the wrong type is an error naming the manifest path. Status, server-set metadata " +
			"(`uid`, `resourceVersion`, `generation`, `creationTimestamp`, `managedFields`) and kubectl's " +
			"`last-applied-configuration` annotation are dropped, so `kubectl get -o yaml` output works as is. " +
			"Prefer the text form for YAML: `yamldecode` reads `defaultMode: 0400` as the decimal 400, " +
			"Kubernetes as the octal 0400 (256). Provider-defined functions need Terraform 1.8+ or OpenTofu 1.7+.",
		Parameters: []function.Parameter{
			function.DynamicParameter{
				Name:                "manifest",
				MarkdownDescription: "The manifest: YAML or JSON text, or an object decoded by `yamldecode` or `jsondecode`.",
			},
		},
		Return: function.ObjectReturn{AttributeTypes: daemonset.ValueTypes()},
	}
}

// Run converts the manifest.
func (f *Function) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var arg types.Dynamic
	resp.Error = req.Arguments.Get(ctx, &arg)
	if resp.Error != nil {
		return
	}
	ds, err := decodeArgument(ctx, arg)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, "daemonset_manifest: "+err.Error())
		return
	}
	metadata, spec, err := daemonset.FromObject(ds)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, "daemonset_manifest: "+err.Error())
		return
	}
	result, diags := types.ObjectValue(daemonset.ValueTypes(), map[string]attr.Value{"metadata": metadata, "spec": spec})
	if diags.HasError() {
		resp.Error = function.FuncErrorFromDiags(ctx, diags)
		return
	}
	resp.Error = resp.Result.Set(ctx, result)
}

func decodeArgument(ctx context.Context, arg types.Dynamic) (*appsv1.DaemonSet, error) {
	if s, ok := arg.UnderlyingValue().(types.String); ok {
		return ParseText(s.ValueString())
	}
	tf, err := arg.UnderlyingValue().ToTerraformValue(ctx)
	if err != nil {
		return nil, err
	}
	v, err := goValue(tf)
	if err != nil {
		return nil, err
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the manifest is text (YAML or JSON) or an object, not %s", tf.Type().String())
	}
	return FromObject(obj)
}

// goValue turns a decoded Terraform value into what encoding/json gives with UseNumber.
func goValue(v tftypes.Value) (any, error) {
	if v.IsNull() {
		return nil, nil
	}
	if !v.IsFullyKnown() {
		return nil, fmt.Errorf("the manifest is not known yet")
	}
	switch t := v.Type(); {
	case t.Is(tftypes.String):
		var s string
		return s, v.As(&s)
	case t.Is(tftypes.Bool):
		var b bool
		return b, v.As(&b)
	case t.Is(tftypes.Number):
		n := new(big.Float)
		if err := v.As(&n); err != nil {
			return nil, err
		}
		if n.IsInt() {
			i, _ := n.Int(nil)
			return json.Number(i.String()), nil
		}
		return json.Number(n.Text('g', -1)), nil
	case t.Is(tftypes.Object{}) || t.Is(tftypes.Map{}):
		var m map[string]tftypes.Value
		if err := v.As(&m); err != nil {
			return nil, err
		}
		out := make(map[string]any, len(m))
		for k, e := range m {
			g, err := goValue(e)
			if err != nil {
				return nil, err
			}
			out[k] = g
		}
		return out, nil
	case t.Is(tftypes.List{}) || t.Is(tftypes.Tuple{}) || t.Is(tftypes.Set{}):
		var l []tftypes.Value
		if err := v.As(&l); err != nil {
			return nil, err
		}
		out := make([]any, len(l))
		for i, e := range l {
			g, err := goValue(e)
			if err != nil {
				return nil, err
			}
			out[i] = g
		}
		return out, nil
	}
	return nil, fmt.Errorf("the manifest holds a value of type %s", v.Type().String())
}
