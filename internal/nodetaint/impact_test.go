package nodetaint_test

import (
	"context"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	corev1 "k8s.io/api/core/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
)

// TestAccNodeTaint_daemonsetImpactEvicts: a NoExecute taint on the one node a DaemonSet runs on
// plans daemonset_impact with its pod stopped and evicted there, and the controller then wants
// no pod; removing the taint plans the pod started again.
func TestAccNodeTaint_daemonsetImpactEvicts(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	acctest.Cluster(t)
	name := acctest.RandomName("agent")
	key := acctest.RandomName("drain")
	acctest.PauseDaemonSet(t, ctx, name, map[string]string{"kubernetes.io/hostname": "k8s-02"})
	ours := "default/" + name
	entry := func(started, stopped, evicted int64) knownvalue.Check {
		return knownvalue.MapPartial(map[string]knownvalue.Check{ours: knownvalue.ObjectExact(map[string]knownvalue.Check{
			"pods_started": knownvalue.Int64Exact(started),
			"pods_stopped": knownvalue.Int64Exact(stopped),
			"pods_evicted": knownvalue.Int64Exact(evicted),
		})})
	}
	field := tfjsonpath.New("daemonset_impact")
	tainted := taint{node: "k8s-02", taints: []corev1.Taint{tt(key, "", noExecute)}}.hcl()
	soft := taint{node: "k8s-02", taints: []corev1.Taint{tt(key, "", corev1.TaintEffectPreferNoSchedule)}}.hcl()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() { waitRunning(t, ctx, "app="+name, 1) },
				Config:    tainted,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(addr, field, entry(0, 1, 1)),
				}},
				Check: acctest.DesiredIs(t, "default", name, 0),
			},
			{
				Config: soft,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, field, entry(1, 0, 0)),
				}},
				Check: acctest.DesiredIs(t, "default", name, 1),
			},
		},
	})
}

// TestAccNodeTaint_keptPodStartsNothing: a NoSchedule taint on the node of a running pod stops
// nothing (the controller keeps the pod), and softening that taint starts nothing either: the
// pod never left. daemonset_impact is {} both times, and the pod runs throughout.
func TestAccNodeTaint_keptPodStartsNothing(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	acctest.Cluster(t)
	name := acctest.RandomName("agent")
	key := acctest.RandomName("hold")
	acctest.PauseDaemonSet(t, ctx, name, map[string]string{"kubernetes.io/hostname": "k8s-03"})
	field := tfjsonpath.New("daemonset_impact")
	held := taint{node: "k8s-03", taints: []corev1.Taint{tt(key, "", corev1.TaintEffectNoSchedule)}}.hcl()
	soft := taint{node: "k8s-03", taints: []corev1.Taint{tt(key, "", corev1.TaintEffectPreferNoSchedule)}}.hcl()
	noImpact := knownvalue.MapExact(map[string]knownvalue.Check{})
	stillRunning := func(*terraform.State) error {
		waitRunning(t, ctx, "app="+name, 1)
		return nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() { waitRunning(t, ctx, "app="+name, 1) },
				Config:    held,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(addr, field, noImpact),
				}},
				Check: stillRunning,
			},
			{
				Config: soft,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, field, noImpact),
				}},
				Check: stillRunning,
			},
		},
	})
}
