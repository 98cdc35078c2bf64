package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// buildProvider builds the provider at a git ref (or the working tree, ref "worktree") into a
// filesystem mirror of the run's own, so that a `make install` elsewhere in the tree during a
// long run cannot swap the binary under terraform. It returns the CLI configuration file and
// a description of what was built.
func buildProvider(ctx context.Context, ref, dir string) (rc, desc string, err error) {
	src := "."
	if ref == "worktree" {
		out, err := exec.CommandContext(ctx, "git", "describe", "--always", "--dirty").Output()
		if err != nil {
			return "", "", fmt.Errorf("git describe: %w", err)
		}
		desc = "working tree " + strings.TrimSpace(string(out))
	} else {
		out, err := exec.CommandContext(ctx, "git", "log", "-1", "--format=%h %s", ref).Output()
		if err != nil {
			return "", "", fmt.Errorf("git log %s: %w", ref, err)
		}
		desc = "commit " + strings.TrimSpace(string(out))
		src = filepath.Join(dir, "src")
		if err := os.MkdirAll(src, 0o755); err != nil {
			return "", "", err
		}
		archive := exec.CommandContext(ctx, "sh", "-c", `git archive "$1" | tar -x -C "$2"`, "sh", ref, src)
		if out, err := archive.CombinedOutput(); err != nil {
			return "", "", fmt.Errorf("git archive %s: %w\n%s", ref, err, out)
		}
	}
	plugins := filepath.Join(dir, "plugins")
	bin := filepath.Join(plugins, "registry.terraform.io", "k8sfleet", "k8sfleet", "0.0.1",
		runtime.GOOS+"_"+runtime.GOARCH, "terraform-provider-k8sfleet_v0.0.1")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	build.Dir = src
	if out, err := build.CombinedOutput(); err != nil {
		return "", "", fmt.Errorf("building the provider (%s): %w\n%s", desc, err, out)
	}
	rc = filepath.Join(dir, "terraformrc")
	cfg := fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = ["k8sfleet/k8sfleet"]
  }
  direct {
    exclude = ["k8sfleet/k8sfleet"]
  }
}
`, plugins)
	return rc, desc, os.WriteFile(rc, []byte(cfg), 0o644)
}
