package nodelabel_test

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
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
)

// daemonSetHCL is a DaemonSet that runs where logger=value, masters included, and depends on
// the node_label resources of the same configuration.
func daemonSetHCL(name, value string) string {
	return fmt.Sprintf(`resource "k8sfleet_daemonset" "agent" {
  metadata = { name = %q, namespace = "default" }
  spec = {
    selector = { match_labels = { app = %q } }
    template = {
      metadata = { labels = { app = %q } }
      spec = {
        tolerations   = [{ key = "node-role.kubernetes.io/master", effect = "NoSchedule" }]
        node_selector = { logger = %q }
        containers    = [{ name = "agent", image = "registry.k8s.io/pause:3.10" }]
      }
    }
  }
  depends_on = [k8sfleet_node_label.k8s01, k8sfleet_node_label.k8s02]
}
`, name, name, name, value)
}

// TestAccNodeLabel_sameRunPrediction is issue 4's step 3 as one configuration: two node_label
// resources and a DaemonSet that depends on them plan expected_pod_count = 2 before any
// label exists, and the controller then reports 2.
func TestAccNodeLabel_sameRunPrediction(t *testing.T) {
	c := acctest.Cluster(t).Client
	name := acctest.RandomName("agent")
	value := acctest.RandomName("fluentd")
	// Two resources rather than for_each: the test framework's state checks do not take for_each keys.
	config := label{name: "k8s01", node: "k8s-01", labels: map[string]string{"logger": value}}.hcl() +
		label{name: "k8s02", node: "k8s-02", labels: map[string]string{"logger": value}}.hcl() +
		daemonSetHCL(name, value)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             destroyed(t, "logger="+value),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("k8sfleet_node_label.k8s01", plancheck.ResourceActionCreate),
				plancheck.ExpectKnownValue("k8sfleet_daemonset.agent", tfjsonpath.New("expected_pod_count"), knownvalue.Int64Exact(2)),
			}},
			Check: func(*terraform.State) error {
				deadline := time.Now().Add(30 * time.Second)
				for {
					ds, err := c.AppsV1().DaemonSets("default").Get(context.Background(), name, metav1.GetOptions{})
					if err != nil {
						return err
					}
					if ds.Status.ObservedGeneration >= ds.Generation && ds.Status.DesiredNumberScheduled == 2 {
						return nil
					}
					if time.Now().After(deadline) {
						return fmt.Errorf("desiredNumberScheduled = %d, want 2", ds.Status.DesiredNumberScheduled)
					}
					time.Sleep(250 * time.Millisecond)
				}
			},
		}},
	})
}
