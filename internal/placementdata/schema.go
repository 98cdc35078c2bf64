package placementdata

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
)

// dataSourceSchema describes the data source.
func dataSourceSchema() schema.Schema {
	return schema.Schema{
		Description: "Every node of the cluster with the DaemonSet controller's decision for one DaemonSet (whether its pod " +
			"should run there, and why not) beside the DaemonSet's pod that runs there now: prediction and reality side by " +
			"side, for outputs and debugging, with the DaemonSet's status counters and, per node, whether the default scheduler " +
			"places its pod there. One DaemonSet GET, one node LIST, one LIST of its pods and, with the provider's " +
			"`predict_scheduling`, one LIST of every pod per read.",
		Attributes: map[string]schema.Attribute{
			"namespace": schema.StringAttribute{Required: true, Description: "Namespace of the DaemonSet."},
			"name":      schema.StringAttribute{Required: true, Description: "Name of the DaemonSet."},
			"expected_pod_count": schema.Int64Attribute{
				Computed: true, Description: "Nodes where the pod should run, as the controller's `status.desiredNumberScheduled`.",
			},
			"status": schema.SingleNestedAttribute{
				Computed: true, Description: "The DaemonSet's status counters as read.",
				Attributes: statusAttributes(),
			},
			"nodes": schema.ListNestedAttribute{
				Computed:    true,
				Description: "Every node, sorted by name.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name":       schema.StringAttribute{Computed: true, Description: "Node name."},
					"should_run": schema.BoolAttribute{Computed: true, Description: "Whether the controller should run the DaemonSet's pod on the node."},
					"reason": schema.StringAttribute{
						Computed: true, Description: "Why not, when `should_run` is false: the untolerated taint, the selector or affinity that does not match, the pinned nodeName. Null otherwise.",
					},
					"schedulable": schema.BoolAttribute{
						Computed: true, Description: "Where `should_run` is true, whether the default scheduler places the DaemonSet's pod on the node, " +
							"judged from the node's allocatable and the pods bound to it besides the DaemonSet's own (resources, pod count, " +
							"host ports; true where it fits by preempting pods of lower priority). Null where `should_run` is false, and " +
							"with the provider's `predict_scheduling = false`.",
					},
					"pending_reason": schema.StringAttribute{
						Computed: true, Description: "Why the pod stays Pending when `schedulable` is false, in the scheduler's words with the " +
							"figures: `Insufficient memory (requests 1Gi, 512Mi of 256Gi free)`. Null otherwise.",
					},
					"pod_name":  schema.StringAttribute{Computed: true, Description: "The DaemonSet's pod on the node now (bound to it, or Pending for it); null when there is none."},
					"pod_phase": schema.StringAttribute{Computed: true, Description: "That pod's phase (`Pending`, `Running`, ...); null when there is none."},
				}},
			},
		},
	}
}

func statusAttributes() map[string]schema.Attribute {
	out := map[string]schema.Attribute{}
	for _, name := range []string{"current_number_scheduled", "desired_number_scheduled", "number_misscheduled", "number_ready",
		"number_available", "number_unavailable", "updated_number_scheduled", "observed_generation"} {
		out[name] = schema.Int64Attribute{Computed: true, Description: "DaemonSet status `" + name + "`."}
	}
	return out
}
