package provider

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/testcluster"
)

func configure(t *testing.T, values map[string]tftypes.Value) *provider.ConfigureResponse {
	t.Helper()
	ctx := context.Background()
	p := &Provider{}
	sch := configSchema()
	typ := sch.Type().TerraformType(ctx).(tftypes.Object) //nolint:forcetypeassert // the schema's type is an object
	attrs := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		attrs[name] = tftypes.NewValue(at, nil)
	}
	for k, v := range values {
		attrs[k] = v
	}
	resp := &provider.ConfigureResponse{}
	p.Configure(ctx, provider.ConfigureRequest{Config: tfsdk.Config{Schema: sch, Raw: tftypes.NewValue(typ, attrs)}}, resp)
	return resp
}

// TestConfigure_unknownValues: a cluster created in the same run leaves the provider
// configuration unknown at plan; the provider records that instead of failing.
func TestConfigure_unknownValues(t *testing.T) {
	resp := configure(t, map[string]tftypes.Value{"host": tftypes.NewValue(tftypes.String, tftypes.UnknownValue)})
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	c, ok := resp.ResourceData.(*kube.Client)
	if !ok || c.Configured() {
		t.Fatalf("resource data %#v, want an unconfigured client", resp.ResourceData)
	}
}

// TestConfigure_nothingSet: with no attribute and no environment, the error says what to set.
func TestConfigure_nothingSet(t *testing.T) {
	for _, env := range []string{"KUBE_CONFIG_PATH", "KUBE_CONFIG_PATHS", "KUBE_HOST", "KUBERNETES_SERVICE_HOST"} {
		t.Setenv(env, "")
	}
	resp := configure(t, nil)
	if !resp.Diagnostics.HasError() {
		t.Fatal("configure succeeded with nothing set")
	}
	if got := resp.Diagnostics.Errors()[0].Detail(); got != kube.ErrNoConfiguration.Error() {
		t.Fatalf("error %q", got)
	}
}

// TestConfigure_host: an explicit host builds a configured client without contacting it.
func TestConfigure_host(t *testing.T) {
	resp := configure(t, map[string]tftypes.Value{
		"host":  tftypes.NewValue(tftypes.String, "https://127.0.0.1:6443"),
		"token": tftypes.NewValue(tftypes.String, "t"),
		"qps":   tftypes.NewValue(tftypes.Number, 200),
	})
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	if c, ok := resp.ResourceData.(*kube.Client); !ok || !c.Configured() || !c.Options.PredictPlacement {
		t.Fatalf("resource data %#v", resp.ResourceData)
	}
}

// TestUserAgent: under a parent that is not OpenTofu (here go test), the CLI is Terraform
// at the version Terraform sent.
func TestUserAgent(t *testing.T) {
	if got, want := userAgent("1.2.3", "1.5.7"), "terraform-provider-k8sfleet/1.2.3 Terraform/1.5.7"; got != want {
		t.Fatalf("userAgent = %q, want %q", got, want)
	}
}

// TestOpenTofuVersion: OpenTofu is told from Terraform by the build information in its
// binary, whatever the file is called.
func TestOpenTofuVersion(t *testing.T) {
	if _, ok := openTofuVersion(os.Args[0]); ok {
		t.Fatal("the test binary is taken for OpenTofu")
	}
	if tf, err := exec.LookPath("terraform"); err == nil {
		if _, ok := openTofuVersion(tf); ok {
			t.Fatalf("%s is taken for OpenTofu", tf)
		}
	}
	tofu := filepath.Join(testcluster.BinDir(), "tofu")
	if _, err := os.Stat(tofu); err != nil {
		t.Skipf("%s is not built (make testacc-tofu builds it)", tofu)
	}
	if v, ok := openTofuVersion(tofu); !ok || v != "1.12.6" {
		t.Fatalf("openTofuVersion(%s) = %q, %v; want 1.12.6, true", tofu, v, ok)
	}
}
