package daemonset

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// schemaVersion 1 replaced the per-node maps expected_pods and excluded_nodes (version 0)
// with placement_changes and excluded_node_counts, and moved status to the data source
// k8sfleet_daemonset_placement.
const schemaVersion = 1

var _ resource.ResourceWithUpgradeState = &Resource{}

// UpgradeState upgrades version 0 on its JSON: the old schema's spec is the same as today's,
// and a 5,000-node map is cheaper to drop as text than to decode. placement_changes starts
// empty, as a refresh leaves it, and excluded_node_counts is counted from excluded_nodes, so
// that a plan without refresh shows no change; the private state (imported, nodes_rv) is kept
// by Terraform as it is.
func (r *Resource) UpgradeState(context.Context) map[int64]resource.StateUpgrader {
	return map[int64]resource.StateUpgrader{0: {StateUpgrader: upgradeFromV0}}
}

func upgradeFromV0(_ context.Context, req resource.UpgradeStateRequest, resp *resource.UpgradeStateResponse) {
	if req.RawState == nil || len(req.RawState.JSON) == 0 {
		resp.Diagnostics.AddError("Cannot upgrade the state", "the stored state of version 0 is not JSON")
		return
	}
	out, err := upgradeV0JSON(req.RawState.JSON)
	if err != nil {
		resp.Diagnostics.AddError("Cannot upgrade the state", err.Error())
		return
	}
	resp.DynamicValue = &tfprotov6.DynamicValue{JSON: out}
}

func upgradeV0JSON(in []byte) ([]byte, error) {
	var object map[string]json.RawMessage
	if err := json.Unmarshal(in, &object); err != nil {
		return nil, err
	}
	// The old map says why each excluded node gets no pod; counted by reason it is the new one.
	var excluded map[string]string
	if raw, ok := object["excluded_nodes"]; ok {
		if err := json.Unmarshal(raw, &excluded); err != nil {
			return nil, err
		}
	}
	delete(object, "expected_pods")
	delete(object, "excluded_nodes")
	delete(object, "status") // moved to k8sfleet_daemonset_placement
	counts := map[string]int64{}
	for _, reason := range excluded {
		counts[reason]++
	}
	rawCounts, err := json.Marshal(counts)
	if err != nil {
		return nil, err
	}
	object["placement_changes"], object["excluded_node_counts"] = json.RawMessage("{}"), rawCounts
	if c, ok := object["expected_pod_count"]; !ok || string(c) == "null" {
		// Prediction was off: the new maps are null as well.
		object["placement_changes"], object["excluded_node_counts"] = json.RawMessage("null"), json.RawMessage("null")
	}
	return json.Marshal(object)
}
