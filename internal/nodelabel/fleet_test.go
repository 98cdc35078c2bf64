package nodelabel_test

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/testcluster"
)

// TestAccNodeLabel_fleet: one resource labels the 50 nodes its selector matches, follows a
// node that joins and one that leaves, imports in the selector form, and destroy cleans all.
func TestAccNodeLabel_fleet(t *testing.T) {
	c := acctest.Cluster(t)
	key := acctest.RandomName("pool")
	cfg := label{selector: "fleet=fleet", labels: map[string]string{key: "blue"}}
	joined := acctest.RandomName("fleet-joined")
	t.Cleanup(func() {
		setLabel(t, "fleet-00002", "fleet", "fleet", "kubectl-label")
		deleteNode(t, joined)
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             destroyed(t, key),
		Steps: []resource.TestStep{
			{
				Config: cfg.hcl(),
				Check:  labeledExactly(t, key, acctest.FleetNames("")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("nodes"), knownvalue.ListSizeExact(50)),
				},
			},
			{
				PreConfig: func() {
					err := c.CreateNodes(context.Background(), []testcluster.Node{{Name: joined, Labels: map[string]string{"fleet": "fleet"}}})
					if err != nil {
						t.Fatal(err)
					}
					setLabel(t, "fleet-00002", "fleet", "retired", "kubectl-label")
				},
				Config: cfg.hcl(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: labeledExactly(t, key, acctest.FleetNames("fleet-00002", joined)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("nodes"), knownvalue.ListSizeExact(50)),
				},
			},
			{
				// The joined node disappears: it drops out of nodes on refresh.
				PreConfig: func() { deleteNode(t, joined) },
				Config:    cfg.hcl(),
				Check:     labeledExactly(t, key, acctest.FleetNames("fleet-00002")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("nodes"), knownvalue.ListSizeExact(49)),
				},
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
			},
		},
	})
}

// labeledExactly checks that exactly these nodes carry the label key.
func labeledExactly(t *testing.T, key string, want []string) func(*terraform.State) error {
	return func(*terraform.State) error {
		return acctest.CarriedExactly(func(k string) []string { return nodesWith(t, k) }, key, want)
	}
}
