// Package nodetaint is the k8sfleet_node_taint resource: taints on one node or on a fleet
// selected by labels, changed by read-modify-write of spec.taints under optimistic concurrency.
package nodetaint

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	corev1 "k8s.io/api/core/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodeops"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/providerdata"
)

var (
	_ resource.ResourceWithConfigure        = &Resource{}
	_ resource.ResourceWithConfigValidators = &Resource{}
	_ resource.ResourceWithImportState      = &Resource{}
	_ resource.ResourceWithModifyPlan       = &Resource{}
)

var texts = nodeops.Texts{Action: "Tainting", Removal: "Removing taints", Conflict: "Taint set by someone else"}

// defaultTimeout bounds create, update and delete unless timeouts says otherwise.
const defaultTimeout = 10 * time.Minute

// NewResource is the constructor the provider registers.
func NewResource() resource.Resource { return &Resource{} }

// Resource manages node taints.
type Resource struct {
	client   *kube.Client
	typeName string
}

// Metadata names the resource.
func (r *Resource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_node_taint"
	r.typeName = resp.TypeName
}

// Schema describes the resource.
func (r *Resource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = resourceSchema(ctx)
}

// ConfigValidators check rules between attributes.
func (r *Resource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return nodeops.TargetValidators()
}

// Configure receives the provider's client.
func (r *Resource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerdata.Client(req.ProviderData, &resp.Diagnostics)
}

// Create taints the nodes the plan listed; a create that fails on some nodes undoes the rest.
func (r *Resource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan model
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	timeout, diags := plan.Timeouts.Create(ctx, defaultTimeout)
	resp.Diagnostics.Append(diags...)
	targets, diags := plan.nodes(ctx)
	resp.Diagnostics.Append(diags...)
	want, _, diags := plan.taints(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	w := prior{owned: nodeops.Ownership{}}.writer(r.client, plan.Force.ValueBool(), want)
	tflog.Info(ctx, "tainting nodes", map[string]any{"nodes": len(targets), "taints": plan.ids()})
	nodes, owned, save := nodeops.Create(ctx, r.client, texts, nodeops.Job{Targets: targets, Precheck: w.precheck, Set: w.set, Clear: w.clear}, &resp.Diagnostics)
	if !save {
		return
	}
	resp.Diagnostics.Append(plan.setNodes(ctx, nodes)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(owned.Save(ctx, resp.Private)...)
}

// Read reports this resource's taints on its nodes, with live values; gone nodes drop out.
func (r *Resource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var st model
	resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
	owned, diags := nodeops.LoadOwnership(ctx, req.Private)
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
		owned, diags = resolveImport(ctx, &st, target, list.Nodes)
		if resp.Diagnostics.Append(diags...); diags.HasError() {
			return
		}
	}
	p, diags := priorOf(ctx, &st, owned)
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
	observed, still := observe(nodes, p.writer(r.client, false, nil))
	var existing []string
	for _, name := range p.nodes {
		if nodes[name] != nil {
			existing = append(existing, name)
		}
	}
	resp.Diagnostics.Append(st.setTaints(fromIDs(nodeops.Aggregate(byID(p.taints), observed, existing)))...)
	resp.Diagnostics.Append(st.setNodes(ctx, existing)...)
	st.ID = types.StringValue(nodeops.FormatID(target, p.ids))
	resp.Diagnostics.Append(resp.State.Set(ctx, &st)...)
	resp.Diagnostics.Append(still.Save(ctx, resp.Private)...)
	resp.Diagnostics.Append(nodeops.SaveNodesRV(ctx, resp.Private, list)...)
}

// Update taints nodes that joined, changes the rest and cleans nodes that left.
func (r *Resource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state model
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	owned, diags := nodeops.LoadOwnership(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	timeout, diags := plan.Timeouts.Update(ctx, defaultTimeout)
	resp.Diagnostics.Append(diags...)
	targets, diags := plan.nodes(ctx)
	resp.Diagnostics.Append(diags...)
	want, _, diags := plan.taints(ctx)
	resp.Diagnostics.Append(diags...)
	p, diags := priorOf(ctx, &state, owned)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	w := p.writer(r.client, plan.Force.ValueBool(), want)
	leaving := nodeops.Without(p.nodes, targets)
	tflog.Info(ctx, "retainting nodes", map[string]any{"nodes": len(targets), "leaving": len(leaving), "taints": plan.ids()})
	job := nodeops.Job{Targets: targets, Leaving: leaving, Precheck: w.precheck, Set: w.set, Clear: w.clear}
	nodes, next, save := nodeops.Update(ctx, r.client, texts, job, owned, &resp.Diagnostics)
	if !save {
		return
	}
	resp.Diagnostics.Append(plan.setNodes(ctx, nodes)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(next.Save(ctx, resp.Private)...)
}

// Delete removes this resource's taints; other taints stay.
func (r *Resource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state model
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	owned, diags := nodeops.LoadOwnership(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	timeout, diags := state.Timeouts.Delete(ctx, defaultTimeout)
	resp.Diagnostics.Append(diags...)
	p, diags := priorOf(ctx, &state, owned)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	w := p.writer(r.client, false, nil)
	tflog.Info(ctx, "removing taints", map[string]any{"nodes": len(p.nodes), "taints": p.ids})
	nodeops.Delete(ctx, r.client, texts, nodeops.Job{Leaving: p.nodes, Clear: w.clear}, &resp.Diagnostics)
}

// ImportState reads "<node>:<key:Effect>,..." or "label_selector:<selector>:<key:Effect>,..."; Read does the rest.
func (r *Resource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	target, items, err := nodeops.ParseID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error()+`; use "<node_name>:<key>:<Effect>,..." `+
			`(e.g. "k8s-01:gpu:NoSchedule,gpu:NoExecute") or "label_selector:<selector>:<key>:<Effect>,..."`)
		return
	}
	var taints []corev1.Taint
	for _, item := range items {
		id, ok := nodeops.ParseTaintID(item)
		if !ok || !validEffect(id.Effect) {
			resp.Diagnostics.AddError("Invalid import ID", item+" is not <key>:<Effect> with Effect one of NoSchedule, PreferNoSchedule, NoExecute")
			continue
		}
		taints = append(taints, corev1.Taint{Key: id.Key, Effect: id.Effect})
	}
	var st model
	if resp.Diagnostics.Append(st.setTaints(taints)...); resp.Diagnostics.HasError() {
		return
	}
	nodeName, selector := nodeops.TargetValues(target)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), nodeops.FormatID(target, st.ids()))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("node_name"), nodeName)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("label_selector"), selector)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("taints"), st.Taints)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("force"), false)...)
}

// ModifyPlan resolves the nodes, records the planned edits for DaemonSets planned later in
// this run, and warns about pods that start, stop or are evicted.
func (r *Resource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var plan, state model
	hasState := !req.State.Raw.IsNull()
	if hasState {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	owned, diags := nodeops.LoadOwnership(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() || !r.client.Configured() {
		return // unconfigured: computed values stay unknown, or as they are in state
	}
	p := prior{owned: nodeops.Ownership{}}
	if hasState {
		p, diags = priorOf(ctx, &state, owned)
		resp.Diagnostics.Append(diags...)
	}
	if req.Plan.Raw.IsNull() {
		target, _ := state.target()
		r.record(ctx, target, p.ids, nil, nil, p, "the destroy of ", resp)
		return
	}
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	target, targetKnown := plan.target()
	want, wantKnown, diags := plan.taints(ctx)
	resp.Diagnostics.Append(diags...)
	if !targetKnown || plan.Taints.IsUnknown() {
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
	resp.Diagnostics.Append(plan.setNodes(ctx, names)...)
	plan.ID = types.StringValue(nodeops.FormatID(target, plan.ids()))
	if wantKnown {
		r.record(ctx, target, plan.ids(), names, want, p, "", resp)
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// record stores the planned edits and warns about their effect on pods.
func (r *Resource) record(ctx context.Context, target nodeops.Target, ids, names []string, want []corev1.Taint, p prior, prefix string, resp *resource.ModifyPlanResponse) {
	list, err := r.client.Nodes.List(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Cannot list nodes", kube.Explain(err, "list", "nodes"))
		return
	}
	count := len(names)
	if names == nil {
		count = len(p.nodes)
	}
	nodeops.RecordAndWarn(ctx, r.client, owner(target, ids), prefix+nodeops.Subject(r.typeName, target, count),
		list.Nodes, plannedEdits(names, want, p), &resp.Diagnostics)
}

func validEffect(e corev1.TaintEffect) bool {
	return e == corev1.TaintEffectNoSchedule || e == corev1.TaintEffectPreferNoSchedule || e == corev1.TaintEffectNoExecute
}
