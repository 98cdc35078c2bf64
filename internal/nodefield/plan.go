package nodefield

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	corev1 "k8s.io/api/core/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodeattr"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodeops"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/samerun"
)

// ModifyPlan resolves the nodes, records the planned edits for DaemonSets planned later in
// this run, and warns about pods that start, stop or are evicted.
func (r *Resource[T, PT]) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var plan, state T
	hasState := !req.State.Raw.IsNull()
	if hasState {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	owned, diags := nodeops.LoadOwnership(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() || !r.client.Configured() {
		return // unconfigured: computed values stay unknown, or as they are in state
	}
	if req.Plan.Raw.IsNull() {
		r.planDestroy(ctx, req, &state, owned, resp)
		return
	}
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	prev := &state
	if !hasState {
		prev = nil
	}
	r.kind.Plan(&plan, prev)
	b := PT(&plan).Common()
	target, targetKnown := b.Target()
	keys, keysKnown := r.kind.Keys(&plan)
	if !targetKnown || !keysKnown {
		b.Nodes, b.ID = types.ListUnknown(types.StringType), types.StringUnknown()
		b.DaemonsetImpact = nodeattr.ImpactUnknown(r.client.Options.PredictPlacement)
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	var prevBase *Base
	if prev != nil {
		prevBase = PT(prev).Common()
	}
	in, releases, ok := r.inputs(ctx, req.Private, target, prevBase, &resp.Diagnostics)
	if !ok {
		return
	}
	names, exists, err := target.Resolve(in.Nodes)
	if err != nil {
		return // label_selector's validator reports it
	}
	if !exists {
		resp.Diagnostics.AddAttributeWarning(path.Root("node_name"), "Node not found", nodeops.MissingNodeWarning(target.NodeName))
	}
	resp.Diagnostics.Append(b.setNodes(ctx, names)...)
	b.ID = types.StringValue(nodeops.FormatID(target, keys))
	b.DaemonsetImpact = nodeattr.ImpactUnknown(r.client.Options.PredictPlacement)
	if op, ok := r.planned(ctx, &plan, prev, owned, &resp.Diagnostics); ok {
		if !r.exclusive(ctx, r.typeName()+" "+nodeops.FormatID(target, keys)+" ("+op.Want.String()+")", names, op, &resp.Diagnostics) {
			return
		}
		result := r.record(ctx, target, keys, "", in, releases, names, op, &resp.Diagnostics)
		b.DaemonsetImpact = nodeattr.ImpactNull()
		if result.Predicted {
			b.DaemonsetImpact = nodeattr.ImpactValue(result.Changes)
		}
		if !result.NodesChange && prevBase != nil && !prevBase.DaemonsetImpact.IsUnknown() {
			// No node changes: the value of the last apply (or of a state written before the
			// attribute) stands until the next refresh sets it to {}, so the plan stays empty.
			b.DaemonsetImpact = prevBase.DaemonsetImpact
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// exclusive refuses a plan that shares with another resource what only one may hold on a
// node: claimed by another resource planned in this run, or found on the node as it is now
// (the snapshot keeps no managedFields; the node list is read once per process).
func (r *Resource[T, PT]) exclusive(ctx context.Context, owner string, targets []string, op Op[T], diags *diag.Diagnostics) bool {
	w := r.kind.Writer(r.client, op)
	attribute, title, claims := w.Exclusive()
	at := path.Root(attribute)
	for _, name := range targets {
		for _, what := range claims {
			if other := r.client.Planned.Claim(owner, name, what); other != "" {
				diags.AddAttributeError(at, title, nodeops.SharedClaimText(owner, other, what, name))
			}
		}
	}
	if diags.HasError() {
		return false
	}
	list, err := r.client.Nodes.List(ctx)
	if err != nil {
		diags.AddError("Cannot list nodes", kube.Explain(err, "list", "nodes"))
		return false
	}
	for _, name := range targets {
		node := list.Find(name)
		if node == nil {
			continue
		}
		if text := w.Shared(node); text != "" {
			diags.AddAttributeError(at, title, owner+": "+text)
		}
	}
	return !diags.HasError()
}

// inputs are the nodes and DaemonSets a plan reads: the refresh's snapshot when it covers the
// target (then releases are the snapshot's), else the live ones (a create, or a state without
// a snapshot; releases nil: read from the live nodes).
func (r *Resource[T, PT]) inputs(ctx context.Context, p private, target nodeops.Target, prev *Base, diags *diag.Diagnostics) (nodeops.Inputs, map[string][]string, bool) {
	if prev != nil {
		snap, d := loadSnapshot(ctx, p)
		if diags.Append(d...); diags.HasError() {
			return nodeops.Inputs{}, nil, false
		}
		if snap.covers(target, prev) {
			return nodeops.Inputs{Nodes: snap.nodes, DaemonSets: snap.daemonSets}, snap.releases, true
		}
	}
	list, err := r.client.Nodes.List(ctx)
	if err != nil {
		diags.AddError("Cannot list nodes", kube.Explain(err, "list", "nodes"))
		return nodeops.Inputs{}, nil, false
	}
	return nodeops.Inputs{Nodes: list.Nodes}, nil, true
}

// planDestroy records and explains what a destroy removes.
func (r *Resource[T, PT]) planDestroy(ctx context.Context, req resource.ModifyPlanRequest, state *T, owned nodeops.Ownership, resp *resource.ModifyPlanResponse) {
	target, ok := PT(state).Common().Target()
	prior, known, diags := r.kind.Items(ctx, state)
	resp.Diagnostics.Append(diags...)
	if !ok || !known {
		return
	}
	in, releases, ok := r.inputs(ctx, req.Private, target, PT(state).Common(), &resp.Diagnostics)
	if !ok {
		return
	}
	op := Op[T]{Prev: state, Prior: prior, Owned: owned}
	r.record(ctx, target, prior.Keys(), "the destroy of ", in, releases, nil, op, &resp.Diagnostics)
}

// planned is the operation a plan makes; ok is false while the wanted items are unknown.
func (r *Resource[T, PT]) planned(ctx context.Context, plan, prev *T, owned nodeops.Ownership, diags *diag.Diagnostics) (Op[T], bool) {
	want, ok, d := r.kind.Items(ctx, plan)
	diags.Append(d...)
	op := Op[T]{Next: plan, Want: want, Force: PT(plan).Common().Force.ValueBool(), Owned: nodeops.Ownership{}}
	if prev != nil {
		op.Prev, op.Owned = prev, owned
		op.Prior, _, d = r.kind.Items(ctx, prev)
		diags.Append(d...)
	}
	return op, ok
}

// record stores the operation's node edits for the same-run prediction, warns about their
// effect on pods and returns it. releases are the snapshot's; nil reads them from in.Nodes.
func (r *Resource[T, PT]) record(ctx context.Context, target nodeops.Target, keys []string, prefix string, in nodeops.Inputs, releases map[string][]string, targets []string, op Op[T], diags *diag.Diagnostics) nodeops.Result {
	var had []string
	if op.Prev != nil {
		had, _ = PT(op.Prev).Common().nodes(ctx)
		had = nodeops.Union(had, op.Owned.Nodes())
	}
	count := len(targets)
	if targets == nil {
		count = len(had)
	}
	byName := nodeops.ByName(in.Nodes)
	isTarget := map[string]bool{}
	for _, name := range targets {
		isTarget[name] = true
	}
	w := r.kind.Writer(r.client, op)
	edits := map[string]samerun.Edit{}
	for _, name := range nodeops.Union(targets, had) {
		node := byName[name]
		if node == nil && !isTarget[name] {
			continue
		}
		rel, ok := releases[name]
		if releases == nil || (!ok && node == nil) {
			rel = w.Releases(name, node)
		}
		edits[name] = w.Edit(isTarget[name], rel)
	}
	owner := r.typeName() + " " + nodeops.FormatID(target, keys)
	return nodeops.RecordAndWarn(ctx, r.client, owner, prefix+nodeops.Subject(r.typeName(), target, count), in, edits, diags)
}

// resolveImport fills in a just-imported model: its nodes, and what the kind reads from them.
func (r *Resource[T, PT]) resolveImport(ctx context.Context, st *T, target nodeops.Target, list *kube.NodeList, diags *diag.Diagnostics) (nodeops.Ownership, bool) {
	names, exists, err := target.Resolve(list.Nodes)
	if err != nil || !exists {
		diags.AddError("Cannot import", nodeops.MissingNodesText(names))
		return nil, false
	}
	byName := nodeops.ByName(list.Nodes)
	nodes := make([]*corev1.Node, 0, len(names))
	for _, name := range names {
		nodes = append(nodes, byName[name])
	}
	owned, d := r.kind.ResolveImport(ctx, st, nodes)
	diags.Append(d...)
	b := PT(st).Common()
	b.Force = types.BoolValue(false)
	diags.Append(b.setNodes(ctx, names)...)
	return owned, !diags.HasError()
}
