package nodetaint_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
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
