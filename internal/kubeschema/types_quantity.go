package kubeschema

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"k8s.io/apimachinery/pkg/api/resource"
)

var (
	_ basetypes.StringTypable                    = QuantityType{}
	_ xattr.TypeWithValidate                     = QuantityType{} //nolint:staticcheck // see Validate.
	_ basetypes.StringValuableWithSemanticEquals = QuantityValue{}
	_ xattr.ValidateableAttribute                = QuantityValue{}
)

// QuantityType is a Kubernetes resource quantity ("100m", "1Gi") held as a
// string, so the value the user wrote is kept and equal amounts do not diff.
type QuantityType struct {
	basetypes.StringType
}

// Equal reports whether o is also a QuantityType.
func (t QuantityType) Equal(o attr.Type) bool {
	_, ok := o.(QuantityType)
	return ok
}

// String names the type in framework messages.
func (t QuantityType) String() string {
	return "kubeschema.QuantityType"
}

// ValueType returns the value type of this type.
func (t QuantityType) ValueType(context.Context) attr.Value {
	return QuantityValue{}
}

// ValueFromString wraps a framework string.
func (t QuantityType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return QuantityValue{StringValue: in}, nil
}

// ValueFromTerraform converts a Terraform string.
func (t QuantityType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	s, err := stringFromTerraform(ctx, t.StringType, in)
	if err != nil {
		return nil, err
	}
	return QuantityValue{StringValue: s}, nil
}

// Validate checks map and list elements: the framework validates collection
// elements only through this deprecated interface, never through
// ValidateableAttribute (true in v1.19, see basetypes.MapType.Validate).
func (t QuantityType) Validate(ctx context.Context, in tftypes.Value, p path.Path) diag.Diagnostics {
	return validateElement(ctx, t, in, p)
}

// QuantityValue is a value of QuantityType.
type QuantityValue struct {
	basetypes.StringValue
}

// NewQuantityValue returns a known quantity.
func NewQuantityValue(s string) QuantityValue {
	return QuantityValue{StringValue: basetypes.NewStringValue(s)}
}

// NewQuantityNull returns a null quantity.
func NewQuantityNull() QuantityValue {
	return QuantityValue{StringValue: basetypes.NewStringNull()}
}

// Type returns QuantityType.
func (v QuantityValue) Type(context.Context) attr.Type {
	return QuantityType{}
}

// Equal is exact equality; StringSemanticEquals is the lenient one.
func (v QuantityValue) Equal(o attr.Value) bool {
	other, ok := o.(QuantityValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

// StringSemanticEquals treats "0.1" and "100m", or "1Gi" and "1024Mi", as equal.
func (v QuantityValue) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	other, ok := newValuable.(QuantityValue)
	if !ok {
		diags.AddError("Semantic Equality Check Error", fmt.Sprintf("expected a QuantityValue, got %T; this is a bug in the provider", newValuable))
		return false, diags
	}
	a, errA := resource.ParseQuantity(v.ValueString())
	b, errB := resource.ParseQuantity(other.ValueString())
	if errA != nil || errB != nil {
		return v.ValueString() == other.ValueString(), diags
	}
	return a.Cmp(b) == 0, diags
}

// ValidateAttribute rejects text that Kubernetes cannot parse as a quantity.
func (v QuantityValue) ValidateAttribute(_ context.Context, req xattr.ValidateAttributeRequest, resp *xattr.ValidateAttributeResponse) {
	if v.IsNull() || v.IsUnknown() {
		return
	}
	if _, err := resource.ParseQuantity(v.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Kubernetes quantity",
			fmt.Sprintf("%s: invalid quantity %q: %s", req.Path, v.ValueString(), err))
	}
}
