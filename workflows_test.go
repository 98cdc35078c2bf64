package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// The workflows under .github/ never run in the project's own CI; these tests hold them to
// the files that do (make test runs actionlint on them as well).

type workflow struct {
	On   map[string]any         `json:"on"`
	Jobs map[string]workflowJob `json:"jobs"`
	// YAML 1.1, which the parser speaks, reads the key on as true.
	OnTrue map[string]any `json:"true"`
}

type workflowJob struct {
	Strategy struct {
		Matrix map[string]any `json:"matrix"`
	} `json:"strategy"`
	Steps []struct {
		Name string            `json:"name"`
		Uses string            `json:"uses"`
		Run  string            `json:"run"`
		Env  map[string]string `json:"env"`
	} `json:"steps"`
}

func readYAML(t *testing.T, path string, into any) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(raw, into); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// makeVar reads a simple `NAME := value` from the GNUmakefile.
func makeVar(t *testing.T, name string) string {
	t.Helper()
	raw, err := os.ReadFile("GNUmakefile")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^` + name + `\s*:?=\s*(\S+)\s*$`).FindSubmatch(raw)
	if m == nil {
		t.Fatalf("GNUmakefile sets no %s", name)
	}
	return string(m[1])
}

var goreleaserRelease = regexp.MustCompile(`goreleaser"? release`)

// TestReleaseWorkflow: a v* tag releases with the goreleaser configuration that
// make release-snapshot checks, with goreleaser built from tools/release and signing on.
func TestReleaseWorkflow(t *testing.T) {
	config := makeVar(t, "GORELEASER_CONFIG")
	mk, _ := os.ReadFile("GNUmakefile")
	if !strings.Contains(string(mk), "release --snapshot --clean --skip=publish,sign --config $(GORELEASER_CONFIG)") {
		t.Fatal("make release-snapshot does not run goreleaser with --config $(GORELEASER_CONFIG)")
	}

	var wf workflow
	readYAML(t, ".github/workflows/release.yml", &wf)
	if wf.On == nil {
		wf.On = wf.OnTrue
	}
	push, _ := wf.On["push"].(map[string]any)
	tags, _ := push["tags"].([]any)
	if !slices.Contains(tags, any("v*")) {
		t.Fatalf("release.yml runs on %v, want push of tags v*", wf.On)
	}
	var built, released bool
	for _, job := range wf.Jobs {
		for _, st := range job.Steps {
			if strings.Contains(st.Run, "scripts/build-tools.sh goreleaser") {
				built = true
			}
			if !goreleaserRelease.MatchString(st.Run) {
				continue
			}
			released = true
			if !strings.Contains(st.Run, "--config "+config) {
				t.Errorf("release.yml runs %q, not with --config %s as make release-snapshot does", st.Run, config)
			}
			for _, flag := range []string{"--snapshot", "--skip"} {
				if strings.Contains(st.Run, flag) {
					t.Errorf("release.yml runs goreleaser with %s", flag)
				}
			}
			if !strings.Contains(st.Env["GPG_FINGERPRINT"], "fingerprint") {
				t.Errorf("the release step's GPG_FINGERPRINT is %q, not the imported key's fingerprint", st.Env["GPG_FINGERPRINT"])
			}
		}
	}
	if !built || !released {
		t.Fatalf("release.yml must build goreleaser with scripts/build-tools.sh (built: %v) and run goreleaser release (ran: %v)", built, released)
	}

	var gr struct {
		Signs []struct {
			Artifacts string `json:"artifacts"`
		} `json:"signs"`
		Release struct {
			ExtraFiles []struct {
				Glob string `json:"glob"`
			} `json:"extra_files"`
		} `json:"release"`
	}
	readYAML(t, config, &gr)
	if len(gr.Signs) != 1 || gr.Signs[0].Artifacts != "checksum" {
		t.Errorf("%s signs %v, want the checksum file (SHA256SUMS) alone", config, gr.Signs)
	}
	if len(gr.Release.ExtraFiles) != 1 || gr.Release.ExtraFiles[0].Glob != "terraform-registry-manifest.json" {
		t.Errorf("%s attaches %v to the release, want the registry manifest", config, gr.Release.ExtraFiles)
	}
}

// TestDependabot: every Go module of the repository, the tools/ ones included, and the
// actions get updates.
func TestDependabot(t *testing.T) {
	var cfg struct {
		Updates []struct {
			Ecosystem   string   `json:"package-ecosystem"`
			Directory   string   `json:"directory"`
			Directories []string `json:"directories"`
		} `json:"updates"`
	}
	readYAML(t, ".github/dependabot.yml", &cfg)
	dirs := map[string][]string{}
	for _, u := range cfg.Updates {
		if u.Directory != "" {
			dirs[u.Ecosystem] = append(dirs[u.Ecosystem], u.Directory)
		}
		dirs[u.Ecosystem] = append(dirs[u.Ecosystem], u.Directories...)
	}
	mods, err := filepath.Glob("tools/*/go.mod")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"/"}
	for _, m := range mods {
		want = append(want, "/"+filepath.ToSlash(filepath.Dir(m)))
	}
	for _, d := range want {
		if !slices.Contains(dirs["gomod"], d) {
			t.Errorf("dependabot.yml has no gomod update for %s", d)
		}
	}
	if !slices.Contains(dirs["github-actions"], "/") {
		t.Error("dependabot.yml has no github-actions update")
	}
}

// TestTestWorkflow: the acceptance matrix covers the Terraform that make test pins and
// OpenTofu.
func TestTestWorkflow(t *testing.T) {
	env, err := os.ReadFile("scripts/env.sh")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^TERRAFORM_VERSION=v(\S+)$`).FindSubmatch(env)
	if m == nil {
		t.Fatal("scripts/env.sh sets no TERRAFORM_VERSION")
	}
	var wf workflow
	readYAML(t, ".github/workflows/test.yml", &wf)
	versions, _ := wf.Jobs["acceptance"].Strategy.Matrix["terraform"].([]any)
	if !slices.Contains(versions, any(string(m[1]))) {
		t.Errorf("test.yml's acceptance matrix %v lacks terraform %s", versions, m[1])
	}
	tofu := false
	for _, st := range wf.Jobs["acceptance-opentofu"].Steps {
		tofu = tofu || strings.Contains(st.Run, "make testacc-tofu")
	}
	if !tofu {
		t.Error("test.yml has no acceptance-opentofu job running make testacc-tofu")
	}
}
