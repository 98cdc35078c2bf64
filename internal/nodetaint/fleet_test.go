package nodetaint_test

import (
	"context"
	"fmt"
	"reflect"
	"sort"
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
	fleet := func(drop string, add ...string) []string {
		var names []string
		for i := 1; i <= 50; i++ {
			if n := fmt.Sprintf("fleet-%05d", i); n != drop {
				names = append(names, n)
			}
		}
		return append(names, add...)
	}
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
				Check: resource.ComposeTestCheckFunc(taintedExactly(t, key, fleet("")),
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
				Check: taintedExactly(t, key, fleet("fleet-00003", joined)),
			},
			{
				// Someone removes our taint from one node: the next plan puts it back.
				PreConfig: func() { removeTaints(t, "fleet-00010", key) },
				Config:    cfg.hcl(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: taintedExactly(t, key, fleet("fleet-00003", joined)),
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
		got := nodesWith(t, key)
		sort.Strings(want)
		if !reflect.DeepEqual(got, want) {
			return fmt.Errorf("nodes tainted with %s:\n got %v\nwant %v", key, got, want)
		}
		for _, n := range want {
			if err := hasTaints(t, n, []corev1.Taint{tt(key, "true", noSchedule), tt(key, "", preferNoSchedule)}); err != nil {
				return err
			}
		}
		return nil
	}
}
