package nodetaint_test

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
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
)

// TestAccNodeTaint_sameRunPrediction: a DaemonSet that depends on a node_taint planned in the
// same run predicts without the tainted node, before the taint exists; the controller agrees.
func TestAccNodeTaint_sameRunPrediction(t *testing.T) {
	c := acctest.Cluster(t).Client
	name := acctest.RandomName("agent")
	key := acctest.RandomName("drain")
	nodes, err := c.CoreV1().Nodes().List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := int64(len(nodes.Items) - 1)
	config := taint{node: "k8s-03", taints: []corev1.Taint{tt(key, "", noSchedule)}}.hcl() + fmt.Sprintf(`
resource "k8sfleet_daemonset" "agent" {
  metadata = { name = %q, namespace = "default" }
  spec = {
    selector = { match_labels = { app = %q } }
    template = {
      metadata = { labels = { app = %q } }
      spec = {
        tolerations = [{ key = "node-role.kubernetes.io/master", effect = "NoSchedule" }]
        containers  = [{ name = "agent", image = "registry.k8s.io/pause:3.10" }]
      }
    }
  }
  depends_on = [k8sfleet_node_taint.test]
}
`, name, name, name)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             destroyed(t, key),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue("k8sfleet_daemonset.agent", tfjsonpath.New("expected_pod_count"), knownvalue.Int64Exact(want)),
				plancheck.ExpectKnownValue("k8sfleet_daemonset.agent", tfjsonpath.New("placement_changes").AtMapKey("k8s-01"), knownvalue.StringExact("+1: new DaemonSet")),
			}},
			Check: func(*terraform.State) error {
				deadline := time.Now().Add(60 * time.Second)
				for {
					ds, err := c.AppsV1().DaemonSets("default").Get(context.Background(), name, metav1.GetOptions{})
					if err != nil {
						return err
					}
					if ds.Status.ObservedGeneration >= ds.Generation && int64(ds.Status.DesiredNumberScheduled) == want {
						return nil
					}
					if time.Now().After(deadline) {
						return fmt.Errorf("desiredNumberScheduled = %d, want %d", ds.Status.DesiredNumberScheduled, want)
					}
					time.Sleep(250 * time.Millisecond)
				}
			},
		}},
	})
}
