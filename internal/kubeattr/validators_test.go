package kubeattr

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// validateString runs a string validator on one value at path p and returns the error
// detail, or "".
func validateString(v validator.String, p path.Path, value string) string {
	resp := &validator.StringResponse{}
	v.ValidateString(context.Background(), validator.StringRequest{Path: p, ConfigValue: types.StringValue(value)}, resp)
	if !resp.Diagnostics.HasError() {
		return ""
	}
	return resp.Diagnostics.Errors()[0].Detail()
}

func TestDurationValidator(t *testing.T) {
	p := path.Root("timeouts").AtName("create")
	for value, bad := range map[string]bool{
		"30s": false, "10m": false, "1ns": false, "1h30m": false,
		"0s": true, "0": true, "-1s": true, "-5m": true, "soon": true, "": true, "10": true,
	} {
		detail := validateString(DurationValidator{}, p, value)
		if (detail != "") != bad {
			t.Errorf("%q: error %q, want an error %t", value, detail, bad)
		}
		if bad && (!strings.Contains(detail, "timeouts.create") || !strings.Contains(detail, "positive")) {
			t.Errorf("%q: the error names neither the attribute nor the rule: %s", value, detail)
		}
	}
}

// TestTimeoutsRefuseNonPositive: every bound of the shared timeouts attribute carries the
// duration rule.
func TestTimeoutsRefuseNonPositive(t *testing.T) {
	nested, ok := Timeouts(context.Background(), "5m", "").(schema.SingleNestedAttribute)
	if !ok {
		t.Fatal("timeouts is not a single nested attribute")
	}
	for _, name := range []string{"create", "update", "delete"} {
		str, ok := nested.Attributes[name].(schema.StringAttribute)
		if !ok {
			t.Fatalf("timeouts.%s is not a string attribute", name)
		}
		for _, value := range []string{"-1s", "0s"} {
			refused := false
			for _, v := range str.Validators {
				refused = refused || validateString(v, path.Root("timeouts").AtName(name), value) != ""
			}
			if !refused {
				t.Errorf("timeouts.%s accepts %q", name, value)
			}
		}
	}
}

func TestFieldManagerValidators(t *testing.T) {
	p := path.Root("field_manager")
	for _, tc := range []struct {
		value       string
		prefix, len string // wanted error texts, "" for none
	}{
		{"k8sfleet-team", "", ""},
		{"k8sfleet", "", ""},
		{"k8sfleet-" + strings.Repeat("a", MaxFieldManagerBytes-9), "", ""},
		{"k8sfleet-" + strings.Repeat("a", MaxFieldManagerBytes-8), "", "129 bytes"},
		{"k8sfleet-" + strings.Repeat("é", 60), "", "129 bytes"},
		{strings.Repeat("m", 200), "must start with", "200 bytes"},
		{"kubectl", "must start with", ""},
	} {
		if got := validateString(FieldManagerValidator{}, p, tc.value); !matches(got, tc.prefix) {
			t.Errorf("prefix rule on %.20q...: %q, want %q", tc.value, got, tc.prefix)
		}
		if got := validateString(FieldManagerLengthValidator{}, p, tc.value); !matches(got, tc.len) {
			t.Errorf("length rule on %.20q...: %q, want %q", tc.value, got, tc.len)
		}
	}
}

func TestNodeNameValidator(t *testing.T) {
	p := path.Root("node_name")
	for value, bad := range map[string]bool{
		"k8s-01": false, "ip-10-0-0-1.ec2.internal": false, strings.Repeat("n", 253): false,
		"Bad_Node": true, "UPPER": true, "": true, "-lead": true, "trail.": true, "has space": true, strings.Repeat("n", 254): true,
	} {
		detail := validateString(NodeNameValidator{}, p, value)
		if (detail != "") != bad {
			t.Errorf("%.20q: error %q, want an error %t", value, detail, bad)
		}
		if bad && !strings.Contains(detail, "node_name") {
			t.Errorf("%.20q: the error does not name the attribute: %s", value, detail)
		}
	}
}

func matches(got, want string) bool {
	if want == "" {
		return got == ""
	}
	return strings.Contains(got, want)
}
