package nodefield

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kubeattr"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodeattr"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodeops"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/providerdata"
)

// Resource is a node-field resource: the engine with one kind plugged in.
type Resource[T any, PT Model[T]] struct {
	kind   Kind[T]
	client *kube.Client
}

var (
	_ resource.ResourceWithConfigure        = &Resource[struct{ Base }, *struct{ Base }]{}
	_ resource.ResourceWithConfigValidators = &Resource[struct{ Base }, *struct{ Base }]{}
	_ resource.ResourceWithImportState      = &Resource[struct{ Base }, *struct{ Base }]{}
	_ resource.ResourceWithModifyPlan       = &Resource[struct{ Base }, *struct{ Base }]{}
)

// New returns a resource of the kind.
func New[T any, PT Model[T]](k Kind[T]) *Resource[T, PT] { return &Resource[T, PT]{kind: k} }

// defaultTimeout bounds create, update and delete unless timeouts says otherwise.
const defaultTimeout = 10 * time.Minute

// typeName is the full type name. The framework calls Metadata on another instance than the
// one serving a request, so it is not kept from there.
func (r *Resource[T, PT]) typeName() string { return "k8sfleet_" + r.kind.Name() }

// Metadata names the resource.
func (r *Resource[T, PT]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.kind.Name()
}

// Schema is the shared attributes with the kind's own.
func (r *Resource[T, PT]) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := nodeattr.TargetAttributes(r.kind.Words())
	attrs["daemonset_impact"] = nodeattr.ImpactAttribute(r.kind.Words())
	for name, a := range r.kind.Attributes() {
		attrs[name] = a
	}
	attrs["timeouts"] = kubeattr.Timeouts(ctx, "10m", "Covers every node's write, retries on conflict included.")
	resp.Schema = schema.Schema{Description: r.kind.Description() + nodeattr.DescribeLifecycle, Attributes: attrs}
}

// ConfigValidators check rules between attributes.
func (r *Resource[T, PT]) ConfigValidators(context.Context) []resource.ConfigValidator {
	return append(nodeattr.TargetValidators(), r.kind.ConfigValidators()...)
}

// Configure receives the provider's client.
func (r *Resource[T, PT]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerdata.Client(req.ProviderData, &resp.Diagnostics)
}

// Create writes to the nodes the plan listed; a create that fails or is interrupted on some
// nodes undoes the rest.
func (r *Resource[T, PT]) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan T
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	b := PT(&plan).Common()
	timeout, diags := b.Timeouts.Create(ctx, defaultTimeout)
	resp.Diagnostics.Append(diags...)
	op, targets, ok := r.operation(ctx, &plan, nil, nil, &resp.Diagnostics)
	if !ok {
		return
	}
	r.kind.Created(&plan)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	job := r.job(ctx, b, targets, nil, op)
	if nodes, owned, save := nodeops.Create(ctx, r.client, r.kind.Texts(), job, &resp.Diagnostics); save {
		resp.Diagnostics.Append(saved(ctx, &plan, PT(&plan), nodes, owned, &resp.State, resp.Private)...)
		r.snapshotAfterApply(ctx, &plan, op.Want, owned, resp.Private, &resp.Diagnostics)
	}
}

// Read reports what the resource owns on its nodes, with live values; gone nodes drop out.
func (r *Resource[T, PT]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var st T
	resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
	owned, diags := nodeops.LoadOwnership(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	b := PT(&st).Common()
	target, ok := b.Target()
	if resp.Diagnostics.HasError() || !ok || !r.client.Configured() {
		return
	}
	list, err := r.client.Nodes.List(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Cannot list nodes", kube.Explain(err, "list", "nodes"))
		return
	}
	imported := b.Nodes.IsNull()
	if imported {
		if owned, ok = r.resolveImport(ctx, &st, target, list, &resp.Diagnostics); !ok {
			return
		}
	}
	prior, _, diags := r.kind.Items(ctx, &st)
	resp.Diagnostics.Append(diags...)
	had, diags := b.nodes(ctx)
	resp.Diagnostics.Append(diags...)
	names := nodeops.Union(had, owned.Nodes())
	nodes, _, err := nodeops.FromList(ctx, r.client.Clientset, list, names)
	if err != nil {
		resp.Diagnostics.AddError("Cannot read nodes", kube.Explain(err, "get", "nodes"))
		return
	}
	if !target.IsFleet() && len(nodes) == 0 {
		tflog.Info(ctx, "node is gone; removing the resource from state", map[string]any{"node": target.NodeName})
		resp.State.RemoveResource(ctx)
		return
	}
	w := r.kind.Writer(r.client, Op[T]{Prev: &st, Prior: prior, Owned: owned})
	observed := map[string]map[string]string{}
	kept := nodeops.Ownership{}
	var existing []string
	for _, name := range names {
		if node := nodes[name]; node != nil {
			items, own := w.Observe(node)
			observed[name] = items
			kept[name] = own
			existing = append(existing, name)
		}
	}
	current := Items(nodeops.Aggregate(prior, observed, existing))
	if imported {
		// The value most nodes carry, as the import chose it; the others are in its warning.
		for id := range current {
			if v, ok := prior[id]; ok {
				current[id] = v
			}
		}
	}
	resp.Diagnostics.Append(r.kind.SetItems(ctx, &st, current)...)
	resp.Diagnostics.Append(b.setNodes(ctx, existing)...)
	b.DaemonsetImpact = nodeattr.ImpactEmpty(r.client.Options.PredictPlacement) // nothing moves relative to the live cluster
	b.ID = types.StringValue(nodeops.FormatID(target, prior.Keys()))
	resp.Diagnostics.Append(resp.State.Set(ctx, &st)...)
	resp.Diagnostics.Append(kept.Save(ctx, resp.Private)...)
	// The refresh's view, for the plans after it: releases as the refreshed state has them.
	rw := r.kind.Writer(r.client, Op[T]{Prev: &st, Prior: current, Owned: kept})
	releases := map[string][]string{}
	for _, name := range existing {
		if rel := rw.Releases(name, nodes[name]); len(rel) > 0 {
			releases[name] = rel
		}
	}
	var only []string
	if !target.IsFleet() {
		only = nodeops.Union([]string{target.NodeName}, existing)
	}
	resp.Diagnostics.Append(saveSnapshot(ctx, r.client, resp.Private, list, only, releases, true)...)
}

// Update writes to nodes that joined, changes the rest and cleans nodes that left; one that
// fails or is interrupted puts every node back.
func (r *Resource[T, PT]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state T
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	owned, diags := nodeops.LoadOwnership(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	b := PT(&plan).Common()
	timeout, diags := b.Timeouts.Update(ctx, defaultTimeout)
	resp.Diagnostics.Append(diags...)
	op, targets, ok := r.operation(ctx, &plan, &state, owned, &resp.Diagnostics)
	if !ok {
		return
	}
	had, diags := PT(&state).Common().nodes(ctx)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	job := r.job(ctx, b, targets, nodeops.Without(nodeops.Union(had, owned.Nodes()), targets), op)
	if nodes, owned, save := nodeops.Update(ctx, r.client, r.kind.Texts(), job, &resp.Diagnostics); save {
		resp.Diagnostics.Append(saved(ctx, &plan, PT(&plan), nodes, owned, &resp.State, resp.Private)...)
		r.snapshotAfterApply(ctx, &plan, op.Want, owned, resp.Private, &resp.Diagnostics)
	}
}

// Delete removes what the resource owns; everything else on the nodes stays.
func (r *Resource[T, PT]) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state T
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	owned, diags := nodeops.LoadOwnership(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	b := PT(&state).Common()
	timeout, diags := b.Timeouts.Delete(ctx, defaultTimeout)
	resp.Diagnostics.Append(diags...)
	prior, _, diags := r.kind.Items(ctx, &state)
	resp.Diagnostics.Append(diags...)
	had, diags := b.nodes(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	w := r.kind.Writer(r.client, Op[T]{Prev: &state, Prior: prior, Owned: owned})
	leaving := nodeops.Union(had, owned.Nodes())
	tflog.Info(ctx, r.kind.Texts().Removal, map[string]any{"nodes": len(leaving)})
	nodeops.Delete(ctx, r.client, r.kind.Texts(), nodeops.Job{Leaving: leaving, Writer: w}, &resp.Diagnostics)
}

// ImportState reads "<node>:<items>" or "label_selector:<selector>:<items>"; Read does the rest.
func (r *Resource[T, PT]) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	target, ids, err := nodeops.ParseID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error()+"; use "+r.kind.ImportHint())
		return
	}
	items, problems := r.kind.ImportItems(ids)
	for _, p := range problems {
		resp.Diagnostics.AddError("Invalid import ID", p)
	}
	value, diags := r.kind.ItemsValue(ctx, items)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	nodeName, selector := nodeattr.TargetValues(target)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), nodeops.FormatID(target, items.Keys()))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("node_name"), nodeName)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("label_selector"), selector)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(r.kind.ItemsAttribute()), value)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("force"), false)...)
}

// private is the part of the framework's private state that the engine writes.
type private interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// saved stores the outcome of a create or update: the model with its nodes, and ownership.
func saved[T any](ctx context.Context, m *T, b interface{ Common() *Base }, nodes []string, owned nodeops.Ownership, st *tfsdk.State, p private) diag.Diagnostics {
	diags := b.Common().setNodes(ctx, nodes)
	diags.Append(st.Set(ctx, m)...)
	diags.Append(owned.Save(ctx, p)...)
	return diags
}

// snapshotAfterApply records the nodes as this apply left them, for the plans that follow
// before the next refresh (-refresh=false), as a refresh would.
func (r *Resource[T, PT]) snapshotAfterApply(ctx context.Context, m *T, want Items, owned nodeops.Ownership, p private, diags *diag.Diagnostics) {
	if diags.HasError() {
		return
	}
	list, err := r.client.Nodes.List(ctx)
	if err != nil {
		diags.AddWarning("Cannot record the node snapshot", kube.Explain(err, "list", "nodes"))
		return
	}
	b := PT(m).Common()
	target, _ := b.Target()
	names, _ := b.nodes(ctx)
	w := r.kind.Writer(r.client, Op[T]{Prev: m, Prior: want, Owned: owned})
	releases := map[string][]string{}
	for _, name := range names {
		if node := list.Find(name); node != nil {
			if rel := w.Releases(name, node); len(rel) > 0 {
				releases[name] = rel
			}
		}
	}
	var only []string
	if !target.IsFleet() {
		only = nodeops.Union([]string{target.NodeName}, names)
	}
	// Without the DaemonSets: the process's one list may predate DaemonSets this apply
	// created; plans before the next refresh read them live.
	diags.Append(saveSnapshot(ctx, r.client, p, list, only, releases, false)...)
}

// operation reads what a create or update needs from the plan (and the state).
func (r *Resource[T, PT]) operation(ctx context.Context, plan, state *T, owned nodeops.Ownership, diags *diag.Diagnostics) (Op[T], []string, bool) {
	b := PT(plan).Common()
	targets, d := b.nodes(ctx)
	diags.Append(d...)
	want, _, d := r.kind.Items(ctx, plan)
	diags.Append(d...)
	op := Op[T]{Next: plan, Want: want, Force: b.Force.ValueBool(), Owned: owned}
	if b.DaemonsetImpact.IsUnknown() { // the configuration was unknown at plan: nothing left to move
		b.DaemonsetImpact = nodeattr.ImpactEmpty(r.client.Options.PredictPlacement)
	}
	if state != nil {
		op.Prev = state
		op.Prior, _, d = r.kind.Items(ctx, state)
		diags.Append(d...)
	} else {
		op.Owned = nodeops.Ownership{} // nothing owned yet, on any node
	}
	return op, targets, !diags.HasError()
}

// job is the writes of one operation over its nodes.
func (r *Resource[T, PT]) job(ctx context.Context, b *Base, targets, leaving []string, op Op[T]) nodeops.Job {
	target, _ := b.Target()
	tflog.Info(ctx, r.kind.Texts().Action+" nodes", map[string]any{"nodes": len(targets), "leaving": len(leaving), "items": op.Want.Keys()})
	return nodeops.Job{Targets: targets, Leaving: leaving, SkipGone: target.IsFleet(), Writer: r.kind.Writer(r.client, op)}
}
