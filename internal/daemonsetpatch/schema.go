package daemonsetpatch

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/daemonset"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kubeattr"
)

// model is the resource's Terraform value.
type model struct {
	ID                 types.String `tfsdk:"id"`
	Metadata           types.Object `tfsdk:"metadata"`
	Spec               types.Object `tfsdk:"spec"`
	FieldManager       types.String `tfsdk:"field_manager"`
	Force              types.Bool   `tfsdk:"force"`
	PlacementChanges   types.Map    `tfsdk:"placement_changes"`
	ExpectedPodCount   types.Int64  `tfsdk:"expected_pod_count"`
	ExcludedNodeCounts types.Map    `tfsdk:"excluded_node_counts"`
}

type metadataModel struct {
	Name      types.String `tfsdk:"name"`
	Namespace types.String `tfsdk:"namespace"`
}

var metadataAttrTypes = map[string]attr.Type{"name": types.StringType, "namespace": types.StringType}

func (m *model) setPrediction(p daemonset.Prediction) {
	m.ExpectedPodCount, m.PlacementChanges, m.ExcludedNodeCounts = p.ExpectedPodCount, p.PlacementChanges, p.ExcludedNodeCounts
}

func (m *model) prediction() daemonset.Prediction {
	return daemonset.Prediction{ExpectedPodCount: m.ExpectedPodCount, PlacementChanges: m.PlacementChanges, ExcludedNodeCounts: m.ExcludedNodeCounts}
}

func resourceSchema() schema.Schema {
	return schema.Schema{
		Description: "Owns a few fields of a DaemonSet that something else installed (kube-proxy, aws-node, a Helm " +
			"chart's agent) with server-side apply, predicts in every plan which nodes gain or lose its pods, and gives " +
			"the fields back on destroy. The DaemonSet is never created or deleted.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true, Description: "`namespace/name`.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"metadata": schema.SingleNestedAttribute{
				Required:    true,
				Description: "The DaemonSet to patch; it must exist.",
				Attributes: map[string]schema.Attribute{
					"name": schema.StringAttribute{
						Required: true, Description: "Name of the DaemonSet. Changing it gives the fields back and patches the other one.",
						PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
					},
					"namespace": schema.StringAttribute{
						Required: true, Description: "Namespace of the DaemonSet. Changing it gives the fields back and patches the other one.",
						PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
					},
				},
			},
			"spec": schema.SingleNestedAttribute{
				Optional: true,
				Description: "The fields of the DaemonSetSpec this resource owns, with the schema of `k8sfleet_daemonset`'s " +
					"`spec`, every attribute optional. Only the fields set here are applied. Containers, init containers, " +
					"env entries, ports and volumes are matched to the live object's by name, as Kubernetes merges them, so " +
					"a container here needs only its `name` and the fields to set. Tolerations, `node_selector`, `args`, " +
					"`command` and the required node affinity are atomic in Kubernetes: set the whole value (with `force`, " +
					"since the installer owns it), which destroy puts back as it was.",
				Attributes: daemonset.SpecAttributes(),
				CustomType: daemonset.SpecType(),
			},
			"field_manager": schema.StringAttribute{
				Optional: true, Computed: true,
				Description: "The server-side apply field manager that owns this resource's fields; it must start with " +
					"`k8sfleet`. Unset, create draws `k8sfleet-patch-<10 random hex digits>` (known after apply) and keeps it, " +
					"so no two patches share one.",
				Validators: []validator.String{kubeattr.FieldManagerValidator{}, kubeattr.FieldManagerLengthValidator{}},
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace(),
				},
			},
			"force": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				Description: "Take over fields another field manager owns with another value (the installer's tolerations, " +
					"its memory request); otherwise such a field is a conflict error that names it and its manager. " +
					"Destroy puts the values it took over back.",
			},
			"placement_changes": schema.MapAttribute{
				Computed: true, ElementType: types.StringType,
				Description: "Every node where the number of the DaemonSet's pods changes once the controller has acted " +
					"on this apply, as `k8sfleet_daemonset`'s: predicted from the live template with these fields applied " +
					"over it. Null with `predict_placement = false`.",
			},
			"expected_pod_count": schema.Int64Attribute{
				Computed:    true,
				Description: "The number of nodes that should run the DaemonSet's pod after apply (`status.desiredNumberScheduled`).",
			},
			"excluded_node_counts": schema.MapAttribute{
				Computed: true, ElementType: types.Int64Type,
				Description: "Each reason a node gets no pod after apply to the number of nodes excluded for it.",
			},
		},
	}
}
