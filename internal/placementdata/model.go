package placementdata

import (
	"github.com/hashicorp/terraform-plugin-framework/types"
	appsv1 "k8s.io/api/apps/v1"
)

// model is the data source's Terraform value.
type model struct {
	Namespace        types.String `tfsdk:"namespace"`
	Name             types.String `tfsdk:"name"`
	ExpectedPodCount types.Int64  `tfsdk:"expected_pod_count"`
	Status           *statusModel `tfsdk:"status"`
	Nodes            []nodeModel  `tfsdk:"nodes"`
}

type statusModel struct {
	CurrentNumberScheduled types.Int64 `tfsdk:"current_number_scheduled"`
	DesiredNumberScheduled types.Int64 `tfsdk:"desired_number_scheduled"`
	NumberMisscheduled     types.Int64 `tfsdk:"number_misscheduled"`
	NumberReady            types.Int64 `tfsdk:"number_ready"`
	NumberAvailable        types.Int64 `tfsdk:"number_available"`
	NumberUnavailable      types.Int64 `tfsdk:"number_unavailable"`
	UpdatedNumberScheduled types.Int64 `tfsdk:"updated_number_scheduled"`
	ObservedGeneration     types.Int64 `tfsdk:"observed_generation"`
}

type nodeModel struct {
	Name          types.String `tfsdk:"name"`
	ShouldRun     types.Bool   `tfsdk:"should_run"`
	Reason        types.String `tfsdk:"reason"`
	Schedulable   types.Bool   `tfsdk:"schedulable"`
	PendingReason types.String `tfsdk:"pending_reason"`
	PodName       types.String `tfsdk:"pod_name"`
	PodPhase      types.String `tfsdk:"pod_phase"`
}

func statusOf(ds *appsv1.DaemonSet) *statusModel {
	s := ds.Status
	return &statusModel{
		CurrentNumberScheduled: types.Int64Value(int64(s.CurrentNumberScheduled)),
		DesiredNumberScheduled: types.Int64Value(int64(s.DesiredNumberScheduled)),
		NumberMisscheduled:     types.Int64Value(int64(s.NumberMisscheduled)),
		NumberReady:            types.Int64Value(int64(s.NumberReady)),
		NumberAvailable:        types.Int64Value(int64(s.NumberAvailable)),
		NumberUnavailable:      types.Int64Value(int64(s.NumberUnavailable)),
		UpdatedNumberScheduled: types.Int64Value(int64(s.UpdatedNumberScheduled)),
		ObservedGeneration:     types.Int64Value(s.ObservedGeneration),
	}
}
