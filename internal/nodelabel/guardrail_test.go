package nodelabel_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
)

// TestAccNodeLabel_guardrail applies examples/guides/guardrails with the label guard: a label
// change that stops fluentd on the three masters fails the plan with the postcondition's
// message and writes nothing; with predict_placement = false, daemonset_impact is null and the
// same condition lets the plan through.
func TestAccNodeLabel_guardrail(t *testing.T) {
	acctest.Cluster(t)
	dir := config.StaticDirectory("../../examples/guides/guardrails")
	const ns, name = "kube-system", "fluentd-elasticsearch"
	masters := []string{"k8s-master-01", "k8s-master-02", "k8s-master-03"}
	vars := func(logger string, predict bool) config.Variables {
		return config.Variables{
			"node_selector":     config.MapVariable(map[string]config.Variable{"logger": config.StringVariable("fluentd")}),
			"logger_nodes":      config.StringVariable("node-role.kubernetes.io/master"),
			"logger":            config.StringVariable(logger),
			"predict_placement": config.BoolVariable(predict),
		}
	}
	onMasters := func(value string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			if got := nodesWith(t, "logger="+value); fmt.Sprint(got) != fmt.Sprint(masters) {
				return fmt.Errorf("nodes with logger=%s: %v, want %v", value, got, masters)
			}
			return nil
		}
	}
	resource.Test(t, resource.TestCase{
		CheckDestroy: resource.ComposeTestCheckFunc(acctest.DaemonSetDestroyed(t, ns, name), destroyed(t, "logger")),
		Steps: []resource.TestStep{
			{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				ConfigDirectory:          dir,
				ConfigVariables:          vars("fluentd", true),
				Check:                    resource.ComposeTestCheckFunc(onMasters("fluentd"), acctest.DesiredIs(t, ns, name, 3)),
			},
			{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				ConfigDirectory:          dir,
				ConfigVariables:          vars("other", true),
				PlanOnly:                 true,
				ExpectError: regexp.MustCompile(`(?s)Resource postcondition failed.*This label change stops pods on more\s+than\s+2\s+nodes:\s+` +
					`kube-system/fluentd-elasticsearch\s+stops\s+on\s+3\s+nodes\s+\(0\s+evicted\)`),
			},
			{
				// The failed plan wrote nothing: the masters keep the label, fluentd its pods.
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				ConfigDirectory:          dir,
				ConfigVariables:          vars("fluentd", true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: resource.ComposeTestCheckFunc(onMasters("fluentd"), acctest.DesiredIs(t, ns, name, 3)),
			},
			{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				ConfigDirectory:          dir,
				ConfigVariables:          vars("other", false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("k8sfleet_node_label.logger[0]", plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue("k8sfleet_node_label.logger[0]", tfjsonpath.New("daemonset_impact"), knownvalue.Null()),
				}},
				Check: resource.ComposeTestCheckFunc(onMasters("other"), acctest.DesiredIs(t, ns, name, 0)),
			},
		},
	})
}
