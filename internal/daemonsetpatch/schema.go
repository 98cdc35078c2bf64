package daemonsetpatch

import (
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/daemonset"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kubeattr"
)

const description = "Owns a few fields of a DaemonSet that something else installed (kube-proxy, aws-node, a Helm " +
	"chart's agent) with server-side apply, predicts in every plan which nodes gain or lose its pods, and gives " +
	"the fields back on destroy. The DaemonSet is never created or deleted."

// targetAttribute names the DaemonSet; another one is another patch.
func targetAttribute(what string) schema.StringAttribute {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	return schema.StringAttribute{Required: true, PlanModifiers: replace,
		Description: what + " of the DaemonSet. Changing it gives the fields back and patches the other DaemonSet."}
}

func resourceSchema() schema.Schema {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	return schema.Schema{
		Description: description,
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, Description: "`namespace/name`.", PlanModifiers: keep},
			"metadata": schema.SingleNestedAttribute{
				Required: true, Description: "The DaemonSet to patch; it must exist.",
				Attributes: map[string]schema.Attribute{"name": targetAttribute("Name"), "namespace": targetAttribute("Namespace")},
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
				Optional: true,
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
