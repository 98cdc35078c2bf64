package nodetaint_test

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	corev1 "k8s.io/api/core/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/testcluster"
)

// TestAccNodeTaint_fleet: one resource taints the 50 nodes its selector matches, follows a
// node that joins and one that leaves, leaves a node's other taints alone, imports in the
// selector form, and destroy cleans all.
func TestAccNodeTaint_fleet(t *testing.T) {
	c := acctest.Cluster(t)
	key := acctest.RandomName("spot")
	other := tt(acctest.RandomName("other"), "x", noSchedule)
	cfg := taint{selector: "fleet=fleet", taints: []corev1.Taint{tt(key, "true", noSchedule), tt(key, "", preferNoSchedule)}}
	joined := acctest.RandomName("fleet-joined")
	t.Cleanup(func() {
		setLabel(t, "fleet-00003", "fleet", "fleet")
		removeTaints(t, "fleet-00007", other.Key)
		deleteNode(t, joined)
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: resource.ComposeTestCheckFunc(destroyed(t, key),
			checkTaints(t, "fleet-00007", []corev1.Taint{other})),
		Steps: []resource.TestStep{
			{
				PreConfig: func() { addTaint(t, "fleet-00007", other) },
				Config:    cfg.hcl(),
				Check: resource.ComposeTestCheckFunc(taintedExactly(t, key, acctest.FleetNames("")),
					checkTaints(t, "fleet-00007", append([]corev1.Taint{other}, cfg.taints...))),
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
					setLabel(t, "fleet-00003", "fleet", "retired")
				},
				Config: cfg.hcl(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: taintedExactly(t, key, acctest.FleetNames("fleet-00003", joined)),
			},
			{
				// Someone removes our taint from one node: the next plan puts it back.
				PreConfig: func() { removeTaints(t, "fleet-00010", key) },
				Config:    cfg.hcl(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: taintedExactly(t, key, acctest.FleetNames("fleet-00003", joined)),
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
			},
		},
	})
}

// taintedExactly checks that exactly these nodes carry every taint with the key (both effects).
func taintedExactly(t *testing.T, key string, want []string) func(*terraform.State) error {
	return func(*terraform.State) error {
		if err := acctest.CarriedExactly(func(k string) []string { return nodesWith(t, k) }, key, want); err != nil {
			return err
		}
		for _, n := range want {
			if err := hasTaints(t, n, []corev1.Taint{tt(key, "true", noSchedule), tt(key, "", preferNoSchedule)}); err != nil {
				return err
			}
		}
		return nil
	}
}
