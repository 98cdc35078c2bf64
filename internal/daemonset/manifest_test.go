package daemonset

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"sigs.k8s.io/yaml"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kubeschema"
)

// TestFromObject_corpus: every corpus manifest converts into the schema's values and back
// into the same typed object, so the configuration the corpus test writes is the manifest.
func TestFromObject_corpus(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "corpus", "*.yaml"))
	if len(files) < 12 {
		t.Fatalf("%d corpus manifests, want at least 12", len(files))
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		ds := &appsv1.DaemonSet{}
		if err := yaml.UnmarshalStrict(raw, ds); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		_, spec, err := FromObject(ds)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		back, err := kubeschema.ToKube(spec, specType, specOptions)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		b, _ := json.Marshal(back)
		var got appsv1.DaemonSetSpec
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if !equality.Semantic.DeepEqual(got, ds.Spec) {
			t.Errorf("%s: the spec does not survive the conversion:\n%s", f, b)
		}
	}
}

// TestFromObject_octalMode: defaultMode 0400 is 256, as Kubernetes reads YAML.
func TestFromObject_octalMode(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "corpus", "cilium.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ds := &appsv1.DaemonSet{}
	if err := yaml.Unmarshal(raw, ds); err != nil {
		t.Fatal(err)
	}
	for _, v := range ds.Spec.Template.Spec.Volumes {
		if v.Projected != nil && v.Projected.DefaultMode != nil && *v.Projected.DefaultMode != 256 {
			t.Errorf("defaultMode of %s is %d, want 256", v.Name, *v.Projected.DefaultMode)
		}
	}
}

// TestFromObject_templateMetadata: fields of the template's metadata the schema does not
// carry are an error, never dropped.
func TestFromObject_templateMetadata(t *testing.T) {
	ds := &appsv1.DaemonSet{}
	ds.Name = "x"
	ds.Spec.Template.Name = "kept"
	ds.Spec.Template.Finalizers = []string{"example.com/f"}
	if _, _, err := FromObject(ds); err == nil {
		t.Fatal("finalizers in the template's metadata were accepted")
	}
	ds.Spec.Template.Finalizers = nil
	_, spec, err := FromObject(ds)
	if err != nil {
		t.Fatal(err)
	}
	back, _ := kubeschema.ToKube(spec, specType, specOptions)
	tmpl, _ := back["template"].(map[string]any)
	meta, _ := tmpl["metadata"].(map[string]any)
	if meta["name"] != "kept" {
		t.Fatalf("template metadata name lost: %v", back)
	}
}

// TestReconcile_corpusCost: the equality rule over a large spec stays cheap; every manifest
// reconciled against itself with its image changed.
func TestReconcile_corpusCost(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "corpus", "*.yaml"))
	start := time.Now()
	for _, f := range files {
		raw, _ := os.ReadFile(f)
		ds := &appsv1.DaemonSet{}
		if err := yaml.Unmarshal(raw, ds); err != nil {
			t.Fatal(err)
		}
		_, spec, err := FromObject(ds)
		if err != nil {
			t.Fatal(err)
		}
		ds.Spec.Template.Spec.Containers[0].Image += "-next"
		_, changed, _ := FromObject(ds)
		got := keepStored(changed, spec, specType, specOptions, nil)
		if got.Equal(spec) || !got.Equal(changed) {
			t.Fatalf("%s: the changed image is not planned", f)
		}
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("reconciling %d specs took %s", len(files), d)
	} else {
		t.Logf("reconciling %d specs took %s", len(files), d)
	}
}
