package nodeattr

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/samerun"
)

// impactType is the element of daemonset_impact.
var impactType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"pods_started": types.Int64Type, "pods_stopped": types.Int64Type, "pods_evicted": types.Int64Type,
}}

// ImpactAttribute is daemonset_impact, shared by node_label and node_taint.
func ImpactAttribute(k Kind) schema.Attribute {
	return schema.MapAttribute{
		Computed:    true,
		ElementType: impactType,
		Description: "What this plan changes where DaemonSets run: for each DaemonSet (`namespace/name`) whose placement " +
			"the planned " + k.Plural + " change, the number of nodes where its pod starts (`pods_started`), where it stops " +
			"(`pods_stopped`), and among those where an untolerated `NoExecute` taint evicts the running pod " +
			"(`pods_evicted`). Predicted with the DaemonSet controller's rule, not read from live pods, and the same as the " +
			"plan's \"Pods start or stop\" warning. Empty (`{}`) when nothing moves, so `length(self.daemonset_impact)` " +
			"works in a `lifecycle { postcondition }`; null when the provider's `predict_placement` is false; unknown " +
			"while the nodes or the " + k.Plural + " are. An update predicts from the nodes and DaemonSets the refresh " +
			"read (kept in private state), so the apply of a saved plan agrees with it whatever changed since; a create " +
			"predicts from the live cluster, and Terraform refuses the apply of a saved create plan whose value then " +
			"differs, before anything is written. After apply, the next refresh sets it to `{}`.",
	}
}

// ImpactValue is daemonset_impact for the changes.
func ImpactValue(changes []samerun.DaemonSetChange) types.Map {
	values := make(map[string]attr.Value, len(changes))
	for _, c := range changes {
		values[c.DaemonSet] = types.ObjectValueMust(impactType.AttrTypes, map[string]attr.Value{
			"pods_started": types.Int64Value(int64(len(c.Starts))),
			"pods_stopped": types.Int64Value(int64(len(c.Stops))),
			"pods_evicted": types.Int64Value(int64(c.Evicted)),
		})
	}
	return types.MapValueMust(impactType, values)
}

// ImpactEmpty is daemonset_impact when nothing moves: {}, or null with prediction off.
func ImpactEmpty(predict bool) types.Map {
	if !predict {
		return ImpactNull()
	}
	return ImpactValue(nil)
}

// ImpactUnknown is daemonset_impact while it cannot be known yet; null with prediction off.
func ImpactUnknown(predict bool) types.Map {
	if !predict {
		return ImpactNull()
	}
	return types.MapUnknown(impactType)
}

// ImpactNull is daemonset_impact with prediction off.
func ImpactNull() types.Map { return types.MapNull(impactType) }
