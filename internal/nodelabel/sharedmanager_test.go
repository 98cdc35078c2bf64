package nodelabel_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
)

// TestAccNodeLabel_sharedManagerSameRun: two resources with one field manager on one node,
// created in the same run, are refused at plan with an error naming both; nothing is written.
func TestAccNodeLabel_sharedManagerSameRun(t *testing.T) {
	acctest.Cluster(t)
	manager := acctest.RandomName("k8sfleet-team")
	a, b := acctest.RandomName("shared-a"), acctest.RandomName("shared-b")
	first := label{name: "a", node: "k8s-03", manager: manager, labels: map[string]string{a: "1"}}
	second := label{name: "b", node: "k8s-03", manager: manager, labels: map[string]string{b: "1"}}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             destroyed(t, a, b),
		Steps: []resource.TestStep{{
			Config:      first.hcl() + second.hcl(),
			ExpectError: regexp.MustCompile(`(?s)Field manager shared.*k8s-03:` + a + `.*k8s-03:` + b + `|(?s)Field manager shared.*k8s-03:` + b + `.*k8s-03:` + a),
		}},
	})
}

// TestAccNodeLabel_sharedManagerLater: a second resource that reuses the field manager of
// one already applied is refused at plan, naming the labels the manager owns and this
// resource; the first resource's labels stay on the node.
func TestAccNodeLabel_sharedManagerLater(t *testing.T) {
	acctest.Cluster(t)
	manager := acctest.RandomName("k8sfleet-team")
	a, b := acctest.RandomName("shared-a"), acctest.RandomName("shared-b")
	first := label{name: "a", node: "k8s-03", manager: manager, labels: map[string]string{a: "1"}}
	second := label{name: "b", node: "k8s-03", manager: manager, labels: map[string]string{b: "1"}}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             destroyed(t, a, b),
		Steps: []resource.TestStep{
			{Config: first.hcl(), Check: checkLabels(t, "k8s-03", first.labels)},
			{
				// Planned in another process than the first resource's refresh: only the
				// node's managedFields tell.
				Config:      first.hcl() + second.hcl(),
				ExpectError: regexp.MustCompile(`(?s)Field manager shared.*` + a + `.*k8s-03:` + b),
			},
			{Config: first.hcl(), Check: checkLabels(t, "k8s-03", first.labels, b)},
		},
	})
}
