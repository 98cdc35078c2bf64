package nodefield

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	corev1 "k8s.io/api/core/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodeops"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodetable"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/samerun"
)

// privateSnapshot is the private-state key of what a refresh read for the plans after it, so
// that a plan and the re-plan during apply of a saved plan resolve the same nodes, record the
// same same-run edits and compute the same daemonset_impact, whatever the cluster did in
// between (the API server may no longer serve the refresh's resource version).
//
// Layout, version 1 (JSON):
//
//	{"v": 1, "all": true,
//	 "nodes": "<node table (internal/nodetable)>",
//	 "releases": "<nodetable.Pack of {"ix": [set index per node of the table], "sets": [[item, ...], ...]}>",
//	 "daemonsets": "<samerun.PackPlacements of every DaemonSet>"}
//
// all says the table holds every node (the fleet form); the single-node form keeps its node
// and the nodes it had. releases are, per node, the items whose release removes them (the
// kind's Writer.Releases). daemonsets is absent when prediction was off, and in the snapshot
// an apply records (plans then read the DaemonSets live). A reader meeting another "v"
// ignores the snapshot and plans from the live nodes.
const privateSnapshot = "snapshot"

const snapshotVersion = 1

// privateNodesRV is the key of the layout before the snapshot (the resourceVersion of the
// refresh's node list); a refresh removes it.
const privateNodesRV = "nodes_rv"

type snapshotJSON struct {
	V          int    `json:"v"`
	All        bool   `json:"all,omitempty"`
	Nodes      string `json:"nodes"`
	Releases   string `json:"releases"`
	DaemonSets string `json:"daemonsets,omitempty"`
}

type releaseTable struct {
	Index []int      `json:"ix"`
	Sets  [][]string `json:"sets"`
}

// snapshot is a decoded snapshot.
type snapshot struct {
	all        bool
	nodes      []*corev1.Node
	releases   map[string][]string
	daemonSets []samerun.DaemonSetPlacement // nil when not captured
}

// saveSnapshot records the nodes (all of list, or those named), the releases per node and,
// when prediction is on and withDaemonSets, every DaemonSet's placement.
func saveSnapshot(ctx context.Context, c *kube.Client, p private, list *kube.NodeList, only []string, releases map[string][]string, withDaemonSets bool) diag.Diagnostics {
	var diags diag.Diagnostics
	diags.Append(p.SetKey(ctx, privateNodesRV, nil)...)
	s := snapshotJSON{V: snapshotVersion, All: only == nil}
	nodes := list.Nodes
	var err error
	if only == nil {
		s.Nodes, err = nodetable.EncodeList(list.Nodes)
	} else {
		nodes = nil
		for _, name := range only {
			if n := list.Find(name); n != nil {
				nodes = append(nodes, n)
			}
		}
		s.Nodes, err = nodetable.Encode(nodes)
	}
	if err == nil {
		rt, sets := releaseTable{Index: make([]int, len(nodes))}, nodetable.Sets{}
		for i, n := range nodes {
			rt.Index[i] = sets.Intern(releases[n.Name])
		}
		rt.Sets = sets.List()
		s.Releases, err = nodetable.Pack(rt)
	}
	if err != nil {
		diags.AddError("Cannot encode the node snapshot", err.Error())
		return diags
	}
	if c.Options.PredictPlacement && withDaemonSets {
		if dss, err := c.DaemonSetPlacements(ctx, list); err != nil {
			diags.AddWarning("Cannot record the cluster's DaemonSets", kube.Explain(err, "list", "daemonsets or pods")+
				"; plans before the next refresh read them live")
		} else if s.DaemonSets, err = samerun.PackPlacements(dss); err != nil {
			diags.AddError("Cannot encode the DaemonSet snapshot", err.Error())
			return diags
		}
	}
	raw, err := json.Marshal(s)
	if err != nil {
		diags.AddError("Cannot encode the node snapshot", err.Error())
		return diags
	}
	diags.Append(p.SetKey(ctx, privateSnapshot, raw)...)
	return diags
}

// loadSnapshot reads the snapshot; nil when there is none or it has another version.
func loadSnapshot(ctx context.Context, p private) (*snapshot, diag.Diagnostics) {
	if p == nil {
		return nil, nil
	}
	raw, diags := p.GetKey(ctx, privateSnapshot)
	if diags.HasError() || len(raw) == 0 {
		return nil, diags
	}
	var s snapshotJSON
	if err := json.Unmarshal(raw, &s); err != nil || s.V != snapshotVersion {
		return nil, diags
	}
	out, err := decodeSnapshot(s)
	if err != nil {
		diags.AddError("Unreadable private state", "the node snapshot of this resource cannot be decoded ("+err.Error()+
			"); run terraform refresh (or a plan without -refresh=false) to take a new one")
		return nil, diags
	}
	return out, diags
}

func decodeSnapshot(s snapshotJSON) (*snapshot, error) {
	nodes, err := nodetable.Decode(s.Nodes)
	if err != nil {
		return nil, err
	}
	var rt releaseTable
	if err := nodetable.Unpack(s.Releases, &rt); err != nil {
		return nil, err
	}
	out := &snapshot{all: s.All, nodes: nodes, releases: map[string][]string{}}
	for i, n := range nodes {
		if i < len(rt.Index) && rt.Index[i] >= 0 && rt.Index[i] < len(rt.Sets) && len(rt.Sets[rt.Index[i]]) > 0 {
			out.releases[n.Name] = rt.Sets[rt.Index[i]]
		}
	}
	if s.DaemonSets != "" {
		if out.daemonSets, err = samerun.UnpackPlacements(s.DaemonSets); err != nil {
			return nil, err
		}
		if out.daemonSets == nil {
			out.daemonSets = []samerun.DaemonSetPlacement{}
		}
	}
	return out, nil
}

// covers reports whether the snapshot holds the nodes a plan for target needs: every node for
// the fleet form, the node itself for the single-node form when it is the node of the state.
func (s *snapshot) covers(target nodeops.Target, prior *Base) bool {
	if s == nil {
		return false
	}
	if target.IsFleet() {
		return s.all
	}
	return prior != nil && prior.NodeName.ValueString() == target.NodeName
}
