package manifestfunc_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/manifestfunc"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/testcluster"
)

// gpuNode is the one node with a GPU label, for the device plugin's node affinity.
const gpuNode = "k8s-02"

func nodes() []testcluster.Node {
	out := testcluster.DemoNodes()
	for i := range out {
		if out[i].Name == gpuNode {
			out[i].Labels = map[string]string{"nvidia.com/gpu.present": "true"}
		}
	}
	return out
}

func TestMain(m *testing.M) { acctest.Main(m, nodes()) }

const addr = "k8sfleet_daemonset.test"

var (
	workers = []string{"k8s-01", "k8s-02", "k8s-03"}
	all     = append(append([]string{}, workers...), "k8s-master-01", "k8s-master-02", "k8s-master-03")
)

// shapes are the manifests of testdata/shapes with the nodes the DaemonSet controller
// gives a pod.
var shapes = map[string][]string{
	"log-shipper":       workers,   // no toleration: the masters' taint keeps it off
	"cni-agent":         all,       // tolerates every NoSchedule taint
	"csi-node":          workers,   // kubernetes.io/os=linux, no toleration
	"gpu-device-plugin": {gpuNode}, // node affinity on the GPU label
	"node-exporter":     all,       // tolerates everything
}

// functionsAvailable skips below Terraform 1.8, which has no provider-defined functions.
var functionsAvailable = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)}

func manifestConfig(file string) string {
	return fmt.Sprintf(`
terraform {
  required_providers {
    k8sfleet = { source = "k8sfleet/k8sfleet" }
  }
}
locals { ds = provider::k8sfleet::daemonset_manifest(file(%q)) }
resource "k8sfleet_daemonset" "test" {
  metadata = local.ds.metadata
  spec     = local.ds.spec
}
`, file)
}

func expectPods(nodes []string) []plancheck.PlanCheck {
	// A create's placement_changes names every node that gets a pod, and no other.
	pods := map[string]knownvalue.Check{}
	for _, n := range nodes {
		pods[n] = knownvalue.StringRegexp(regexp.MustCompile(`^\+1: `))
	}
	return []plancheck.PlanCheck{
		plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
		plancheck.ExpectKnownValue(addr, tfjsonpath.New("expected_pod_count"), knownvalue.Int64Exact(int64(len(nodes)))),
		plancheck.ExpectKnownValue(addr, tfjsonpath.New("placement_changes"), knownvalue.MapExact(pods)),
	}
}

// TestAccManifest_shapes: each manifest goes through the function unchanged, plans with
// the controller's placement, applies, and plans empty.
func TestAccManifest_shapes(t *testing.T) {
	acctest.Cluster(t)
	files, _ := filepath.Glob("testdata/shapes/*.yaml")
	if len(files) != len(shapes) {
		t.Fatalf("%d files in testdata/shapes, %d in the table", len(files), len(shapes))
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".yaml")
		t.Run(name, func(t *testing.T) { testShape(t, f, "kube-system", name, shapes[name]) })
	}
}

// TestAccManifest_corpus runs every manifest of the fidelity corpus through the function
// in one configuration: each plans a create with a known prediction, applies with the
// controller's count equal to the predicted one, and plans empty. Pods are not waited for
// (the object the API server stores is what is under test), and there are no import steps:
// internal/daemonset's corpus test imports the same manifests.
func TestAccManifest_corpus(t *testing.T) {
	acctest.Cluster(t)
	files, _ := filepath.Glob(filepath.Join(acctest.RepoRoot(), "internal", "daemonset", "testdata", "corpus", "*.yaml"))
	if len(files) < 12 {
		t.Fatalf("%d manifests in the corpus, want at least 12", len(files))
	}
	type entry struct{ file, addr, namespace, name string }
	var entries []entry
	config := `
terraform {
  required_providers {
    k8sfleet = { source = "k8sfleet/k8sfleet" }
  }
}
`
	c := acctest.Cluster(t).Client
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		ds, err := manifestfunc.ParseText(string(raw))
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(f), err)
		}
		ns := ds.Namespace
		if ns == "" {
			ns = "default"
		}
		_, err = c.CoreV1().Namespaces().Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			t.Fatal(err)
		}
		local := strings.NewReplacer("-", "_", ".", "_").Replace(strings.TrimSuffix(filepath.Base(f), ".yaml"))
		entries = append(entries, entry{f, "k8sfleet_daemonset." + local, ns, ds.Name})
		config += fmt.Sprintf(`
resource "k8sfleet_daemonset" %q {
  metadata         = provider::k8sfleet::daemonset_manifest(file(%q)).metadata
  spec             = provider::k8sfleet::daemonset_manifest(file(%q)).spec
  wait_for_rollout = false
}
`, local, f, f)
	}
	var planned []plancheck.PlanCheck
	var checks []resource.TestCheckFunc
	for _, e := range entries {
		planned = append(planned,
			plancheck.ExpectResourceAction(e.addr, plancheck.ResourceActionCreate),
			plancheck.ExpectKnownValue(e.addr, tfjsonpath.New("expected_pod_count"), knownvalue.NotNull()))
		checks = append(checks, predictedIsDesired(t, e.addr, e.namespace, e.name))
	}
	start := time.Now()
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   functionsAvailable,
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			for _, e := range entries {
				if err := acctest.DaemonSetDestroyed(t, e.namespace, e.name)(s); err != nil {
					return err
				}
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             planned,
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: resource.ComposeAggregateTestCheckFunc(checks...),
		}},
	})
	t.Logf("corpus: %d manifests through the function planned, applied with the predicted count and planned empty in %s",
		len(entries), time.Since(start).Round(time.Second))
}

// predictedIsDesired compares the planned expected_pod_count with the controller's count.
func predictedIsDesired(t *testing.T, addr, namespace, name string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s not in state", addr)
		}
		var want int32
		if _, err := fmt.Sscan(rs.Primary.Attributes["expected_pod_count"], &want); err != nil {
			return fmt.Errorf("expected_pod_count %q: %w", rs.Primary.Attributes["expected_pod_count"], err)
		}
		return acctest.DesiredIs(t, namespace, name, want)(s)
	}
}

func testShape(t *testing.T, file, namespace, name string, nodes []string) {
	abs, err := filepath.Abs(file)
	if err != nil {
		t.Fatal(err)
	}
	ensureServiceAccount(t, file)
	start := time.Now()
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   functionsAvailable,
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.DaemonSetDestroyed(t, namespace, name),
		Steps: []resource.TestStep{
			{
				Config:           manifestConfig(abs),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: expectPods(nodes)},
				Check:            acctest.DesiredIs(t, namespace, name, int32(len(nodes))),
			},
			{
				Config:           manifestConfig(abs),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
	t.Logf("%s: planned %d pods, applied, planned empty in %s", name, len(nodes), time.Since(start).Round(time.Second))
}

// ensureServiceAccount creates the manifest's service account, which the ServiceAccount
// admission plugin requires before the controller can create a pod.
func ensureServiceAccount(t *testing.T, file string) {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := manifestfunc.ParseText(string(raw))
	if err != nil {
		t.Fatal(err)
	}
	account := ds.Spec.Template.Spec.ServiceAccountName
	if account == "" {
		return
	}
	ns := ds.Namespace
	if ns == "" {
		ns = "default"
	}
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: account, Namespace: ns}}
	_, err = acctest.Cluster(t).Client.CoreV1().ServiceAccounts(ns).Create(context.Background(), sa, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
}
