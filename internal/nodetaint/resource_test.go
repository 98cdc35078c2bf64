package nodetaint_test

import (
	"context"
	"fmt"
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

// TestAccNodeTaint_basic: gpu:NoSchedule and gpu:NoExecute in one resource (#2662), then a
// change of value, an added and a removed taint, import, and destroy.
func TestAccNodeTaint_basic(t *testing.T) {
	acctest.Cluster(t)
	gpu := acctest.RandomName("gpu")
	create := taint{node: "k8s-01", taints: []corev1.Taint{tt(gpu, "true", noSchedule), tt(gpu, "true", noExecute)}}
	update := taint{node: "k8s-01", taints: []corev1.Taint{tt(gpu, "false", noExecute), tt(gpu, "", preferNoSchedule)}}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             destroyed(t, gpu),
		Steps: []resource.TestStep{
			{
				Config: create.hcl(),
				Check:  checkTaints(t, "k8s-01", create.taints),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(fmt.Sprintf("k8s-01:%s:NoExecute,%s:NoSchedule", gpu, gpu))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("nodes"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("k8s-01")})),
				},
			},
			{
				Config: update.hcl(),
				Check:  checkTaints(t, "k8s-01", update.taints, tt(gpu, "", noSchedule)),
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
			},
		},
	})
}

// TestAccNodeTaint_othersSurvive: the master taint and a taint a plain client wrote survive
// our create, update and destroy; refresh does not report them.
func TestAccNodeTaint_othersSurvive(t *testing.T) {
	acctest.Cluster(t)
	ours := acctest.RandomName("ours")
	other := tt(acctest.RandomName("other"), "x", noSchedule)
	theirs := []corev1.Taint{testcluster.MasterTaint, other}
	create := taint{node: "k8s-master-01", taints: []corev1.Taint{tt(ours, "1", noSchedule)}}
	update := taint{node: "k8s-master-01", taints: []corev1.Taint{tt(ours, "2", noSchedule), tt(ours, "", preferNoSchedule)}}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			err := hasTaints(t, "k8s-master-01", theirs, tt(ours, "", noSchedule), tt(ours, "", preferNoSchedule))
			removeTaints(t, "k8s-master-01", other.Key)
			return err
		},
		Steps: []resource.TestStep{
			{
				PreConfig: func() { addTaint(t, "k8s-master-01", other) },
				Config:    create.hcl(),
				Check:     checkTaints(t, "k8s-master-01", append(theirs, create.taints...)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("taints"), knownvalue.SetSizeExact(1)),
				},
			},
			{
				Config: update.hcl(),
				Check:  checkTaints(t, "k8s-master-01", append(theirs, update.taints...)),
			},
		},
	})
}

// TestAccNodeTaint_conflictAndForce: a taint with the same key and effect that someone else
// set is a conflict; force adopts it, and destroy then removes it.
func TestAccNodeTaint_conflictAndForce(t *testing.T) {
	acctest.Cluster(t)
	key := acctest.RandomName("dedicated")
	mine := taint{node: "k8s-03", taints: []corev1.Taint{tt(key, "logging", noSchedule)}}
	forced := mine
	forced.force = true
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             destroyed(t, key),
		Steps: []resource.TestStep{
			{
				PreConfig:   func() { addTaint(t, "k8s-03", tt(key, "database", noSchedule)) },
				Config:      mine.hcl(),
				ExpectError: wrapped(fmt.Sprintf("taint %s=database:NoSchedule on node k8s-03 was not set by this resource", key)),
			},
			{
				Config: forced.hcl(),
				Check:  checkTaints(t, "k8s-03", mine.taints),
			},
			{
				Config: mine.hcl(),
				Check:  checkTaints(t, "k8s-03", mine.taints),
			},
		},
	})
}

// TestAccNodeTaint_importAdopts: a taint set by a plain client is imported and belongs to
// the resource from then on: destroy removes it.
func TestAccNodeTaint_importAdopts(t *testing.T) {
	acctest.Cluster(t)
	key := acctest.RandomName("adopt")
	cfg := taint{node: "k8s-02", taints: []corev1.Taint{tt(key, "yes", noExecute)}}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             destroyed(t, key),
		Steps: []resource.TestStep{
			{
				PreConfig: func() { addTaint(t, "k8s-02", tt(key, "yes", noExecute)) },
				Config:    cfg.hcl() + fmt.Sprintf("import {\n  to = %s\n  id = %q\n}\n", addr, "k8s-02:"+key+":NoExecute"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
				}},
			},
			{
				Config: cfg.hcl(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
		},
	})
}

// TestAccNodeTaint_disappears: a node deleted outside Terraform leaves state on refresh, and
// applying again fails naming the node before any write.
func TestAccNodeTaint_disappears(t *testing.T) {
	c := acctest.Cluster(t)
	node := acctest.RandomName("gone")
	key := acctest.RandomName("t")
	cfg := taint{node: node, taints: []corev1.Taint{tt(key, "", noSchedule)}}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             destroyed(t, key),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					if err := c.CreateNodes(context.Background(), []testcluster.Node{{Name: node}}); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg.hcl(),
				Check: resource.ComposeTestCheckFunc(
					checkTaints(t, node, cfg.taints),
					func(*terraform.State) error { deleteNode(t, node); return nil },
				),
				ExpectNonEmptyPlan: true,
			},
			{
				Config:      cfg.hcl(),
				ExpectError: wrapped("node " + node + " does not exist, so nothing was changed"),
			},
		},
	})
}

// TestAccNodeTaint_invalid: rules that need no cluster fail at plan.
func TestAccNodeTaint_invalid(t *testing.T) {
	acctest.Cluster(t)
	one := func(x corev1.Taint) string { return taint{node: "k8s-01", taints: []corev1.Taint{x}}.hcl() }
	tests := []struct{ config, err string }{
		{one(tt(corev1.TaintNodeNotReady, "", noExecute)), `written and removed by the node lifecycle`},
		{one(tt(corev1.TaintNodeUnreachable, "", noExecute)), `written and removed by the node lifecycle`},
		{one(tt(corev1.TaintNodeUnschedulable, "", noSchedule)), `written and removed by the node lifecycle`},
		{one(tt(corev1.TaintNodeMemoryPressure, "", noSchedule)), `written and removed by the node lifecycle`},
		{one(tt(corev1.TaintNodeDiskPressure, "", noSchedule)), `written and removed by the node lifecycle`},
		{one(tt(corev1.TaintNodePIDPressure, "", noSchedule)), `written and removed by the node lifecycle`},
		{one(tt(corev1.TaintNodeNetworkUnavailable, "", noSchedule)), `written and removed by the node lifecycle`},
		{one(tt("gpu", "", "NoRun")), `value must be one of`},
		{one(tt("bad key!", "", noSchedule)), `is not a qualified name`},
		{one(tt("gpu", "bad value!", noSchedule)), `Invalid taint value`},
		{taint{node: "k8s-01", taints: []corev1.Taint{tt("gpu", "a", noSchedule), tt("gpu", "b", noSchedule)}}.hcl(), `taint gpu:NoSchedule appears more than once`},
		{taint{node: "k8s-01", selector: "a=b", taints: []corev1.Taint{tt("gpu", "", noSchedule)}}.hcl(), `Invalid Attribute Combination`},
	}
	for _, test := range tests {
		t.Run(test.err, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps:                    []resource.TestStep{{Config: test.config, PlanOnly: true, ExpectError: wrapped(test.err)}},
			})
		})
	}
	t.Run("out-of-service is allowed", func(t *testing.T) {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			Steps: []resource.TestStep{{
				Config: one(tt(corev1.TaintNodeOutOfService, "nodeshutdown", noExecute)), PlanOnly: true, ExpectNonEmptyPlan: true,
			}},
		})
	})
}

// TestAccNodeTaint_unconfiguredProvider: while the provider's cluster is not known yet (it is
// created in the same run), the plan succeeds with the computed values unknown.
func TestAccNodeTaint_unconfiguredProvider(t *testing.T) {
	acctest.Cluster(t)
	config := `
resource "terraform_data" "cluster" { input = "https://127.0.0.1:1" }
provider "k8sfleet" { host = terraform_data.cluster.output }
` + taint{node: "k8s-01", taints: []corev1.Taint{tt("gpu", "", noSchedule)}}.hcl()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:             config,
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{
				plancheck.ExpectUnknownValue(addr, tfjsonpath.New("nodes")),
			}},
		}},
	})
}
