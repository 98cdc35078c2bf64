package nodelabel_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
)

// TestAccNodeLabel_importFleetNodesDisagree: the fleet form's import reads every node of the
// selector. Four nodes carry imp=x and one imp=z, the configuration says z: the imported state
// holds x, the value most nodes carry, so the plan after import shows the change, and the
// apply sets z on every node.
func TestAccNodeLabel_importFleetNodesDisagree(t *testing.T) {
	acctest.Cluster(t)
	pool, imp := acctest.RandomName("pool"), acctest.RandomName("imp")
	nodes := []string{"fleet-00031", "fleet-00032", "fleet-00033", "fleet-00034", "fleet-00035"}
	t.Cleanup(func() {
		for _, n := range nodes {
			setLabel(t, n, pool, "", "kubectl-label")
			setLabel(t, n, imp, "", "kubectl-label")
		}
	})
	cfg := label{selector: pool + "=c", labels: map[string]string{imp: "z"}}
	importBlock := fmt.Sprintf("import {\n  to = %s\n  id = %q\n}\n", addr, "label_selector:"+pool+"=c:"+imp)
	want := map[string]string{imp: "z"}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             destroyed(t, imp),
		Steps: []resource.TestStep{{
			PreConfig: func() {
				for i, n := range nodes {
					setLabel(t, n, pool, "c", "kubectl-label")
					value := "x"
					if i == len(nodes)-1 { // the last node in name order: the one that differs
						value = "z"
					}
					setLabel(t, n, imp, value, "kubectl-label")
				}
			},
			Config: importBlock + cfg.hcl(),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
			}},
			Check: resource.ComposeTestCheckFunc(
				checkLabels(t, nodes[0], want), checkLabels(t, nodes[1], want), checkLabels(t, nodes[2], want),
				checkLabels(t, nodes[3], want), checkLabels(t, nodes[4], want),
			),
		}},
	})
}
