package kubeschema

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func TestQuantitySemanticEquality(t *testing.T) {
	cases := []struct {
		a, b  string
		equal bool
	}{
		{"0.1", "100m", true},
		{"1Gi", "1024Mi", true},
		{"1", "1000m", true},
		{"1e3", "1k", true},
		{"200Mi", "200Mi", true},
		{"1G", "1Gi", false},
		{"100m", "0.2", false},
		{"12xyz", "12xyz", true},
		{"12xyz", "12", false},
	}
	for _, c := range cases {
		got, diags := NewQuantityValue(c.a).StringSemanticEquals(context.Background(), NewQuantityValue(c.b))
		if diags.HasError() || got != c.equal {
			t.Errorf("%q vs %q: equal = %v (%v), want %v", c.a, c.b, got, diags, c.equal)
		}
	}
	if _, diags := NewQuantityValue("1").StringSemanticEquals(context.Background(), types.StringValue("1")); !diags.HasError() {
		t.Error("comparing with a plain string gave no error")
	}
}

func TestIntOrStringSemanticEquality(t *testing.T) {
	cases := []struct {
		a, b  string
		equal bool
	}{
		{"1", "1", true},
		{"01", "1", true},
		{"25%", "25%", true},
		{"1", "1%", false},
		{"http", "8080", false},
	}
	for _, c := range cases {
		got, diags := NewIntOrStringValue(c.a).StringSemanticEquals(context.Background(), NewIntOrStringValue(c.b))
		if diags.HasError() || got != c.equal {
			t.Errorf("%q vs %q: equal = %v (%v), want %v", c.a, c.b, got, diags, c.equal)
		}
	}
}

// A number written in HCL reaches the provider as its decimal text.
func TestIntOrStringFromTerraformNumber(t *testing.T) {
	ctx := context.Background()
	v, err := IntOrStringType{}.ValueFromTerraform(ctx, tftypes.NewValue(tftypes.String, "1"))
	if err != nil {
		t.Fatal(err)
	}
	iv, ok := v.(IntOrStringValue)
	if !ok || iv.Kube().IntVal != 1 {
		t.Errorf("got %#v, want the integer 1", v)
	}
}

func validate(v xattr.ValidateableAttribute, p path.Path) string {
	resp := xattr.ValidateAttributeResponse{}
	v.ValidateAttribute(context.Background(), xattr.ValidateAttributeRequest{Path: p}, &resp)
	var msgs []string
	for _, d := range resp.Diagnostics.Errors() {
		msgs = append(msgs, d.Detail())
	}
	return strings.Join(msgs, "\n")
}

func TestQuantityValidation(t *testing.T) {
	p := path.Root("spec").AtName("template").AtName("spec").AtName("overhead").AtMapKey("cpu")
	msg := validate(NewQuantityValue("12xyz"), p)
	for _, want := range []string{`spec.template.spec.overhead["cpu"]`, `invalid quantity "12xyz": quantities must match the regular expression`} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	for _, ok := range []QuantityValue{NewQuantityValue("100m"), NewQuantityValue("1.5Gi"), NewQuantityNull(), {StringValue: types.StringUnknown()}} {
		if msg := validate(ok, p); msg != "" {
			t.Errorf("%v: unexpected error %q", ok, msg)
		}
	}
}

// Map elements reach validation only through the type, as the framework
// does for resources.limits.
func TestQuantityValidationInMap(t *testing.T) {
	limits := types.MapType{ElemType: QuantityType{}}
	in := tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, map[string]tftypes.Value{
		"cpu":    tftypes.NewValue(tftypes.String, "100m"),
		"memory": tftypes.NewValue(tftypes.String, "12xyz"),
	})
	diags := limits.Validate(context.Background(), in, path.Root("limits"))
	if diags.ErrorsCount() != 1 || !strings.Contains(diags.Errors()[0].Detail(), `limits["memory"]: invalid quantity "12xyz"`) {
		t.Errorf("diags = %v, want one error for memory", diags)
	}
}

func TestIntOrStringValidation(t *testing.T) {
	p := path.Root("max_unavailable")
	for s, want := range map[string]string{
		"1":          "",
		"25%":        "",
		"http":       "",
		"":           "max_unavailable: an int-or-string must be an integer or a non-empty string",
		"4294967296": `max_unavailable: invalid int-or-string "4294967296": an integer must fit in 32 bits`,
	} {
		if got := validate(NewIntOrStringValue(s), p); got != want {
			t.Errorf("%q: error %q, want %q", s, got, want)
		}
	}
}
