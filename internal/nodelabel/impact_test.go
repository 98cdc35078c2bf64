package nodelabel_test

import (
	"context"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
)

func impact(started, stopped, evicted int64) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"pods_started": knownvalue.Int64Exact(started),
		"pods_stopped": knownvalue.Int64Exact(stopped),
		"pods_evicted": knownvalue.Int64Exact(evicted),
	})
}

// TestAccNodeLabel_daemonsetImpact: a label on k8s-01 that a DaemonSet selects plans
// daemonset_impact with one pod started there, the controller then wants one pod; moving the
// label to k8s-02 plans one started and one stopped; the refresh after each apply sets it to {}.
func TestAccNodeLabel_daemonsetImpact(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	acctest.Cluster(t)
	name := acctest.RandomName("agent")
	value := acctest.RandomName("v")
	acctest.PauseDaemonSet(t, ctx, name, map[string]string{"impact": value})
	on := func(node string) string { return label{node: node, labels: map[string]string{"impact": value}}.hcl() }
	field := tfjsonpath.New("daemonset_impact")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             destroyed(t, "impact="+value),
		Steps: []resource.TestStep{
			{
				Config: on("k8s-01"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(addr, field, knownvalue.MapExact(map[string]knownvalue.Check{"default/" + name: impact(1, 0, 0)})),
				}},
				Check: acctest.DesiredIs(t, "default", name, 1),
			},
			{
				Config: on("k8s-02"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionReplace),
					// The replacement's create half plans against the live nodes, where the
					// destroy half's removal is not visible: it starts the pod on k8s-02.
					plancheck.ExpectKnownValue(addr, field, knownvalue.MapExact(map[string]knownvalue.Check{"default/" + name: impact(1, 0, 0)})),
				}},
				Check: acctest.DesiredIs(t, "default", name, 1),
			},
			{
				Config: on("k8s-02"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
					plancheck.ExpectKnownValue(addr, field, knownvalue.MapExact(map[string]knownvalue.Check{})),
				}},
			},
		},
	})
}

// TestAccNodeLabel_daemonsetImpactFleet: the fleet form changing a label value on three
// nodes stops a DaemonSet that selects the old value on all three and starts one that
// selects the new value.
func TestAccNodeLabel_daemonsetImpactFleet(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	acctest.Cluster(t)
	old, next := acctest.RandomName("old"), acctest.RandomName("new")
	key := acctest.RandomName("pool")
	acctest.PauseDaemonSet(t, ctx, old, map[string]string{key: "a"})
	acctest.PauseDaemonSet(t, ctx, next, map[string]string{key: "b"})
	fleet := func(v string) string {
		return label{selector: "fleet=fleet,topology.kubernetes.io/zone=zone-a", labels: map[string]string{key: v}}.hcl()
	}
	field := tfjsonpath.New("daemonset_impact")
	zoneA := 17 // fleet-00001, -00004, ... of the 50
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             destroyed(t, key),
		Steps: []resource.TestStep{
			{
				Config: fleet("a"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(addr, field, knownvalue.MapExact(map[string]knownvalue.Check{"default/" + old: impact(int64(zoneA), 0, 0)})),
				}},
				Check: acctest.DesiredIs(t, "default", old, int32(zoneA)),
			},
			{
				Config: fleet("b"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, field, knownvalue.MapExact(map[string]knownvalue.Check{
						"default/" + old:  impact(0, int64(zoneA), 0),
						"default/" + next: impact(int64(zoneA), 0, 0),
					})),
				}},
				Check: resource.ComposeTestCheckFunc(acctest.DesiredIs(t, "default", old, 0), acctest.DesiredIs(t, "default", next, int32(zoneA))),
			},
		},
	})
}
