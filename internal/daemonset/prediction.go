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

// setPrediction writes a prediction into the computed attributes.
func setPrediction(m *model, after placement.Result, changes []placement.NodeChange) {
	m.ExpectedPodCount = types.Int64Value(int64(after.Count()))
	values := make(map[string]attr.Value, len(changes))
	for _, c := range changes {
		values[c.Node] = types.StringValue(c.String())
	}
	m.PlacementChanges = types.MapValueMust(types.StringType, values)
	counts := after.ExcludedCounts()
	countValues := make(map[string]attr.Value, len(counts))
	for reason, n := range counts {
		countValues[reason] = types.Int64Value(n)
	}
	m.ExcludedNodeCounts = types.MapValueMust(types.Int64Type, countValues)
}

func setPredictionUnknown(m *model) {
	m.ExpectedPodCount = types.Int64Unknown()
	m.PlacementChanges, m.ExcludedNodeCounts = types.MapUnknown(types.StringType), types.MapUnknown(types.Int64Type)
}

func setPredictionNull(m *model) {
	m.ExpectedPodCount = types.Int64Null()
	m.PlacementChanges, m.ExcludedNodeCounts = types.MapNull(types.StringType), types.MapNull(types.Int64Type)
}

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
func (r *Resource) refreshPrediction(ctx context.Context, m *model, ds *appsv1.DaemonSet, p privateSetter, diags *diag.Diagnostics) {
	diags.Append(p.SetKey(ctx, privateNodesRV, nil)...) // the layout before the snapshot
	if !r.client.Options.PredictPlacement {
		setPredictionNull(m)
		diags.Append(p.SetKey(ctx, privateSnapshot, nil)...)
		return
	}
	list, err := r.client.Nodes.List(ctx)
	if err != nil {
		diags.AddWarning("Cannot predict DaemonSet placement", kube.Explain(err, "list", "nodes"))
		return
	}
	live := placement.Predict(&ds.Spec.Template.Spec, list.Nodes, r.placementOptions())
	setPrediction(m, live, nil)
	diags.Append(saveSnapshot(ctx, p, list, ds, m.FieldManager.ValueString(), r.podsIfDiffer(ctx, ds, live, diags))...)
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
func (r *Resource) snapshotAfterApply(ctx context.Context, ds *appsv1.DaemonSet, manager string, p privateSetter, diags *diag.Diagnostics) {
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
