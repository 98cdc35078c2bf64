package examples

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	goversion "github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/provider"
)

// providerVersion is the version the filesystem mirror offers; any will do for validate.
const providerVersion = "0.0.1"

// mirrorHosts are the registries "k8sfleet/k8sfleet" resolves to: Terraform's and OpenTofu's.
var mirrorHosts = []string{"registry.terraform.io", "registry.opentofu.org"}

// TestExamplesLayout checks the layout tfplugindocs reads: a provider example, and for each
// resource a resource.tf and an import.sh, for each data source a data-source.tf.
func TestExamplesLayout(t *testing.T) {
	root := examplesDir(t)
	resources, dataSources := typeNames(t)
	want := []string{filepath.Join("provider", "provider.tf")}
	for _, name := range resources {
		want = append(want, filepath.Join("resources", name, "resource.tf"), filepath.Join("resources", name, "import.sh"))
	}
	for _, name := range dataSources {
		want = append(want, filepath.Join("data-sources", name, "data-source.tf"))
	}
	for _, rel := range want {
		info, err := os.Stat(filepath.Join(root, rel))
		switch {
		case err != nil:
			t.Errorf("examples/%s is missing: tfplugindocs puts it on the Registry page", rel)
		case info.Size() == 0:
			t.Errorf("examples/%s is empty", rel)
		}
	}
	// An import.sh shows the import of its own resource type.
	for _, name := range resources {
		raw, err := os.ReadFile(filepath.Join(root, "resources", name, "import.sh"))
		if err != nil {
			continue // reported above
		}
		imports := regexp.MustCompile(`(?m)^terraform import (\S+)\.`).FindAllSubmatch(raw, -1)
		if len(imports) == 0 {
			t.Errorf("examples/resources/%s/import.sh has no `terraform import %s.<name> <id>` line", name, name)
		}
		for _, m := range imports {
			if string(m[1]) != name {
				t.Errorf("examples/resources/%s/import.sh imports a %s", name, m[1])
			}
		}
	}
}

// TestExamplesValidate runs terraform init and validate in a copy of every directory of
// examples/ that holds .tf files, against the provider built from this tree and offered by
// a filesystem mirror: no registry is asked. TF_ACC_TERRAFORM_PATH picks the binary
// (terraform or tofu); without it, terraform on PATH; without either, or without TF_ACC,
// the test is skipped.
func TestExamplesValidate(t *testing.T) {
	acctest.SkipUnlessAcc(t)
	bin := terraformBinary(t)
	rc := providerMirror(t)
	root := examplesDir(t)
	dirs := exampleDirs(t, root)
	if len(dirs) == 0 {
		t.Fatal("no example directories found under examples/")
	}
	functions := cliAtLeast(t, bin, "1.8.0")
	actions := cliAtLeast(t, bin, "1.14.0")
	for _, dir := range dirs {
		rel, _ := filepath.Rel(root, dir)
		t.Run(filepath.ToSlash(rel), func(t *testing.T) {
			t.Parallel()
			if !functions && contains(t, dir, "provider::") {
				t.Skipf("%s calls a provider function, which needs Terraform 1.8 or later", rel)
			}
			if !actions && contains(t, dir, "action \"") {
				t.Skipf("%s declares an action, which needs Terraform 1.14 or later", rel)
			}
			work := copyExample(t, dir)
			run(t, bin, rc, work, "init", "-backend=false", "-input=false", "-no-color")
			run(t, bin, rc, work, "validate", "-no-color")
		})
	}
}

// cliAtLeast reports whether the CLI's version is at least min: 1.8 calls provider functions
// (OpenTofu 1.7 and later report at least 1.8), 1.14 runs actions (no OpenTofu release yet).
func cliAtLeast(t *testing.T, bin, min string) bool {
	t.Helper()
	tf, err := tfexec.NewTerraform(t.TempDir(), bin)
	if err != nil {
		t.Fatal(err)
	}
	v, _, err := tf.Version(context.Background(), true)
	if err != nil {
		t.Fatalf("%s version: %v", bin, err)
	}
	return v.GreaterThanOrEqual(goversion.Must(goversion.NewVersion(min)))
}

// contains reports whether an example's configuration holds text.
func contains(t *testing.T, dir, text string) bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(raw, []byte(text)) {
			return true
		}
	}
	return false
}

func examplesDir(t *testing.T) string {
	t.Helper()
	root := acctest.RepoRoot()
	if root == "" {
		t.Fatal("cannot find the repository root (terraform-registry-manifest.json)")
	}
	return filepath.Join(root, "examples")
}

// typeNames returns the provider's resource and data source type names, sorted.
func typeNames(t *testing.T) (resources, dataSources []string) {
	t.Helper()
	ctx := context.Background()
	p := provider.New("test")()
	var meta fwprovider.MetadataResponse
	p.Metadata(ctx, fwprovider.MetadataRequest{}, &meta)
	for _, newResource := range p.Resources(ctx) {
		var resp resource.MetadataResponse
		newResource().Metadata(ctx, resource.MetadataRequest{ProviderTypeName: meta.TypeName}, &resp)
		resources = append(resources, resp.TypeName)
	}
	for _, newDataSource := range p.DataSources(ctx) {
		var resp datasource.MetadataResponse
		newDataSource().Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: meta.TypeName}, &resp)
		dataSources = append(dataSources, resp.TypeName)
	}
	sort.Strings(resources)
	sort.Strings(dataSources)
	return resources, dataSources
}

func terraformBinary(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("TF_ACC_TERRAFORM_PATH"); bin != "" {
		return bin
	}
	bin, err := exec.LookPath("terraform")
	if err != nil {
		t.Skip("no terraform: set TF_ACC_TERRAFORM_PATH or put terraform on PATH (make tools builds one)")
	}
	return bin
}

var (
	mirrorOnce sync.Once
	mirrorDir  string
	mirrorRC   string
	mirrorErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if mirrorDir != "" {
		_ = os.RemoveAll(mirrorDir)
	}
	os.Exit(code)
}

// providerMirror builds the provider once into a filesystem mirror for both registries and
// returns a CLI configuration that installs k8sfleet/k8sfleet from it and nothing else.
func providerMirror(t *testing.T) string {
	t.Helper()
	mirrorOnce.Do(func() {
		dir, err := os.MkdirTemp("", "k8sfleet-examples-mirror-")
		if err != nil {
			mirrorErr = err
			return
		}
		mirrorDir = dir
		platform := runtime.GOOS + "_" + runtime.GOARCH
		exe := "terraform-provider-k8sfleet_v" + providerVersion
		if runtime.GOOS == "windows" {
			exe += ".exe"
		}
		var first string
		var include []string
		for _, host := range mirrorHosts {
			out := filepath.Join(dir, host, "k8sfleet", "k8sfleet", providerVersion, platform, exe)
			include = append(include, fmt.Sprintf("%q", host+"/k8sfleet/k8sfleet"))
			if first == "" {
				first = out
				cmd := exec.Command("go", "build", "-o", out, ".")
				cmd.Dir = acctest.RepoRoot()
				if b, err := cmd.CombinedOutput(); err != nil {
					mirrorErr = fmt.Errorf("building the provider: %w\n%s", err, b)
					return
				}
				continue
			}
			if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
				mirrorErr = err
				return
			}
			if err := os.Link(first, out); err != nil {
				mirrorErr = err
				return
			}
		}
		rc := fmt.Sprintf("provider_installation {\n  filesystem_mirror {\n    path    = %q\n    include = [%s]\n  }\n}\n",
			dir, strings.Join(include, ", "))
		mirrorRC = filepath.Join(dir, "cli.tfrc")
		mirrorErr = os.WriteFile(mirrorRC, []byte(rc), 0o600)
	})
	if mirrorErr != nil {
		t.Fatal(mirrorErr)
	}
	return mirrorRC
}

// exampleDirs lists every directory under root that holds a .tf file.
func exampleDirs(t *testing.T, root string) []string {
	t.Helper()
	seen := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".terraform" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ".tf") {
			seen[filepath.Dir(path)] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	dirs := make([]string, 0, len(seen))
	for dir := range seen {
		dirs = append(dirs, dir)
	}
	sort.Strings(dirs)
	return dirs
}

// copyExample copies the .tf, .tfvars and .yaml (read with file()) files of dir into a
// temporary directory. Resource and data source examples leave out the terraform block (the
// Registry page shows just the resource), so without a required_providers of its own the
// copy gets one naming k8sfleet/k8sfleet; otherwise terraform would look for hashicorp/k8sfleet.
func copyExample(t *testing.T, dir string) string {
	t.Helper()
	work := t.TempDir()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	declared := false
	for _, e := range entries {
		if e.IsDir() || !isConfigFile(e.Name()) {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(raw, []byte("required_providers")) {
			declared = true
		}
		if err := os.WriteFile(filepath.Join(work, e.Name()), raw, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if !declared {
		const terraformBlock = "terraform {\n  required_providers {\n    k8sfleet = {\n      source = \"k8sfleet/k8sfleet\"\n    }\n  }\n}\n"
		if err := os.WriteFile(filepath.Join(work, "zz_required_providers.tf"), []byte(terraformBlock), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return work
}

func isConfigFile(name string) bool {
	return strings.HasSuffix(name, ".tf") || strings.HasSuffix(name, ".tfvars") || strings.HasSuffix(name, ".yaml")
}

func run(t *testing.T, bin, rc, dir string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	cmd.Env = append(cleanEnv(), "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(bin), strings.Join(args, " "), err, out)
	}
}

// cleanEnv is the environment without the variables that would change where the CLI looks
// for providers, configuration or state.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name == "TF_CLI_CONFIG_FILE" || name == "TF_PLUGIN_CACHE_DIR" || name == "TF_DATA_DIR" ||
			name == "TF_WORKSPACE" || strings.HasPrefix(name, "TF_CLI_ARGS") {
			continue
		}
		env = append(env, kv)
	}
	return env
}
