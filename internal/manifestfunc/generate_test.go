package manifestfunc_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/manifestfunc"
)

// TestAccAdopt_generatedConfig measures what the guide says about config generation: the
// file `terraform plan -generate-config-out` writes for an imported log shipper, against the
// import block plus the manifest through the function, which plans no change.
func TestAccAdopt_generatedConfig(t *testing.T) {
	c := acctest.Cluster(t).Client
	raw, err := os.ReadFile(filepath.Join("testdata", "shapes", "log-shipper.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	name := acctest.RandomName("shipper")
	manifest := []byte(strings.ReplaceAll(string(raw), "log-shipper", name))
	ds, err := manifestfunc.ParseText(string(manifest))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	manifestFile := filepath.Join(t.TempDir(), "agent.yaml")
	if err := os.WriteFile(manifestFile, manifest, 0o600); err != nil {
		t.Fatal(err)
	}
	ensureServiceAccount(t, manifestFile)
	if err := creators["kubectl-apply"](ctx, c, ds, manifest); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.AppsV1().DaemonSets(ds.Namespace).Delete(ctx, name, metav1.DeleteOptions{}) }()
	settle(t, c, ds.Namespace, name)

	importBlock := fmt.Sprintf("import {\n  to = %s\n  id = \"%s/%s\"\n}\n", addr, ds.Namespace, name)
	cli := acctest.NewCLI(t, os.Getenv("KUBE_CONFIG_PATH"))
	cli.Write(t, "provider \"k8sfleet\" {}\n"+importBlock)
	if out, err := cli.Run(ctx, "plan", "-generate-config-out=generated.tf"); err != nil {
		t.Fatalf("plan -generate-config-out: %v\n%s", err, out)
	}
	generated, err := os.ReadFile(filepath.Join(cli.Dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Count(string(generated), "\n")
	nulls := strings.Count(string(generated), "= null")

	if err := os.Remove(filepath.Join(cli.Dir, "generated.tf")); err != nil {
		t.Fatal(err)
	}
	config := strings.Replace(manifestConfig(manifestFile), "terraform {\n  required_providers {\n    k8sfleet = { source = \"k8sfleet/k8sfleet\" }\n  }\n}\n", "", 1)
	cli.Write(t, "provider \"k8sfleet\" {}\n"+config+importBlock)
	// An import counts as a change to -detailed-exitcode; the summary says what it is.
	out, err := cli.Run(ctx, "plan")
	if err != nil {
		t.Fatalf("plan: %v\n%s", err, out)
	}
	t.Logf("generated configuration: %d lines, %d of them `= null`; with the function: %d lines of HCL beside the %d-line manifest, and the plan imports with no change",
		lines, nulls, strings.Count(config+importBlock, "\n"), strings.Count(string(manifest), "\n"))
	if !strings.Contains(out, "1 to import, 0 to add, 0 to change, 0 to destroy") {
		t.Errorf("plan:\n%s", out)
	}
}
