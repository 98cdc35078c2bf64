package daemonset

import (
	"context"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kubeattr"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kubeschema"
)

// specType is the Go type the spec attribute is derived from.
var specType = reflect.TypeOf(appsv1.DaemonSetSpec{})

// specOptions leaves out what the API forbids in a pod template; of the template's metadata,
// the API server stores name and generateName as well as labels and annotations.
var specOptions = kubeschema.Options{
	Skip:             map[reflect.Type][]string{reflect.TypeOf(corev1.PodSpec{}): {"ephemeralContainers"}},
	ObjectMetaFields: []string{"name", "generateName", "labels", "annotations"},
}

// DefaultFieldManager is the server-side apply field manager unless field_manager is set.
const DefaultFieldManager = "k8sfleet"

func resourceSchema(ctx context.Context) schema.Schema {
	return schema.Schema{
		Version: schemaVersion,
		Description: "Manages an apps/v1 DaemonSet with server-side apply, and predicts in every plan which nodes gain or " +
			"lose a pod (`placement_changes`) and how many pods it runs (`expected_pod_count`), with the DaemonSet " +
			"controller's rules. Only the fields written in the configuration are managed: fields the server defaults or " +
			"other managers own are left alone.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true, Description: "`namespace/name`.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"metadata": schema.SingleNestedAttribute{
				Required:    true,
				Description: "Object metadata.",
				Attributes: map[string]schema.Attribute{
					"name": schema.StringAttribute{
						Required: true, Description: "Name of the DaemonSet, a DNS-1123 subdomain. Changing it replaces the DaemonSet.",
						PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
					},
					"namespace": schema.StringAttribute{
						Optional: true, Computed: true, Default: stringdefault.StaticString("default"),
						Description:   "Namespace, default `default`. Changing it replaces the DaemonSet.",
						PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
					},
					"labels": schema.MapAttribute{
						ElementType: types.StringType, Optional: true,
						Description: "Labels of the DaemonSet object managed by this resource; others' labels are left alone.",
						Validators:  labelValidators(),
					},
					"annotations": schema.MapAttribute{
						ElementType: types.StringType, Optional: true,
						Description: "Annotations of the DaemonSet object managed by this resource; others' annotations are left alone.",
					},
					"uid": schema.StringAttribute{
						Computed: true, Description: "UID assigned by the API server.",
						PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
					},
				},
			},
			"spec": schema.SingleNestedAttribute{
				Required: true,
				Description: "DaemonSetSpec, every field of apps/v1 with the Kubernetes JSON names in snake_case. " +
					"`selector` cannot change: a new selector replaces the DaemonSet.",
				Attributes: kubeschema.ResourceAttributes(specType, specOptions),
				CustomType: kubeschema.ObjectType(specType, specOptions),
			},
			"field_manager": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(DefaultFieldManager),
				Description: "Server-side apply field manager. Default `k8sfleet`. Two resources that apply one DaemonSet need one each: " +
					"a plan that would share one is refused (see the ownership guide).",
				Validators: []validator.String{kubeattr.FieldManagerLengthValidator{}},
			},
			"force": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				Description: "Take over fields that another field manager owns; otherwise such a field is a conflict error that names it and its manager.",
			},
			"wait_for_rollout": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				Description: "Wait after create and update until the rollout completes, as `kubectl rollout status daemonset` does.",
			},
			"placement_changes": schema.MapAttribute{
				Computed: true, ElementType: types.StringType,
				Description: "Every node where the number of this DaemonSet's pods changes once the controller has acted on " +
					"this apply, and no other: `+1: <reason>` when the node gets a pod, `-1: <reason>` when it loses one, e.g. " +
					"`-1: node selector does not match (logger=fluentd)` or `-1: rollout removes the pod (taint foo=bar:NoSchedule " +
					"is not tolerated)`. Predicted from the pod template as it will be stored (the live template with this " +
					"configuration applied over it), the nodes of the last refresh and the pods that run now: a pod kept on a " +
					"node the controller would no longer place one on stays until a rollout replaces it, and with " +
					"`update_strategy.type = \"OnDelete\"` a template change replaces no pod. A create counts from no pods. " +
					"Empty when nothing moves; after the next refresh it is empty again. Null with `predict_placement = false`.",
			},
			"expected_pod_count": schema.Int64Attribute{
				Computed: true,
				Description: "The number of nodes that should run the pod: the controller's `status.desiredNumberScheduled` " +
					"after apply. Pods kept on nodes it would not place one on are not in it; the plan's warning counts them.",
			},
			"excluded_node_counts": schema.MapAttribute{
				Computed: true, ElementType: types.Int64Type,
				Description: "Each reason a node gets no pod (the untolerated taint, the node selector or affinity that does " +
					"not match, the pinned nodeName) to the number of nodes excluded for it.",
			},
			"timeouts": kubeattr.Timeouts(ctx, "5m", "Covers the write and, with `wait_for_rollout`, the rollout."),
		},
	}
}

func labelValidators() []validator.Map { return []validator.Map{kubeattr.LabelMapValidator{}} }
