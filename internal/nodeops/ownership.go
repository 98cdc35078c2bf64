package nodeops

import (
	"context"
	"encoding/json"
	"slices"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
)

// privateKey is the private-state key under which a resource keeps what it owns per node.
const privateKey = "ownership"

// Ownership records, per node, the label keys or taint identities ("key:Effect") that a
// resource owns beyond what the API server can tell: adopted labels (taken over with
// force or import, so that destroy removes them) and every taint (taints have no owner
// in the API). It lives in Terraform's private state, next to the resource's state.
type Ownership map[string][]string

// privateState is the part of the framework's private state data that we use.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// LoadOwnership reads the record; a resource without one yields nil.
func LoadOwnership(ctx context.Context, p privateState) (Ownership, diag.Diagnostics) {
	if p == nil {
		return nil, nil
	}
	raw, diags := p.GetKey(ctx, privateKey)
	if diags.HasError() || len(raw) == 0 {
		return nil, diags
	}
	var o Ownership
	if err := json.Unmarshal(raw, &o); err != nil {
		diags.AddError("Unreadable private state", "the ownership record of this resource is not valid JSON ("+err.Error()+
			"); this is a bug in terraform-provider-k8sfleet, please report it")
		return nil, diags
	}
	return o, diags
}

// Save writes the record, dropping empty entries.
func (o Ownership) Save(ctx context.Context, p privateState) diag.Diagnostics {
	clean := Ownership{}
	for node, items := range o {
		if len(items) > 0 {
			items = slices.Clone(items)
			sort.Strings(items)
			clean[node] = slices.Compact(items)
		}
	}
	raw, err := json.Marshal(clean)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Cannot save private state", err.Error())
		return diags
	}
	return p.SetKey(ctx, privateKey, raw)
}

// Nodes lists the nodes with a non-empty entry, sorted.
func (o Ownership) Nodes() []string {
	var out []string
	for node, items := range o {
		if len(items) > 0 {
			out = append(out, node)
		}
	}
	sort.Strings(out)
	return out
}

// Aggregate folds what each node shows of a resource (identity -> value) into the one map
// the resource reports, so that any node's drift shows up in the plan: an identity missing
// on some node is left out (the plan adds it back), a value that differs on some node is
// reported with that value (the plan sets it back), and an identity owned on some node but
// not in prior is reported (the plan removes it). With every node in line it returns prior.
func Aggregate[K comparable](prior map[K]string, observed map[string]map[K]string, nodes []string) map[K]string {
	out := make(map[K]string, len(prior))
	for id, want := range prior {
		value, present := want, true
		for _, n := range nodes {
			got, ok := observed[n][id]
			if !ok {
				present = false
				break
			}
			if got != want && value == want {
				value = got
			}
		}
		if present {
			out[id] = value
		}
	}
	for _, n := range nodes {
		for id, got := range observed[n] {
			if _, known := prior[id]; !known {
				if _, done := out[id]; !done {
					out[id] = got
				}
			}
		}
	}
	return out
}

// Union returns the sorted union of name lists.
func Union(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// privateNodesRV keeps the resourceVersion of the node list the last refresh read.
const privateNodesRV = "nodes_rv"

// SaveNodesRV records the resourceVersion of the node list a refresh read.
func SaveNodesRV(ctx context.Context, p privateState, list *kube.NodeList) diag.Diagnostics {
	raw, _ := json.Marshal(list.ResourceVersion)
	return p.SetKey(ctx, privateNodesRV, raw)
}

// NodesForPlan returns the nodes a plan resolves label_selector against: the list the
// refresh read, by its resourceVersion, so that the re-plan during apply resolves the
// selector to the same nodes even when nodes joined in between. A create has had no
// refresh and uses the latest list; so does a plan whose snapshot the server no longer holds.
func NodesForPlan(ctx context.Context, c *kube.Client, p privateState) (*kube.NodeList, error) {
	var rv string
	if p != nil {
		raw, _ := p.GetKey(ctx, privateNodesRV)
		if len(raw) > 0 && json.Unmarshal(raw, &rv) != nil {
			rv = ""
		}
	}
	list, stale, err := c.Nodes.ListAt(ctx, rv)
	if stale {
		tflog.Info(ctx, "the refresh's node list is no longer served; planning with the latest nodes", map[string]any{"resource_version": rv})
	}
	return list, err
}
