package daemonset_test

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
)

// TestAccDaemonSet_sameRunPrediction applies examples/walkthrough in one run from nothing:
// two node_label resources set logger=fluentd on k8s-01 and k8s-02, and the DaemonSet that
// depends on them selects logger=fluentd. Its plan counts the labels the same apply will set.
func TestAccDaemonSet_sameRunPrediction(t *testing.T) {
	c := acctest.Cluster(t).Client
	const fluentdAddr = "k8sfleet_daemonset.fluentd"
	walkthrough := config.StaticDirectory("../../examples/walkthrough")
	resource.Test(t, resource.TestCase{
		CheckDestroy: func(*terraformState) error {
			for _, n := range []string{"k8s-01", "k8s-02"} {
				node, err := c.CoreV1().Nodes().Get(context.Background(), n, metav1.GetOptions{})
				if err != nil {
					return err
				}
				if _, ok := node.Labels["logger"]; ok {
					return errorf("node %s still has the logger label after destroy", n)
				}
			}
			return acctest.DaemonSetDestroyed(t, "kube-system", "fluentd-elasticsearch")(nil)
		},
		Steps: []resource.TestStep{{
			// The example carries its own provider block, so the provider is given per step.
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			ConfigDirectory:          walkthrough,
			ConfigVariables: config.Variables{
				"tolerate_masters": config.BoolVariable(true),
				"label_loggers":    config.BoolVariable(true),
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(fluentdAddr, plancheck.ResourceActionCreate),
				plancheck.ExpectKnownValue(fluentdAddr, tfjsonpath.New("expected_pod_count"), knownvalue.Int64Exact(2)),
				plancheck.ExpectKnownValue(fluentdAddr, tfjsonpath.New("placement_changes"), knownvalue.MapExact(map[string]knownvalue.Check{
					"k8s-01": knownvalue.StringExact("+1: new DaemonSet"),
					"k8s-02": knownvalue.StringExact("+1: new DaemonSet"),
				})),
			}},
			Check: acctest.DesiredIs(t, "kube-system", "fluentd-elasticsearch", 2),
		}},
	})
}
