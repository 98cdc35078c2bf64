package nodeops

import (
	"context"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	corev1 "k8s.io/api/core/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/placement"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/samerun"
)

// manyNodes is where listing pods node by node costs more than one list of all pods.
const manyNodes = 20

// Inputs are what a plan of node edits reads of the cluster: the nodes and the DaemonSets'
// placements the refresh captured (or, without a snapshot, the live ones). DaemonSets nil
// means "list them now".
type Inputs struct {
	Nodes      []*corev1.Node
	DaemonSets []samerun.DaemonSetPlacement
}

// RecordAndWarn records a resource's planned node edits, so that a DaemonSet planned later
// in this provider process predicts with them, and returns, and warns about, what the edits
// change where DaemonSets run. The result says whether any node changes, and predicted is
// false when prediction is off or impossible; the running pods that new NoExecute taints
// evict are counted for the warning only.
func RecordAndWarn(ctx context.Context, c *kube.Client, owner, subject string, in Inputs, edits map[string]samerun.Edit, diags *diag.Diagnostics) Result {
	c.Planned.Record(owner, edits)
	before, after := samerun.Changed(in.Nodes, edits)
	tflog.Debug(ctx, "recorded planned node edits", map[string]any{"owner": owner, "nodes": len(edits), "changed": len(after)})
	if len(after) == 0 {
		return Result{Predicted: c.Options.PredictPlacement}
	}
	if !c.Options.PredictPlacement {
		return Result{NodesChange: true}
	}
	dss := in.DaemonSets
	if dss == nil {
		nodes, err := c.Nodes.List(ctx)
		if err != nil {
			diags.AddWarning("Cannot tell which DaemonSets this changes", kube.Explain(err, "list", "nodes"))
			return Result{NodesChange: true}
		}
		live, err := c.DaemonSetPlacements(ctx, nodes)
		if err != nil {
			diags.AddWarning("Cannot tell which DaemonSets this changes", kube.Explain(err, "list", "daemonsets or pods"))
			return Result{NodesChange: true}
		}
		dss = live
	}
	impact := Impact{Changes: samerun.ComputeImpact(dss, before, after, placement.Options{ComparisonOperators: c.Options.ComparisonOperators})}
	pods := ListPodsOn(c)
	if len(after) > manyNodes {
		pods = allPods(c)
	}
	evictions, err := Evictions(ctx, before, after, pods)
	if err != nil {
		diags.AddWarning("Cannot count the pods a NoExecute taint evicts", kube.Explain(err, "list", "pods"))
	}
	impact.Evictions = evictions
	if !impact.Empty() {
		diags.AddWarning("Pods start or stop", impact.Warning(subject))
	}
	return Result{NodesChange: true, Predicted: true, Changes: impact.Changes}
}

// Result is what RecordAndWarn found.
type Result struct {
	// NodesChange says whether the edits change any node at all.
	NodesChange bool
	// Predicted is false when prediction is off or the DaemonSets cannot be read.
	Predicted bool
	Changes   []samerun.DaemonSetChange
}

// allPods lists every pod once and hands them out by node.
func allPods(c *kube.Client) PodLister {
	var byNode map[string][]corev1.Pod
	return func(ctx context.Context, node string) ([]corev1.Pod, error) {
		if byNode == nil {
			pods, err := ListPodsOn(c)(ctx, "")
			if err != nil {
				return nil, err
			}
			byNode = map[string][]corev1.Pod{}
			for _, p := range pods {
				byNode[p.Spec.NodeName] = append(byNode[p.Spec.NodeName], p)
			}
		}
		return byNode[node], nil
	}
}

// Subject names a resource and its nodes in warnings: "k8sfleet_node_label on node k8s-01".
func Subject(typeName string, t Target, nodes int) string {
	if t.IsFleet() {
		return typeName + " on " + strconv.Itoa(nodes) + " " + plural(nodes, "node", "nodes") + " matching " + t.Selector
	}
	return typeName + " on node " + t.NodeName
}

// ByName indexes nodes by name.
func ByName(nodes []*corev1.Node) map[string]*corev1.Node {
	out := make(map[string]*corev1.Node, len(nodes))
	for _, n := range nodes {
		out[n.Name] = n
	}
	return out
}
