package nodetaint_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
)

// TestAccNodeTaint_twoResourcesOneTaint: two resources that set the same key and effect on one
// node in one run are refused at plan, naming both; nothing is written. (Apart, they never
// share anything: each owns only the taints it set, by its own record.)
func TestAccNodeTaint_twoResourcesOneTaint(t *testing.T) {
	acctest.Cluster(t)
	key := acctest.RandomName("twice")
	block := func(name, value string) string {
		return fmt.Sprintf("resource \"k8sfleet_node_taint\" %q {\n  node_name = \"k8s-03\"\n  taints = [{ key = %q, value = %q, effect = \"NoSchedule\" }]\n}\n", name, key, value)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			return hasTaints(t, "k8s-03", nil, tt(key, "", noSchedule))
		},
		Steps: []resource.TestStep{{
			Config: block("a", "1") + block("b", "2"),
			ExpectError: regexp.MustCompile(`(?s)Taint set by two resources.*k8sfleet_node_taint\s+k8s-03:` + key + `:NoSchedule\s+\(` + key +
				`:NoSchedule=1\)\s+and.*k8sfleet_node_taint\s+k8s-03:` + key + `:NoSchedule\s+\(` + key + `:NoSchedule=2\)`),
		}},
	})
}
