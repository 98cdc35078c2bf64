package nodes_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/testcluster"
)

func TestMain(m *testing.M) { acctest.Main(m, testcluster.DemoNodes()) }

func TestAccNodes_all(t *testing.T) {
	acctest.Cluster(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `data "k8sfleet_nodes" "all" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.k8sfleet_nodes.all", tfjsonpath.New("names"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("k8s-01"), knownvalue.StringExact("k8s-02"), knownvalue.StringExact("k8s-03"),
					knownvalue.StringExact("k8s-master-01"), knownvalue.StringExact("k8s-master-02"), knownvalue.StringExact("k8s-master-03"),
				})),
				statecheck.ExpectKnownValue("data.k8sfleet_nodes.all", tfjsonpath.New("nodes").AtSliceIndex(3).AtMapKey("taints"),
					knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
						"key": knownvalue.StringExact("node-role.kubernetes.io/master"), "value": knownvalue.StringExact(""),
						"effect": knownvalue.StringExact("NoSchedule"),
					})})),
				statecheck.ExpectKnownValue("data.k8sfleet_nodes.all", tfjsonpath.New("nodes").AtSliceIndex(0).AtMapKey("ready"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.k8sfleet_nodes.all", tfjsonpath.New("nodes").AtSliceIndex(0).AtMapKey("unschedulable"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue("data.k8sfleet_nodes.all", tfjsonpath.New("nodes").AtSliceIndex(0).AtMapKey("labels").AtMapKey("kubernetes.io/hostname"), knownvalue.StringExact("k8s-01")),
			},
		}},
	})
}

func TestAccNodes_labelSelector(t *testing.T) {
	acctest.Cluster(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			// An invalid selector fails validation; it comes first so the destroy runs a valid config.
			Config:      `data "k8sfleet_nodes" "bad" { label_selector = "a in (" }`,
			ExpectError: regexpMust(`Invalid label selector`),
		}, {
			Config: `data "k8sfleet_nodes" "masters" { label_selector = "node-role.kubernetes.io/master,!gpu" }`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.k8sfleet_nodes.masters", tfjsonpath.New("names"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("k8s-master-01"), knownvalue.StringExact("k8s-master-02"), knownvalue.StringExact("k8s-master-03"),
				})),
			},
		}},
	})
}
