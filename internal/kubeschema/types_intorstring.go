package kubeschema

import (
	"context"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"k8s.io/apimachinery/pkg/util/intstr"
)

var (
	_ basetypes.StringTypable                    = IntOrStringType{}
	_ xattr.TypeWithValidate                     = IntOrStringType{} //nolint:staticcheck // see QuantityType.Validate.
	_ basetypes.StringValuableWithSemanticEquals = IntOrStringValue{}
	_ xattr.ValidateableAttribute                = IntOrStringValue{}
)

// IntOrStringType is a Kubernetes int-or-string ("1", "25%", "http") held as a
// string: Terraform turns a number written in HCL into its decimal text, and
// ToKube sends integer text to Kubernetes as a JSON number.
type IntOrStringType struct {
	basetypes.StringType
}

// Equal reports whether o is also an IntOrStringType.
func (t IntOrStringType) Equal(o attr.Type) bool {
	_, ok := o.(IntOrStringType)
	return ok
}

// String names the type in framework messages.
func (t IntOrStringType) String() string {
	return "kubeschema.IntOrStringType"
}

// ValueType returns the value type of this type.
func (t IntOrStringType) ValueType(context.Context) attr.Value {
	return IntOrStringValue{}
}

// ValueFromString wraps a framework string.
func (t IntOrStringType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return IntOrStringValue{StringValue: in}, nil
}

// ValueFromTerraform converts a Terraform string.
func (t IntOrStringType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	s, err := stringFromTerraform(ctx, t.StringType, in)
	if err != nil {
		return nil, err
	}
	return IntOrStringValue{StringValue: s}, nil
}

// Validate checks collection elements, as QuantityType.Validate does.
func (t IntOrStringType) Validate(ctx context.Context, in tftypes.Value, p path.Path) diag.Diagnostics {
	return validateElement(ctx, t, in, p)
}

// IntOrStringValue is a value of IntOrStringType.
type IntOrStringValue struct {
	basetypes.StringValue
}

// NewIntOrStringValue returns a known int-or-string.
func NewIntOrStringValue(s string) IntOrStringValue {
	return IntOrStringValue{StringValue: basetypes.NewStringValue(s)}
}

// NewIntOrStringNull returns a null int-or-string.
func NewIntOrStringNull() IntOrStringValue {
	return IntOrStringValue{StringValue: basetypes.NewStringNull()}
}

// Type returns IntOrStringType.
func (v IntOrStringValue) Type(context.Context) attr.Type {
	return IntOrStringType{}
}

// Equal is exact equality; StringSemanticEquals is the lenient one.
func (v IntOrStringValue) Equal(o attr.Value) bool {
	other, ok := o.(IntOrStringValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

// Kube gives the value as Kubernetes reads it, with intstr.Parse's rule: text
// that is a 32-bit integer is a number, anything else a string.
func (v IntOrStringValue) Kube() intstr.IntOrString {
	return intstr.Parse(v.ValueString())
}

// StringSemanticEquals treats "01" and "1" as equal, as Kubernetes does.
func (v IntOrStringValue) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	other, ok := newValuable.(IntOrStringValue)
	if !ok {
		diags.AddError("Semantic Equality Check Error", fmt.Sprintf("expected an IntOrStringValue, got %T; this is a bug in the provider", newValuable))
		return false, diags
	}
	return v.Kube() == other.Kube(), diags
}

// ValidateAttribute rejects the two forms Kubernetes never accepts: empty
// text, and an integer too large for its 32 bits (it would be sent as a string).
func (v IntOrStringValue) ValidateAttribute(_ context.Context, req xattr.ValidateAttributeRequest, resp *xattr.ValidateAttributeResponse) {
	if v.IsNull() || v.IsUnknown() {
		return
	}
	s := v.ValueString()
	if s == "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Kubernetes int-or-string",
			fmt.Sprintf("%s: an int-or-string must be an integer or a non-empty string", req.Path))
		return
	}
	if _, err := strconv.ParseInt(s, 10, 64); err == nil && v.Kube().Type != intstr.Int {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Kubernetes int-or-string",
			fmt.Sprintf("%s: invalid int-or-string %q: an integer must fit in 32 bits", req.Path, s))
	}
}
