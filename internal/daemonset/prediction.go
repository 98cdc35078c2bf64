package daemonset

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/placement"
)

// summaryLimit is how many node names the plan's warning lists before "and N more".
const summaryLimit = 20

func (r *Resource) placementOptions() placement.Options {
	return placement.Options{ComparisonOperators: r.client.Options.ComparisonOperators}
}

// predict computes the placement of spec over nodes at resource version rv (the one the
// refresh saw, so that the re-plan during apply sees the same nodes), with the node changes
// that node_label and node_taint resources planned in this run.
func (r *Resource) predict(ctx context.Context, spec *corev1.PodSpec, rv string) (placement.Result, error) {
	list, stale, err := r.client.Nodes.ListAt(ctx, rv)
	if err != nil {
		return placement.Result{}, err
	}
	if stale {
		tflog.Warn(ctx, "node list of the refresh is no longer served; predicting from the latest nodes", map[string]any{"resource_version": rv})
	}
	nodes := r.client.Nodes.WithPlanned(list.Nodes)
	return placement.Predict(spec, nodes, r.placementOptions()), nil
}

// setPrediction writes a result into the computed attributes.
func setPrediction(m *model, res placement.Result) {
	pods := map[string]attr.Value{}
	for node, n := range res.ExpectedPods() {
		pods[node] = types.Int64Value(n)
	}
	excluded := map[string]attr.Value{}
	for node, why := range res.ExcludedNodes() {
		excluded[node] = types.StringValue(why)
	}
	m.ExpectedPods = types.MapValueMust(types.Int64Type, pods)
	m.ExcludedNodes = types.MapValueMust(types.StringType, excluded)
	m.ExpectedPodCount = types.Int64Value(int64(res.Count()))
}

func setPredictionUnknown(m *model) {
	m.ExpectedPods = types.MapUnknown(types.Int64Type)
	m.ExcludedNodes = types.MapUnknown(types.StringType)
	m.ExpectedPodCount = types.Int64Unknown()
}

func setPredictionNull(m *model) {
	m.ExpectedPods = types.MapNull(types.Int64Type)
	m.ExcludedNodes = types.MapNull(types.StringType)
	m.ExpectedPodCount = types.Int64Null()
}

// fillUnknownPrediction settles values still unknown after apply (prediction off or not possible).
func (r *Resource) fillUnknownPrediction(m *model) {
	if m.ExpectedPods.IsUnknown() || m.ExpectedPodCount.IsUnknown() || m.ExcludedNodes.IsUnknown() {
		setPredictionNull(m)
	}
}

// refreshPrediction recomputes the prediction from the live template during refresh and
// returns the node list's resource version for the next plan.
func (r *Resource) refreshPrediction(ctx context.Context, m *model, ds *appsv1.DaemonSet, diags *diag.Diagnostics) string {
	if !r.client.Options.PredictPlacement {
		setPredictionNull(m)
		return ""
	}
	list, err := r.client.Nodes.List(ctx)
	if err != nil {
		diags.AddWarning("Cannot predict DaemonSet placement", kube.Explain(err, "list", "nodes"))
		return ""
	}
	setPrediction(m, placement.Predict(&ds.Spec.Template.Spec, list.Nodes, r.placementOptions()))
	return list.ResourceVersion
}

// nodesRV reads the resource version saved by the refresh.
func nodesRV(raw []byte) string {
	var rv string
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &rv)
	}
	return rv
}
