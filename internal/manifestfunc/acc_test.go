package manifestfunc_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
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

// fieldRefDefault is the drift that issue #12 removes: the API server defaults
// fieldRef.apiVersion to v1 inside a struct it treats as one value, so the refresh reads it
// back as ours and the next plan removes it.
const fieldRefDefault = "value_from.field_ref.api_version"

// drift lists, per shape, the attributes that plan a change after apply until that fix;
// the test asserts exactly these, so that it fails, and the entry goes, once they no longer do.
var drift = map[string][]string{
	"log-shipper": {"spec.template.spec.containers[0].env[0]." + fieldRefDefault},
	"cni-agent": {
		"spec.template.spec.containers[0].env[0]." + fieldRefDefault,
		"spec.template.spec.containers[0].env[1]." + fieldRefDefault,
	},
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
	pods := map[string]knownvalue.Check{}
	for _, n := range all {
		pods[n] = knownvalue.Int64Exact(0)
	}
	for _, n := range nodes {
		pods[n] = knownvalue.Int64Exact(1)
	}
	return []plancheck.PlanCheck{
		plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
		plancheck.ExpectKnownValue(addr, tfjsonpath.New("expected_pod_count"), knownvalue.Int64Exact(int64(len(nodes)))),
		plancheck.ExpectKnownValue(addr, tfjsonpath.New("expected_pods"), knownvalue.MapExact(pods)),
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

// TestAccManifest_corpus runs the fidelity corpus through the function, once it exists:
// each applies with the controller's count equal to the planned one, and plans empty.
func TestAccManifest_corpus(t *testing.T) {
	acctest.Cluster(t)
	files, _ := filepath.Glob(filepath.Join(acctest.RepoRoot(), "internal", "daemonset", "testdata", "corpus", "*.yaml"))
	if len(files) == 0 {
		t.Skip("no corpus in internal/daemonset/testdata/corpus yet")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			ds, err := manifestfunc.ParseText(string(raw))
			if err != nil {
				t.Fatal(err)
			}
			ns := ds.Namespace
			if ns == "" {
				ns = "default"
			}
			ensureServiceAccount(t, f)
			resource.Test(t, resource.TestCase{
				TerraformVersionChecks:   functionsAvailable,
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				CheckDestroy:             checkDestroyed(t, ns, ds.Name),
				Steps: []resource.TestStep{
					{Config: manifestConfig(f), Check: predictedIsDesired(t, ns, ds.Name)},
					{Config: manifestConfig(f), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
				},
			})
		})
	}
}

// predictedIsDesired compares the planned expected_pod_count with the controller's count.
func predictedIsDesired(t *testing.T, namespace, name string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s not in state", addr)
		}
		var want int32
		if _, err := fmt.Sscan(rs.Primary.Attributes["expected_pod_count"], &want); err != nil {
			return fmt.Errorf("expected_pod_count %q: %w", rs.Primary.Attributes["expected_pod_count"], err)
		}
		return desiredIs(t, namespace, name, want)(s)
	}
}

func testShape(t *testing.T, file, namespace, name string, nodes []string) {
	abs, err := filepath.Abs(file)
	if err != nil {
		t.Fatal(err)
	}
	ensureServiceAccount(t, file)
	if len(drift[name]) > 0 {
		t.Logf("%s: until issue #12, plans after apply: %s", name, strings.Join(drift[name], ", "))
		testDrifting(t, abs, namespace, name, nodes)
		return
	}
	start := time.Now()
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   functionsAvailable,
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkDestroyed(t, namespace, name),
		Steps: []resource.TestStep{
			{
				Config:           manifestConfig(abs),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: expectPods(nodes)},
				Check:            desiredIs(t, namespace, name, int32(len(nodes))),
			},
			{
				Config:           manifestConfig(abs),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
	t.Logf("%s: planned %d pods, applied, planned empty in %s", name, len(nodes), time.Since(start).Round(time.Second))
}

// desiredIs checks the DaemonSet controller's own count against the prediction.
func desiredIs(t *testing.T, namespace, name string, want int32) resource.TestCheckFunc {
	return func(*terraform.State) error {
		c := acctest.Cluster(t).Client
		deadline := time.Now().Add(30 * time.Second)
		for {
			ds, err := c.AppsV1().DaemonSets(namespace).Get(context.Background(), name, metav1.GetOptions{})
			if err != nil {
				return err
			}
			if ds.Status.ObservedGeneration >= ds.Generation && ds.Status.DesiredNumberScheduled == want {
				return nil
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("desiredNumberScheduled = %d, want %d", ds.Status.DesiredNumberScheduled, want)
			}
			time.Sleep(250 * time.Millisecond)
		}
	}
}

func checkDestroyed(t *testing.T, namespace, name string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		_, err := acctest.Cluster(t).Client.AppsV1().DaemonSets(namespace).Get(context.Background(), name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return nil
		}
		return fmt.Errorf("DaemonSet %s/%s still exists (err %v)", namespace, name, err)
	}
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

// testDrifting applies a shape with known drift and asserts the plan after it shows that
// drift and nothing else.
func testDrifting(t *testing.T, file, namespace, name string, nodes []string) {
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   functionsAvailable,
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkDestroyed(t, namespace, name),
		Steps: []resource.TestStep{{
			Config: manifestConfig(file),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             expectPods(nodes),
				PostApplyPostRefresh: []plancheck.PlanCheck{onlyDrift{drift[name]}},
			},
			ExpectNonEmptyPlan: true,
			Check:              desiredIs(t, namespace, name, int32(len(nodes))),
		}},
	})
}

// onlyDrift passes when the attributes that change in the plan, apart from the status the
// provider recomputes with any change, are exactly paths.
type onlyDrift struct{ paths []string }

func (d onlyDrift) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != addr {
			continue
		}
		var diffs, got []string
		diffPaths("", rc.Change.Before, rc.Change.After, &diffs)
		for _, diff := range diffs {
			path, _, _ := strings.Cut(diff, ": ")
			if !strings.HasPrefix(path, "status") {
				got = append(got, path)
			}
		}
		if strings.Join(got, ",") != strings.Join(d.paths, ",") {
			resp.Error = fmt.Errorf("plan changes %v, want %v (all changes: %v)", got, d.paths, diffs)
		}
		return
	}
}
