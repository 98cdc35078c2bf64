package main

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// scenario is one Terraform configuration and the commands timed on it.
type scenario struct {
	Name      string // e.g. "label-selector-q200"
	Kind      string // k8sfleet_daemonset, k8sfleet_node_label, k8sfleet_node_taint, terraform_data
	Form      string // count, for_each, label_selector
	Resources int    // resource instances in the configuration
	QPS       string // the provider's client rate limit
	Predict   bool   // predict_placement
	Pinned    bool   // DaemonSets pinned to one node each (else on every node, without pods)
	Before    bool   // run with the provider built from -before (skipped without it)
	Repeat    int    // plan steps run this many times; the fastest counts (the machine is shared)
	Steps     []step
	HCL       string
}

// step is one terraform command; WantExit is the exit status that means success
// (plan -detailed-exitcode exits 2 when there are changes).
type step struct {
	Name     string
	Args     []string
	WantExit int
}

var (
	stepPlanCreate = step{"plan (create)", []string{"plan", "-input=false", "-no-color", "-detailed-exitcode", "-out=create.tfplan"}, 2}
	stepApplyPlan  = step{"apply", []string{"apply", "-input=false", "-no-color", "create.tfplan"}, 0}
	stepApply      = step{"apply", []string{"apply", "-input=false", "-no-color", "-auto-approve"}, 0}
	stepPlanSame   = step{"plan (no change)", []string{"plan", "-input=false", "-no-color", "-detailed-exitcode"}, 0}
	// stepRefresh is the refresh after the apply, after which the state file is measured.
	stepRefresh = step{"refresh", []string{"apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color"}, 0}
	// stepPlanUpdate adds a toleration for the taint on the last tenNodes nodes.
	stepPlanUpdate = step{"plan (update: toleration on 10 nodes)", []string{"plan", "-input=false", "-no-color", "-detailed-exitcode", "-var", "tolerate_ten=true"}, 2}
	stepDestroy    = step{"destroy", []string{"destroy", "-input=false", "-no-color", "-auto-approve"}, 0}
)

// planRepeats is how often each DaemonSet plan runs (-repeat): the prediction's cost is the
// difference of two plans, and on a shared machine the fastest of three is the steadiest figure.
var planRepeats = 3

// Scenario names, shared by the runner and the report, which finds its rows by them.
const (
	scenarioDS1       = "ds-1"
	scenarioDS20      = "ds-20"
	scenarioNoPredict = "ds-20-nopredict"
	scenarioPinned    = "ds-20-pinned"
	// scenarioBefore is ds-20 measured with the provider built from -before.
	scenarioBefore = "ds-20-before"
	scenarioFloor  = "floor-foreach"

	scenarioLabelForeachQ50   = "label-foreach-q50"
	scenarioLabelForeachQ200  = "label-foreach-q200"
	scenarioLabelSelectorQ50  = "label-selector-q50"
	scenarioLabelSelectorQ200 = "label-selector-q200"
	scenarioTaintForeachQ50   = "taint-foreach-q50"
	scenarioTaintForeachQ200  = "taint-foreach-q200"
	scenarioTaintSelectorQ50  = "taint-selector-q50"
	scenarioTaintSelectorQ200 = "taint-selector-q200"
)

// nodeScenarios are the node_label and node_taint scenarios in the order they run: per kind,
// the for_each form (up to -foreach-max nodes) and the label_selector form, each at two rates.
var nodeScenarios = []struct {
	name, kind, qps string
	forEach         bool
}{
	{scenarioLabelForeachQ50, "k8sfleet_node_label", qpsDefault, true},
	{scenarioLabelForeachQ200, "k8sfleet_node_label", qpsHigh, true},
	{scenarioLabelSelectorQ50, "k8sfleet_node_label", qpsDefault, false},
	{scenarioLabelSelectorQ200, "k8sfleet_node_label", qpsHigh, false},
	{scenarioTaintForeachQ50, "k8sfleet_node_taint", qpsDefault, true},
	{scenarioTaintForeachQ200, "k8sfleet_node_taint", qpsHigh, true},
	{scenarioTaintSelectorQ50, "k8sfleet_node_taint", qpsDefault, false},
	{scenarioTaintSelectorQ200, "k8sfleet_node_taint", qpsHigh, false},
}

const (
	qpsDefault = "50/100 (default)"
	qpsHigh    = "200/400"
	// fleetSelector matches every node testcluster.FleetNodes("node", n) creates.
	fleetSelector = "fleet=node"
	nodePrefix    = "node"
)

// scenarios lists what is measured at n nodes, in order: DaemonSets first (on nodes without
// any benchmark label or taint), then the labels and taints, each destroyed before the next.
func scenarios(n, foreachMax int) []scenario {
	dsSteps := []step{stepPlanCreate, stepApplyPlan, stepRefresh, stepPlanSame, stepPlanUpdate, stepDestroy}
	nodeSteps := []step{stepApply, stepPlanSame, stepDestroy}
	out := []scenario{
		daemonSets(scenarioDS1, 1, false, true, dsSteps),
		daemonSets(scenarioDS20, 20, false, true, dsSteps),
		daemonSets(scenarioNoPredict, 20, false, false, dsSteps),
		daemonSets(scenarioPinned, 20, true, true, dsSteps),
	}
	// The earlier provider plans and applies in one command: it re-lists nodes when the apply
	// re-plans, so a saved create plan fails when a node's taints move in between (on a loaded
	// machine kwok's nodes go unreachable now and then).
	before := daemonSets(scenarioBefore, 20, false, true, []step{stepApply, stepRefresh, stepPlanSame, stepPlanUpdate, stepDestroy})
	before.Before = true
	out = append(out, before)
	if n <= foreachMax {
		out = append(out, scenario{
			Name: scenarioFloor, Kind: "terraform_data", Form: "for_each", Resources: n, QPS: "-",
			Steps: nodeSteps, HCL: floorHCL(n),
		})
	}
	for _, ns := range nodeScenarios {
		if ns.forEach && n > foreachMax {
			continue
		}
		sc := scenario{Name: ns.name, Kind: ns.kind, QPS: ns.qps, Steps: nodeSteps, Resources: 1, Form: "label_selector"}
		if ns.forEach {
			sc.Form, sc.Resources = "for_each", n
		}
		sc.HCL = nodeHCL(sc, n, ns.name)
		out = append(out, sc)
	}
	return out
}

func providerBlock(qps string, predict bool) string {
	var b strings.Builder
	b.WriteString(`terraform {
  required_providers {
    k8sfleet = {
      source = "k8sfleet/k8sfleet"
    }
  }
}

# The cluster comes from KUBE_CONFIG_PATH.
provider "k8sfleet" {
`)
	if qps == qpsHigh {
		b.WriteString("  qps   = 200\n  burst = 400\n")
	}
	if !predict {
		b.WriteString("  predict_placement = false\n")
	}
	b.WriteString("}\n\n")
	return b.String()
}

// QuotaNamespace holds the DaemonSets that select every node. A ResourceQuota of zero pods
// there keeps the DaemonSet controller from creating them: 20 DaemonSets on 5,000 fake nodes
// would be 100,000 pods, more than this machine holds. The plan, the prediction and the
// state are those of DaemonSets on every node; only the pods are missing, so these do not
// wait for a rollout.
const QuotaNamespace = "bench-no-pods"

// daemonSets is d DaemonSets. On every node (pinned false) they are a typical fleet agent.
// Pinned, each runs on one node picked by node_selector (its pod really runs, and apply waits
// for the rollout), and n-1 nodes are excluded. The update plan adds a toleration for the taint
// on the last tenNodes nodes.
func daemonSets(name string, d int, pinned, predict bool, steps []step) scenario {
	ns, selector, rollout := QuotaNamespace, "", "false"
	if pinned {
		ns, rollout = "default", "true"
		selector = fmt.Sprintf("\n        node_selector = { \"kubernetes.io/hostname\" = format(\"%s-%%05d\", count.index + 1) }", nodePrefix)
	}
	hcl := providerBlock(qpsDefault, predict) + fmt.Sprintf(`variable "tolerate_ten" {
  type    = bool
  default = false
}

locals {
  tolerations = [
    { key = "node-role.kubernetes.io/master", operator = "Equal", effect = "NoSchedule" },
    { key = "dedicated", operator = "Exists", effect = "NoExecute" },
  ]
  ten = [{ key = %q, operator = "Exists", effect = "NoSchedule" }]
}

resource "k8sfleet_daemonset" "agent" {
  count = %d
  metadata = {
    name      = format("%s-%%02d", count.index)
    namespace = %q
    labels    = { "app.kubernetes.io/part-of" = "k8sfleet-bench" }
  }
  spec = {
    selector = { match_labels = { app = format("%s-%%02d", count.index) } }
    template = {
      metadata = { labels = { app = format("%s-%%02d", count.index) } }
      spec = {%s
        tolerations = var.tolerate_ten ? concat(local.tolerations, local.ten) : local.tolerations
        containers = [{
          name  = "agent"
          image = "registry.k8s.io/pause:3.10"
          resources = {
            requests = { cpu = "10m", memory = "16Mi" }
            limits   = { memory = "32Mi" }
          }
        }]
      }
    }
  }
  wait_for_rollout = %s
}
`, TenTaint.Key, d, name, ns, name, name, selector, rollout)
	return scenario{Name: name, Kind: "k8sfleet_daemonset", Form: "count", Resources: d, QPS: qpsDefault, Predict: predict,
		Pinned: pinned, Repeat: planRepeats, Steps: steps, HCL: hcl}
}

// TenTaint is on the last tenNodes nodes of every cluster: the DaemonSets do not tolerate it
// until the update plan adds the toleration, which then changes placement on those nodes only.
var TenTaint = corev1.Taint{Key: "bench.k8sfleet.io/ten", Value: "true", Effect: corev1.TaintEffectNoSchedule}

const tenNodes = 10

// nodeNames is the literal for_each set: Terraform's range() stops at 1,024 elements.
func nodeNames(n int) string {
	var b strings.Builder
	b.WriteString("locals {\n  nodes = toset([\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "    %q,\n", fmt.Sprintf("%s-%05d", nodePrefix, i))
	}
	b.WriteString("  ])\n}\n\n")
	return b.String()
}

func nodeHCL(sc scenario, n int, value string) string {
	var b strings.Builder
	b.WriteString(providerBlock(sc.QPS, true))
	target := fmt.Sprintf("  label_selector = %q\n", fleetSelector)
	if sc.Form == "for_each" {
		b.WriteString(nodeNames(n))
		target = "  for_each  = local.nodes\n  node_name = each.key\n"
	}
	fmt.Fprintf(&b, "resource %q \"bench\" {\n%s", sc.Kind, target)
	if sc.Kind == "k8sfleet_node_label" {
		fmt.Fprintf(&b, "  labels = { \"bench.k8sfleet.io/label\" = %q }\n", value)
	} else {
		fmt.Fprintf(&b, "  taints = [{ key = \"bench.k8sfleet.io/taint\", value = %q, effect = \"PreferNoSchedule\" }]\n", value)
	}
	b.WriteString("}\n")
	return b.String()
}

// floorHCL is the same for_each with terraform_data, built into Terraform: no provider at all.
func floorHCL(n int) string {
	return nodeNames(n) + `resource "terraform_data" "bench" {
  for_each = local.nodes
  input = {
    node   = each.key
    labels = { "bench.k8sfleet.io/label" = "floor" }
  }
}
`
}
