package daemonset_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8stypes "k8s.io/apimachinery/pkg/types"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/testcluster"
)

func TestMain(m *testing.M) { acctest.Main(m, testcluster.DemoNodes()) }

const addr = "k8sfleet_daemonset.test"

// expectChanges checks the planned prediction: the pod count and every node it changes.
func expectChanges(count int64, changes map[string]string) []plancheck.PlanCheck {
	want := map[string]knownvalue.Check{}
	for n, c := range changes {
		want[n] = knownvalue.StringExact(c)
	}
	return []plancheck.PlanCheck{
		plancheck.ExpectKnownValue(addr, tfjsonpath.New("expected_pod_count"), knownvalue.Int64Exact(count)),
		plancheck.ExpectKnownValue(addr, tfjsonpath.New("placement_changes"), knownvalue.MapExact(want)),
	}
}

// each maps every node to the same change.
func each(change string, nodes ...string) map[string]string {
	out := map[string]string{}
	for _, n := range nodes {
		out[n] = change
	}
	return out
}

const (
	masterTaint = "taint node-role.kubernetes.io/master:NoSchedule is not tolerated"
	noLogger    = "node selector does not match (logger=fluentd)"
)

func labelNodes(t *testing.T, value string, nodes ...string) {
	t.Helper()
	c := acctest.Cluster(t).Client
	for _, n := range nodes {
		patch := fmt.Sprintf(`{"metadata":{"labels":{"logger":%s}}}`, value)
		if _, err := c.CoreV1().Nodes().Patch(context.Background(), n, k8stypes.MergePatchType, []byte(patch), metav1.PatchOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestAccDaemonSet_walkthrough is the seed story: 3 pods, a toleration makes 6, a
// nodeSelector on two labeled nodes makes 2; the controller agrees each time.
func TestAccDaemonSet_walkthrough(t *testing.T) {
	acctest.Cluster(t)
	name := acctest.RandomName("fluentd")
	f := fluentd{name: name}
	tolerating := f
	tolerating.podSpec = []string{tolerateMasters}
	selecting := f
	selecting.podSpec = []string{tolerateMasters, `node_selector = { logger = "fluentd" }`}
	t.Cleanup(func() { labelNodes(t, "null", "k8s-01", "k8s-02") })

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.DaemonSetDestroyed(t, "kube-system", name),
		Steps: []resource.TestStep{
			{
				Config: f.hcl(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: expectChanges(3,
					each("+1: new DaemonSet", "k8s-01", "k8s-02", "k8s-03"))},
				Check: resource.ComposeAggregateTestCheckFunc(
					acctest.DesiredIs(t, "kube-system", name, 3),
					resource.TestCheckResourceAttr(addr, "excluded_node_counts.%", "1"),
					resource.TestCheckResourceAttr(addr, "excluded_node_counts."+masterTaint, "3"),
					resource.TestCheckNoResourceAttr(addr, "status"),
				),
			},
			{
				Config: tolerating.hcl(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: expectChanges(6,
					each("+1: tolerates node-role.kubernetes.io/master:NoSchedule", "k8s-master-01", "k8s-master-02", "k8s-master-03"))},
				Check: resource.ComposeAggregateTestCheckFunc(
					acctest.DesiredIs(t, "kube-system", name, 6),
					resource.TestCheckResourceAttr(addr, "excluded_node_counts.%", "0"),
				),
			},
			{
				PreConfig: func() { labelNodes(t, `"fluentd"`, "k8s-01", "k8s-02") },
				Config:    selecting.hcl(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: expectChanges(2,
					each("-1: "+noLogger, "k8s-03", "k8s-master-01", "k8s-master-02", "k8s-master-03"))},
				Check: resource.ComposeAggregateTestCheckFunc(
					acctest.DesiredIs(t, "kube-system", name, 2),
					resource.TestCheckResourceAttr(addr, "excluded_node_counts."+noLogger, "4"),
				),
			},
			{
				// After apply, the same configuration plans nothing; the refresh empties placement_changes.
				Config:           selecting.hcl(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            resource.TestCheckResourceAttr(addr, "placement_changes.%", "0"),
			},
			{
				// A node joins: the DaemonSet's configuration did not change, and neither does its plan.
				PreConfig:        func() { joinNode(t, acctest.RandomName("joined")) },
				Config:           selecting.hcl(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName:                         addr,
				ImportState:                          true,
				ImportStateId:                        "kube-system/" + name,
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "id",
				ImportStateVerifyIgnore:              []string{"timeouts"},
			},
		},
	})
}

// joinNode adds a worker node for the rest of the test and waits until it is ready.
func joinNode(t *testing.T, name string) {
	t.Helper()
	c := acctest.Cluster(t)
	if err := c.CreateNodes(context.Background(), []testcluster.Node{{Name: name}}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.DeleteNodes(context.Background(), name) })
}

type terraformState = terraform.State

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

func waitGone(t *testing.T, namespace, name string) {
	t.Helper()
	for i := 0; i < 100; i++ {
		_, err := acctest.Cluster(t).Client.AppsV1().DaemonSets(namespace).Get(context.Background(), name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("DaemonSet %s/%s not gone", namespace, name)
}
