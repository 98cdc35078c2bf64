package nodefield

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	corev1 "k8s.io/api/core/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodeops"
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
		r.planDestroy(ctx, &state, owned, resp)
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
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	list, err := nodeops.NodesForPlan(ctx, r.client, req.Private)
	if err != nil {
		resp.Diagnostics.AddError("Cannot list nodes", kube.Explain(err, "list", "nodes"))
		return
	}
	names, exists, err := target.Resolve(list.Nodes)
	if err != nil {
		return // label_selector's validator reports it
	}
	if !exists {
		resp.Diagnostics.AddAttributeWarning(path.Root("node_name"), "Node not found", nodeops.MissingNodeWarning(target.NodeName))
	}
	resp.Diagnostics.Append(b.setNodes(ctx, names)...)
	b.ID = types.StringValue(nodeops.FormatID(target, keys))
	if op, ok := r.planned(ctx, &plan, prev, owned, &resp.Diagnostics); ok {
		r.record(ctx, target, keys, "", list.Nodes, names, op, &resp.Diagnostics)
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// planDestroy records and explains what a destroy removes.
func (r *Resource[T, PT]) planDestroy(ctx context.Context, state *T, owned nodeops.Ownership, resp *resource.ModifyPlanResponse) {
	target, ok := PT(state).Common().Target()
	prior, known, diags := r.kind.Items(ctx, state)
	resp.Diagnostics.Append(diags...)
	if !ok || !known {
		return
	}
	list, err := r.client.Nodes.List(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Cannot list nodes", kube.Explain(err, "list", "nodes"))
		return
	}
	op := Op[T]{Prev: state, Prior: prior, Owned: owned}
	r.record(ctx, target, prior.Keys(), "the destroy of ", list.Nodes, nil, op, &resp.Diagnostics)
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

// record stores the operation's node edits for the same-run prediction and warns about their
// effect on pods.
func (r *Resource[T, PT]) record(ctx context.Context, target nodeops.Target, keys []string, prefix string, live []*corev1.Node, targets []string, op Op[T], diags *diag.Diagnostics) {
	var had []string
	if op.Prev != nil {
		had, _ = PT(op.Prev).Common().nodes(ctx)
		had = nodeops.Union(had, op.Owned.Nodes())
	}
	count := len(targets)
	if targets == nil {
		count = len(had)
	}
	byName := nodeops.ByName(live)
	isTarget := map[string]bool{}
	for _, name := range targets {
		isTarget[name] = true
	}
	w := r.kind.Writer(r.client, op)
	edits := map[string]kube.NodeEdit{}
	for _, name := range nodeops.Union(targets, had) {
		if node := byName[name]; node != nil || isTarget[name] {
			edits[name] = w.Edit(name, node, isTarget[name])
		}
	}
	owner := r.typeName() + " " + nodeops.FormatID(target, keys)
	nodeops.RecordAndWarn(ctx, r.client, owner, prefix+nodeops.Subject(r.typeName(), target, count), live, edits, diags)
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
