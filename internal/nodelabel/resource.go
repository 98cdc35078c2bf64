// Package nodelabel is the k8sfleet_node_label resource: labels on one node or on a fleet
// selected by labels, written with server-side apply under a field manager of its own.
package nodelabel

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kubeattr"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodeops"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/providerdata"
)

var (
	_ resource.ResourceWithConfigure        = &Resource{}
	_ resource.ResourceWithConfigValidators = &Resource{}
	_ resource.ResourceWithImportState      = &Resource{}
	_ resource.ResourceWithModifyPlan       = &Resource{}
)

var texts = nodeops.Texts{Action: "Labeling", Removal: "Removing labels", Conflict: "Label owned by another field manager"}

// defaultTimeout bounds create, update and delete unless timeouts says otherwise.
const defaultTimeout = 10 * time.Minute

// NewResource is the constructor the provider registers.
func NewResource() resource.Resource { return &Resource{} }

// Resource manages node labels.
type Resource struct {
	client   *kube.Client
	typeName string
}

// Metadata names the resource.
func (r *Resource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_node_label"
	r.typeName = resp.TypeName
}

// Schema describes the resource.
func (r *Resource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = resourceSchema(ctx)
}

// ConfigValidators check rules between attributes.
func (r *Resource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return append(nodeops.TargetValidators(), nodeops.SelectorDisjoint{Selector: path.Root("label_selector"), Labels: path.Root("labels")})
}

// Configure receives the provider's client.
func (r *Resource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerdata.Client(req.ProviderData, &resp.Diagnostics)
}

// Create labels the nodes the plan listed; a create that fails on some nodes undoes the rest.
func (r *Resource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan model
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	timeout, diags := plan.Timeouts.Create(ctx, defaultTimeout)
	resp.Diagnostics.Append(diags...)
	targets, diags := plan.nodes(ctx)
	resp.Diagnostics.Append(diags...)
	want, _, diags := plan.labels(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	w := &writer{client: r.client, manager: plan.FieldManager.ValueString(), force: plan.Force.ValueBool(), want: want, prior: want}
	tflog.Info(ctx, "labeling nodes", map[string]any{"nodes": len(targets), "field_manager": w.manager, "keys": keysOf(want)})
	nodes, adopted, save := nodeops.Create(ctx, r.client, texts, nodeops.Job{Targets: targets, Precheck: w.precheck, Set: w.set, Clear: w.clear}, &resp.Diagnostics)
	if !save {
		return
	}
	resp.Diagnostics.Append(plan.setNodes(ctx, nodes)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(adopted.Save(ctx, resp.Private)...)
}

// Read reports the labels this resource owns on its nodes; gone nodes drop out.
func (r *Resource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var st model
	resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
	adopted, diags := nodeops.LoadOwnership(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	target, ok := st.target()
	if resp.Diagnostics.HasError() || !ok || !r.client.Configured() {
		return
	}
	list, err := r.client.Nodes.List(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Cannot list nodes", kube.Explain(err, "list", "nodes"))
		return
	}
	if st.Nodes.IsNull() { // just imported
		adopted, diags = resolveImport(&st, target, list.Nodes)
		if resp.Diagnostics.Append(diags...); diags.HasError() {
			return
		}
	}
	p, diags := priorOf(ctx, &st, adopted)
	resp.Diagnostics.Append(diags...)
	nodes, _, err := nodeops.FromList(ctx, r.client.Clientset, list, p.nodes)
	if err != nil {
		resp.Diagnostics.AddError("Cannot read nodes", kube.Explain(err, "get", "nodes"))
		return
	}
	if !target.IsFleet() && len(nodes) == 0 {
		tflog.Info(ctx, "node is gone; removing the resource from state", map[string]any{"node": target.NodeName})
		resp.State.RemoveResource(ctx)
		return
	}
	observed, err := observe(nodes, p.manager, adopted)
	if err != nil {
		resp.Diagnostics.AddError("Cannot read label ownership", err.Error())
		return
	}
	var existing []string
	for _, name := range p.nodes {
		if nodes[name] != nil {
			existing = append(existing, name)
		}
	}
	kept := nodeops.Ownership{}
	for _, name := range existing {
		kept[name] = adopted[name]
	}
	resp.Diagnostics.Append(st.setLabels(ctx, nodeops.Aggregate(p.labels, observed, existing))...)
	resp.Diagnostics.Append(st.setNodes(ctx, existing)...)
	st.ID = types.StringValue(nodeops.FormatID(target, keysOf(p.labels)))
	resp.Diagnostics.Append(resp.State.Set(ctx, &st)...)
	resp.Diagnostics.Append(kept.Save(ctx, resp.Private)...)
	resp.Diagnostics.Append(nodeops.SaveNodesRV(ctx, resp.Private, list)...)
}

// Update labels nodes that joined, relabels the rest and cleans nodes that left.
func (r *Resource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state model
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	adopted, diags := nodeops.LoadOwnership(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	timeout, diags := plan.Timeouts.Update(ctx, defaultTimeout)
	resp.Diagnostics.Append(diags...)
	targets, diags := plan.nodes(ctx)
	resp.Diagnostics.Append(diags...)
	want, _, diags := plan.labels(ctx)
	resp.Diagnostics.Append(diags...)
	p, diags := priorOf(ctx, &state, adopted)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	w := &writer{client: r.client, manager: plan.FieldManager.ValueString(), oldManager: p.manager,
		force: plan.Force.ValueBool(), want: want, prior: p.labels, adopted: adopted}
	leaving := nodeops.Without(p.nodes, targets)
	tflog.Info(ctx, "relabeling nodes", map[string]any{"nodes": len(targets), "leaving": len(leaving), "field_manager": w.manager})
	job := nodeops.Job{Targets: targets, Leaving: leaving, Precheck: w.precheck, Set: w.set, Clear: w.clear}
	nodes, next, save := nodeops.Update(ctx, r.client, texts, job, adopted, &resp.Diagnostics)
	if !save {
		return
	}
	resp.Diagnostics.Append(plan.setNodes(ctx, nodes)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(next.Save(ctx, resp.Private)...)
}

// Delete releases this resource's labels and removes adopted ones; other labels stay.
func (r *Resource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state model
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	adopted, diags := nodeops.LoadOwnership(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	timeout, diags := state.Timeouts.Delete(ctx, defaultTimeout)
	resp.Diagnostics.Append(diags...)
	p, diags := priorOf(ctx, &state, adopted)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	w := &writer{client: r.client, manager: p.manager, prior: p.labels, adopted: adopted}
	tflog.Info(ctx, "removing labels", map[string]any{"nodes": len(p.nodes), "field_manager": w.manager})
	nodeops.Delete(ctx, r.client, texts, nodeops.Job{Leaving: p.nodes, Clear: w.clear}, &resp.Diagnostics)
}

// ImportState reads "<node>:<keys>" or "label_selector:<selector>:<keys>"; Read does the rest.
func (r *Resource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	target, keys, err := nodeops.ParseID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error()+
			`; use "<node_name>:<key>,<key>" (e.g. "k8s-01:logger,team") or "label_selector:<selector>:<key>,<key>"`)
		return
	}
	labels := map[string]string{}
	for _, k := range keys {
		if msg := kubeattr.LabelKeyError(k); msg != "" {
			resp.Diagnostics.AddError("Invalid import ID", msg)
		}
		labels[k] = ""
	}
	nodeName, selector := nodeops.TargetValues(target)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), nodeops.FormatID(target, keys))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("node_name"), nodeName)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("label_selector"), selector)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("labels"), labels)...)
}

// ModifyPlan resolves the nodes and the field manager, records the planned edits for
// DaemonSets planned later in this run, and warns about pods that start or stop.
func (r *Resource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var plan, state model
	hasState := !req.State.Raw.IsNull()
	if hasState {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	adopted, diags := nodeops.LoadOwnership(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() || !r.client.Configured() {
		return // unconfigured: computed values stay unknown, or as they are in state
	}
	if req.Plan.Raw.IsNull() {
		r.planDestroy(ctx, &state, adopted, resp)
		return
	}
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.FieldManager.IsUnknown() && hasState {
		plan.FieldManager = state.FieldManager
	}
	target, targetKnown := plan.target()
	want, wantKnown, diags := plan.labels(ctx)
	resp.Diagnostics.Append(diags...)
	if !targetKnown || plan.Labels.IsUnknown() {
		plan.Nodes, plan.ID = types.ListUnknown(types.StringType), types.StringUnknown()
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
	keys := keysOf(elements(plan.Labels))
	resp.Diagnostics.Append(plan.setNodes(ctx, names)...)
	plan.ID = types.StringValue(nodeops.FormatID(target, keys))
	if plan.FieldManager.IsUnknown() && wantKnown {
		plan.FieldManager = types.StringValue(nodeops.GeneratedManager("label", target, want))
	}
	if wantKnown {
		p := prior{manager: plan.FieldManager.ValueString()}
		if hasState {
			p, diags = priorOf(ctx, &state, adopted)
			resp.Diagnostics.Append(diags...)
		}
		edits := plannedEdits(nodeops.ByName(list.Nodes), names, want, p)
		nodeops.RecordAndWarn(ctx, r.client, owner(target, keys), nodeops.Subject(r.typeName, target, len(names)),
			list.Nodes, edits, &resp.Diagnostics)
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// planDestroy records and explains the labels a destroy removes.
func (r *Resource) planDestroy(ctx context.Context, state *model, adopted nodeops.Ownership, resp *resource.ModifyPlanResponse) {
	target, ok := state.target()
	p, diags := priorOf(ctx, state, adopted)
	resp.Diagnostics.Append(diags...)
	if !ok || p.labels == nil {
		return
	}
	list, err := r.client.Nodes.List(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Cannot list nodes", kube.Explain(err, "list", "nodes"))
		return
	}
	edits := plannedEdits(nodeops.ByName(list.Nodes), nil, nil, p)
	nodeops.RecordAndWarn(ctx, r.client, owner(target, keysOf(p.labels)), "the destroy of "+nodeops.Subject(r.typeName, target, len(p.nodes)),
		list.Nodes, edits, &resp.Diagnostics)
}
