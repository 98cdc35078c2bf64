package acctest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// CLI runs the real terraform binary against a provider binary built from this tree, for
// scenarios terraform-plugin-testing cannot express: `plan -out` then `apply` in separate
// provider processes, signals, logs, and an API server stopped mid-apply. Terraform, Apply,
// Plan and Destroy (tfexec.go) drive it through terraform-exec; Command and Run are the raw
// process, for the tests written against them before.
type CLI struct {
	Dir string
	Env []string
	bin string
}

var (
	buildOnce   sync.Once
	providerDir string
	buildErr    error
)

// ProviderVersion is stamped into the provider binary the CLI tests run, as a release's
// ldflags stamp theirs.
const ProviderVersion = "0.0.0-acc"

func buildProvider() (string, error) {
	buildOnce.Do(func() {
		providerDir = filepath.Join(RepoRoot(), "build", "acc-provider")
		cmd := exec.Command("go", "build", "-ldflags=-X main.version="+ProviderVersion,
			"-o", filepath.Join(providerDir, "terraform-provider-k8sfleet"), ".")
		cmd.Dir = RepoRoot()
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("building the provider: %w\n%s", err, out)
		}
	})
	return providerDir, buildErr
}

// NewCLI prepares a working directory whose terraform uses the freshly built provider
// through dev_overrides and the given kubeconfig ("" when the provider block says it all).
// It skips the test without TF_ACC.
func NewCLI(t *testing.T, kubeconfig string) *CLI {
	t.Helper()
	SkipUnlessAcc(t)
	dir, err := buildProvider()
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	rc := filepath.Join(work, ".terraformrc")
	rcText := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"k8sfleet/k8sfleet\" = %q\n  }\n  direct {}\n}\n", dir)
	if err := os.WriteFile(rc, []byte(rcText), 0o600); err != nil {
		t.Fatal(err)
	}
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if bin == "" {
		bin = "terraform"
	}
	env := []string{"TF_CLI_CONFIG_FILE=" + rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1"}
	if kubeconfig != "" {
		env = append(env, "KUBE_CONFIG_PATH="+kubeconfig)
	}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TF_") && !strings.HasPrefix(kv, "KUBE_") {
			env = append(env, kv)
		}
	}
	return &CLI{Dir: work, Env: env, bin: bin}
}

// Write replaces main.tf; the provider block requires the k8sfleet/k8sfleet source.
func (c *CLI) Write(t *testing.T, config string) {
	t.Helper()
	full := "terraform {\n  required_providers {\n    k8sfleet = { source = \"k8sfleet/k8sfleet\" }\n  }\n}\n" + config
	if err := os.WriteFile(filepath.Join(c.Dir, "main.tf"), []byte(full), 0o600); err != nil {
		t.Fatal(err)
	}
}

// Command returns a terraform command in the working directory; prefer Terraform.
func (c *CLI) Command(ctx context.Context, extraEnv []string, args ...string) *exec.Cmd {
	var flags []string
	switch args[0] {
	case "plan", "apply", "destroy", "import", "refresh":
		flags = []string{"-no-color", "-input=false"}
	case "show", "output", "validate", "init":
		flags = []string{"-no-color"}
	}
	args = append(args[:1:1], append(flags, args[1:]...)...)
	cmd := exec.CommandContext(ctx, c.bin, args...)
	cmd.Dir = c.Dir
	cmd.Env = append(append([]string{}, c.Env...), extraEnv...)
	return cmd
}

// Run runs terraform and returns its combined output.
func (c *CLI) Run(ctx context.Context, args ...string) (string, error) {
	out, err := c.Command(ctx, nil, args...).CombinedOutput()
	return string(out), err
}
