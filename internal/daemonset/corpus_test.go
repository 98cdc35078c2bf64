package daemonset_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/daemonset"
)

// corpusManifest is one agent's DaemonSet from testdata/corpus, converted by FromObject.
type corpusManifest struct {
	file     string
	ds       *appsv1.DaemonSet
	metadata string // HCL of the metadata attribute
	spec     string // HCL of the spec attribute
}

func (m corpusManifest) address() string { return "k8sfleet_daemonset." + m.resourceName() }

func (m corpusManifest) resourceName() string {
	return strings.ReplaceAll(strings.TrimSuffix(m.file, ".yaml"), "-", "_")
}

func (m corpusManifest) id() string { return m.ds.Namespace + "/" + m.ds.Name }

// loadCorpus parses every manifest as Kubernetes reads YAML (defaultMode 0400 is 256).
func loadCorpus(t *testing.T) []corpusManifest {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "corpus", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus manifests: %v", err)
	}
	var out []corpusManifest
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		ds := &appsv1.DaemonSet{}
		if err := yaml.UnmarshalStrict(raw, ds); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		meta, spec, err := daemonset.FromObject(ds)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		m := corpusManifest{file: filepath.Base(f), ds: ds}
		if m.metadata, err = hclValue(meta, "  "); err != nil {
			t.Fatal(err)
		}
		if m.spec, err = hclValue(spec, "  "); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// corpusConfig writes every manifest as a resource; change rewrites one manifest's HCL.
func corpusConfig(ms []corpusManifest, extra string, change func(corpusManifest) string) string {
	var b strings.Builder
	for _, m := range ms {
		spec := m.spec
		if change != nil {
			spec = change(m)
		}
		fmt.Fprintf(&b, "# %s\nresource \"k8sfleet_daemonset\" %q {\n  metadata = %s\n  spec = %s\n  %s\n}\n\n",
			m.file, m.resourceName(), m.metadata, spec, extra)
	}
	return b.String()
}

// bumpImage changes the first container's image tag, the one-field change of the test.
func bumpImage(m corpusManifest) string {
	img := m.ds.Spec.Template.Spec.Containers[0].Image
	return strings.Replace(m.spec, hclQuoted(img), hclQuoted(img+"-next"), 1)
}

func hclQuoted(s string) string { return `image = "` + s + `"` }

// requiredProvider names the provider's source: an import step plans in a working directory
// of its own, which does not get it from the test harness.
const requiredProvider = `terraform {
  required_providers {
    k8sfleet = { source = "k8sfleet/k8sfleet" }
  }
}
`

// TestAccDaemonSet_corpus applies the node-agent manifests of testdata/corpus, written
// field for field after published manifests and rendered charts, through the provider's
// own conversion. Each applies and then plans empty, imports into an empty state with a
// no-op plan, and plans exactly one field for a one-field change.
func TestAccDaemonSet_corpus(t *testing.T) {
	c := acctest.Cluster(t).Client
	ms := loadCorpus(t)
	if len(ms) < 12 {
		t.Fatalf("the corpus has %d manifests, want at least 12", len(ms))
	}
	ctx := context.Background()
	for _, m := range ms {
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: m.ds.Namespace}}
		if _, err := c.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			t.Fatal(err)
		}
	}
	// Pods are not waited for: what is under test is the object the API server stores.
	const noWait = "wait_for_rollout = false"
	applied := corpusConfig(ms, noWait, nil)
	changed := corpusConfig(ms, noWait, bumpImage)

	var emptyAfterApply, exactChanges atomic.Int32
	var imported atomic.Int32
	steps := []resource.TestStep{{
		Config: applied,
		ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
			plancheck.ExpectEmptyPlan(), countCheck(&emptyAfterApply, len(ms)),
		}},
	}}
	for _, m := range ms {
		steps = append(steps, resource.TestStep{
			// The import adopts wait_for_rollout's default, which the configuration keeps: the
			// plan under test is the object's, which must be a no-op. Its working directory
			// starts empty, so the configuration holds only the imported DaemonSet: planning
			// the others as creates would cost a dry run each and test nothing.
			Config:          requiredProvider + corpusConfig([]corpusManifest{m}, "", nil),
			ResourceName:    m.address(),
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithID,
			ImportStateId:   m.id(),
			ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(m.address(), plancheck.ResourceActionNoop), countCheck(&imported, 1),
			}},
		})
	}
	steps = append(steps, resource.TestStep{
		Config: changed,
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{onlyChanged(&exactChanges, "spec.template.spec.containers.0.image")},
			PostApplyPostRefresh: []plancheck.PlanCheck{
				plancheck.ExpectEmptyPlan(),
			},
		},
	})
	start := time.Now()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraformState) error {
			for _, m := range ms {
				if err := acctest.DaemonSetDestroyed(t, m.ds.Namespace, m.ds.Name)(nil); err != nil {
					return err
				}
			}
			return nil
		},
		Steps: steps,
	})
	t.Logf("corpus: %d manifests; %d applied and planned empty; %d imported with a no-op plan; %d planned exactly the one changed field; %s",
		len(ms), emptyAfterApply.Load(), imported.Load(), exactChanges.Load(), time.Since(start).Round(time.Second))
}

// countCheck adds n to a counter when the plan checks before it passed.
func countCheck(counter *atomic.Int32, n int) plancheck.PlanCheck {
	return planCheckFunc(func(plancheck.CheckPlanRequest, *plancheck.CheckPlanResponse) { counter.Add(int32(n)) })
}

type planCheckFunc func(plancheck.CheckPlanRequest, *plancheck.CheckPlanResponse)

func (f planCheckFunc) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	f(req, resp)
}

// onlyChanged checks that every DaemonSet's plan changes exactly one configured attribute,
// at the given path, and nothing else of metadata and spec.
func onlyChanged(counter *atomic.Int32, want string) plancheck.PlanCheck {
	return planCheckFunc(func(req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
		var problems []string
		for _, rc := range req.Plan.ResourceChanges {
			if rc.Type != daemonset.TypeName {
				continue
			}
			before, _ := rc.Change.Before.(map[string]any)
			after, _ := rc.Change.After.(map[string]any)
			var paths []string
			for _, key := range []string{"metadata", "spec"} {
				paths = append(paths, diffPaths(key, before[key], after[key])...)
			}
			sort.Strings(paths)
			if len(paths) != 1 || paths[0] != want {
				problems = append(problems, fmt.Sprintf("%s changes %v", rc.Address, paths))
				continue
			}
			counter.Add(1)
		}
		if len(problems) > 0 {
			resp.Error = fmt.Errorf("want only %s to change:\n%s", want, strings.Join(problems, "\n"))
		}
	})
}

// diffPaths lists the leaf paths where a and b differ; a null and an absent value are equal.
func diffPaths(at string, a, b any) []string {
	am, aIsMap := a.(map[string]any)
	bm, bIsMap := b.(map[string]any)
	if aIsMap || bIsMap {
		var out []string
		keys := map[string]bool{}
		for k := range am {
			keys[k] = true
		}
		for k := range bm {
			keys[k] = true
		}
		for k := range keys {
			out = append(out, diffPaths(at+"."+k, am[k], bm[k])...)
		}
		return out
	}
	al, aIsList := a.([]any)
	bl, bIsList := b.([]any)
	if aIsList || bIsList {
		var out []string
		for i := 0; i < max(len(al), len(bl)); i++ {
			var x, y any
			if i < len(al) {
				x = al[i]
			}
			if i < len(bl) {
				y = bl[i]
			}
			out = append(out, diffPaths(fmt.Sprintf("%s.%d", at, i), x, y)...)
		}
		if len(al) != len(bl) && len(out) == 0 {
			out = append(out, at)
		}
		return out
	}
	if !reflect.DeepEqual(a, b) {
		return []string{at}
	}
	return nil
}
