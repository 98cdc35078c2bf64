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
)

func stringFromTerraform(ctx context.Context, base basetypes.StringType, in tftypes.Value) (basetypes.StringValue, error) {
	v, err := base.ValueFromTerraform(ctx, in)
	if err != nil {
		return basetypes.StringValue{}, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return basetypes.StringValue{}, fmt.Errorf("expected a string value, got %T", v)
	}
	return s, nil
}

// validateElement runs a value's ValidateAttribute for the deprecated
// type-level hook, so both paths give the same message.
func validateElement(ctx context.Context, t attr.Type, in tftypes.Value, p path.Path) diag.Diagnostics {
	var diags diag.Diagnostics
	v, err := t.ValueFromTerraform(ctx, in)
	if err != nil {
		diags.AddAttributeError(p, "Invalid value", err.Error())
		return diags
	}
	validateable, ok := v.(xattr.ValidateableAttribute)
	if !ok {
		return diags
	}
	resp := xattr.ValidateAttributeResponse{}
	validateable.ValidateAttribute(ctx, xattr.ValidateAttributeRequest{Path: p}, &resp)
	return resp.Diagnostics
}
