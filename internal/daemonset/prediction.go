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
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/mapcarrier"
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
func setPrediction(ctx context.Context, m *model, res placement.Result) diag.Diagnostics {
	m.ExpectedPodCount = types.Int64Value(int64(res.Count()))
	pods, excluded := res.ExpectedPods(), res.ExcludedNodes()
	carried, err := mapcarrier.PutMap(ctx, expectedPodsAttr.Name, pods)
	if err == nil {
		_, err = mapcarrier.PutMap(ctx, excludedNodesAttr.Name, excluded)
	}
	var diags diag.Diagnostics
	if err != nil {
		diags.AddError("Cannot encode the predicted placement", err.Error())
	}
	if carried {
		// The carrier writes them into the response; the framework sees null.
		m.ExpectedPods, m.ExcludedNodes = types.MapNull(types.Int64Type), types.MapNull(types.StringType)
		return diags
	}
	podValues := make(map[string]attr.Value, len(pods))
	for node, n := range pods {
		podValues[node] = types.Int64Value(n)
	}
	excludedValues := make(map[string]attr.Value, len(excluded))
	for node, why := range excluded {
		excludedValues[node] = types.StringValue(why)
	}
	m.ExpectedPods = types.MapValueMust(types.Int64Type, podValues)
	m.ExcludedNodes = types.MapValueMust(types.StringType, excludedValues)
	return diags
}

func setPredictionUnknown(ctx context.Context, m *model) diag.Diagnostics {
	m.ExpectedPodCount = types.Int64Unknown()
	return setMaps(ctx, m, types.MapUnknown(types.Int64Type), types.MapUnknown(types.StringType))
}

func setPredictionNull(ctx context.Context, m *model) diag.Diagnostics {
	m.ExpectedPodCount = types.Int64Null()
	return setMaps(ctx, m, types.MapNull(types.Int64Type), types.MapNull(types.StringType))
}

// setMaps sets unknown or null maps: in the carrier when the request came through one (the
// value the request had would come back otherwise), and in the model.
func setMaps(ctx context.Context, m *model, pods, excluded types.Map) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, v := range []struct {
		name  string
		value types.Map
	}{{expectedPodsAttr.Name, pods}, {excludedNodesAttr.Name, excluded}} {
		tf, err := v.value.ToTerraformValue(ctx)
		if err == nil {
			_, err = mapcarrier.Put(ctx, v.name, tf)
		}
		if err != nil {
			diags.AddError("Cannot encode "+v.name, err.Error())
		}
	}
	m.ExpectedPods, m.ExcludedNodes = pods, excluded
	return diags
}

// fillUnknownPrediction settles values still unknown after apply (prediction off or not possible).
func (r *Resource) fillUnknownPrediction(ctx context.Context, m *model) diag.Diagnostics {
	if m.ExpectedPods.IsUnknown() || m.ExpectedPodCount.IsUnknown() || m.ExcludedNodes.IsUnknown() {
		return setPredictionNull(ctx, m)
	}
	return nil
}

// refreshPrediction recomputes the prediction from the live template during refresh and
// returns the node list's resource version for the next plan.
func (r *Resource) refreshPrediction(ctx context.Context, m *model, ds *appsv1.DaemonSet, diags *diag.Diagnostics) string {
	if !r.client.Options.PredictPlacement {
		diags.Append(setPredictionNull(ctx, m)...)
		return ""
	}
	list, err := r.client.Nodes.List(ctx)
	if err != nil {
		diags.AddWarning("Cannot predict DaemonSet placement", kube.Explain(err, "list", "nodes"))
		return ""
	}
	diags.Append(setPrediction(ctx, m, placement.Predict(&ds.Spec.Template.Spec, list.Nodes, r.placementOptions()))...)
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
