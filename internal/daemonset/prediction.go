package daemonset

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/placement"
)

func (r *Resource) placementOptions() placement.Options {
	return placement.Options{ComparisonOperators: r.client.Options.ComparisonOperators}
}

// Prediction is the value of the three computed placement attributes.
// The tags let a resource model embed it.
type Prediction struct {
	ExpectedPodCount   types.Int64 `tfsdk:"expected_pod_count"`
	PlacementChanges   types.Map   `tfsdk:"placement_changes"`
	ExcludedNodeCounts types.Map   `tfsdk:"excluded_node_counts"`
}

func predictionOf(after placement.Result, changes []placement.NodeChange) Prediction {
	values := make(map[string]attr.Value, len(changes))
	for _, c := range changes {
		values[c.Node] = types.StringValue(c.String())
	}
	counts := after.ExcludedCounts()
	countValues := make(map[string]attr.Value, len(counts))
	for reason, n := range counts {
		countValues[reason] = types.Int64Value(n)
	}
	return Prediction{
		ExpectedPodCount:   types.Int64Value(int64(after.Count())),
		PlacementChanges:   types.MapValueMust(types.StringType, values),
		ExcludedNodeCounts: types.MapValueMust(types.Int64Type, countValues),
	}
}

// UnknownPrediction is known after apply.
func UnknownPrediction() Prediction {
	return Prediction{types.Int64Unknown(), types.MapUnknown(types.StringType), types.MapUnknown(types.Int64Type)}
}

// NullPrediction is the value with predict_placement = false.
func NullPrediction() Prediction {
	return Prediction{types.Int64Null(), types.MapNull(types.StringType), types.MapNull(types.Int64Type)}
}

func (m *model) setPredictionValue(p Prediction) {
	m.ExpectedPodCount, m.PlacementChanges, m.ExcludedNodeCounts = p.ExpectedPodCount, p.PlacementChanges, p.ExcludedNodeCounts
}

// setPrediction writes a prediction into the computed attributes.
func setPrediction(m *model, after placement.Result, changes []placement.NodeChange) {
	m.setPredictionValue(predictionOf(after, changes))
}

func setPredictionUnknown(m *model) { m.setPredictionValue(UnknownPrediction()) }

func setPredictionNull(m *model) { m.setPredictionValue(NullPrediction()) }

// fillUnknownPrediction settles values still unknown after apply (an unknown configuration,
// or the create half of a replacement): predicted from the live nodes and the applied
// template, with no change left to show, as the next refresh would.
func (r *Resource) fillUnknownPrediction(ctx context.Context, m *model, spec *corev1.PodSpec, diags *diag.Diagnostics) {
	if !m.ExpectedPodCount.IsUnknown() && !m.PlacementChanges.IsUnknown() && !m.ExcludedNodeCounts.IsUnknown() {
		return
	}
	if !r.client.Options.PredictPlacement {
		setPredictionNull(m)
		return
	}
	list, err := r.client.Nodes.List(ctx)
	if err != nil {
		diags.AddWarning("Cannot predict DaemonSet placement", kube.Explain(err, "list", "nodes"))
		setPredictionNull(m)
		return
	}
	setPrediction(m, placement.Predict(spec, list.Nodes, r.placementOptions()), nil)
}

// refreshPrediction predicts from the live template and nodes during a refresh (nothing
// changes: placement_changes is empty) and keeps both in private state for the next plans.
func (r *Resource) refreshPrediction(ctx context.Context, m *model, ds *appsv1.DaemonSet, p PrivateSetter, diags *diag.Diagnostics) {
	if pr, ok := r.refreshPlacement(ctx, ds, m.FieldManager.ValueString(), p, diags); ok {
		m.setPredictionValue(pr)
	}
}

// refreshPlacement is refreshPrediction for the fields of manager; false when the nodes
// cannot be read (a warning), which leaves the prior values.
func (r *Resource) refreshPlacement(ctx context.Context, ds *appsv1.DaemonSet, manager string, p PrivateSetter, diags *diag.Diagnostics) (Prediction, bool) {
	diags.Append(p.SetKey(ctx, privateNodesRV, nil)...) // the layout before the snapshot
	if !r.client.Options.PredictPlacement {
		diags.Append(p.SetKey(ctx, privateSnapshot, nil)...)
		return NullPrediction(), true
	}
	list, err := r.client.Nodes.List(ctx)
	if err != nil {
		diags.AddWarning("Cannot predict DaemonSet placement", kube.Explain(err, "list", "nodes"))
		return Prediction{}, false
	}
	live := placement.Predict(&ds.Spec.Template.Spec, list.Nodes, r.placementOptions())
	diags.Append(saveSnapshot(ctx, p, list, ds, manager, r.podsIfDiffer(ctx, ds, live, diags))...)
	return predictionOf(live, nil), true
}

// podsIfDiffer says where the DaemonSet's pods run when its status cannot vouch that they run
// where live, the rule on its template, places them: none when it says no pod runs, read
// otherwise (one pod LIST); nil (the rule holds) when it vouches, or when the pods cannot be
// read, with a warning.
func (r *Resource) podsIfDiffer(ctx context.Context, ds *appsv1.DaemonSet, live placement.Result, diags *diag.Diagnostics) placement.Running {
	switch kube.PodsFromStatus(ds, live.Count()) {
	case kube.RuleHolds:
		return nil
	case kube.NoPods:
		return placement.Running{}
	}
	running, err := r.runningPods(ctx, ds)
	if err != nil {
		diags.AddWarning("Cannot read the DaemonSet's pods",
			err.Error()+"\n\nPlans assume the pods run where the controller's rule on the live template places them.")
		return nil
	}
	return running
}

// snapshotAfterApply records the applied template for the plans that follow before the next
// refresh (-refresh=false), so that their baseline is what this apply wrote.
func (r *Resource) snapshotAfterApply(ctx context.Context, ds *appsv1.DaemonSet, manager string, p PrivateSetter, diags *diag.Diagnostics) {
	if !r.client.Options.PredictPlacement {
		return
	}
	list, err := r.client.Nodes.List(ctx)
	if err != nil {
		diags.AddWarning("Cannot record the node snapshot", kube.Explain(err, "list", "nodes"))
		return
	}
	live := placement.Predict(&ds.Spec.Template.Spec, list.Nodes, r.placementOptions())
	diags.Append(saveSnapshot(ctx, p, list, ds, manager, r.podsIfDiffer(ctx, ds, live, diags))...)
}
