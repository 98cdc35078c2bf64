package daemonset

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
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

// TypeName is the resource's type name.
const TypeName = "k8sfleet_daemonset"

// CarriedMaps are the attributes with an entry per node. They bypass the framework (package
// mapcarrier): at thousands of nodes its walks over them cost more than the rest of a plan.
var CarriedMaps = []mapcarrier.Attribute{
	{Name: "expected_pods", Type: tftypes.Map{ElementType: tftypes.Number}},
	{Name: "excluded_nodes", Type: tftypes.Map{ElementType: tftypes.String}},
}

// setPrediction writes a result into the computed attributes.
func setPrediction(ctx context.Context, m *model, res placement.Result) diag.Diagnostics {
	m.ExpectedPodCount = types.Int64Value(int64(res.Count()))
	pods, excluded := res.ExpectedPods(), res.ExcludedNodes()
	var diags diag.Diagnostics
	carriedPods, err := mapcarrier.PutMap(ctx, CarriedMaps[0].Name, pods)
	if err != nil {
		diags.AddError("Cannot encode "+CarriedMaps[0].Name, err.Error())
	}
	carriedExcluded, err := mapcarrier.PutMap(ctx, CarriedMaps[1].Name, excluded)
	if err != nil {
		diags.AddError("Cannot encode "+CarriedMaps[1].Name, err.Error())
	}
	if carriedPods && carriedExcluded {
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
	for i, v := range []types.Map{pods, excluded} {
		tf, err := v.ToTerraformValue(ctx)
		if err == nil {
			_, err = mapcarrier.Put(ctx, CarriedMaps[i].Name, tf)
		}
		if err != nil {
			diags.AddError("Cannot encode "+CarriedMaps[i].Name, err.Error())
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
