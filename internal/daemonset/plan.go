package daemonset

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/placement"
)

// summaryLimit is how many node names the plan's warning lists per reason before "and N more".
const summaryLimit = 20

// ModifyPlan predicts placement for a created or changed DaemonSet, checks the object with
// a server-side dry run, and keeps every computed value when nothing of ours changed. The
// prediction depends only on the configuration, the prior state and the prior private state
// (the refresh's snapshot), so the re-plan during apply of a saved plan agrees with it.
func (r *Resource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	r.modifyPlan(ctx, req, req.Private, resp)
}

// modifyPlan is ModifyPlan with the prior private state as an interface, for tests.
func (r *Resource) modifyPlan(ctx context.Context, req resource.ModifyPlanRequest, prior PrivateGetter, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.client == nil {
		return // destroy, or the provider is not configured yet
	}
	if !r.claimObject(ctx, req, &resp.Diagnostics) {
		return
	}
	if req.Plan.Raw.Equal(req.State.Raw) {
		// Nothing changed since the refresh, which already predicted from the live nodes;
		// returning before decoding keeps a no-change plan of a large fleet cheap.
		return
	}
	var plan model
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var state *model
	if !req.State.Raw.IsNull() {
		state = &model{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	config := plan // what the apply sends; the plan may keep prior values stored the same
	dryRunDone := false
	if state != nil {
		reported := len(resp.Diagnostics)
		dryRunDone = r.planStoredForm(ctx, req, &plan, state, resp)
		if resp.Diagnostics.HasError() {
			return
		}
		if !changed(&plan, state) {
			resp.Diagnostics = withoutWarningsAfter(resp.Diagnostics, reported)
		}
	}
	if state != nil && !changed(&plan, state) {
		plan.PlacementChanges, plan.ExpectedPodCount, plan.ExcludedNodeCounts = state.PlacementChanges, state.ExpectedPodCount, state.ExcludedNodeCounts
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	if state != nil && refuseSharedManager(ctx, prior, &plan, state, &resp.Diagnostics) {
		return
	}
	if state != nil && !state.Spec.IsNull() {
		replaceOnSelectorChange(&plan, state, resp)
	}
	defer func() { resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...) }()

	if !r.client.Configured() || !req.Config.Raw.IsFullyKnown() {
		if r.client.Options.PredictPlacement {
			setPredictionUnknown(&plan)
		} else {
			setPredictionNull(&plan)
		}
		return
	}
	want, diags := config.desired(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	dryRun, exists := !replacing(resp), false
	if state == nil {
		found, err := r.exists(ctx, want)
		if err != nil {
			resp.Diagnostics.AddError("Cannot read the DaemonSet", kube.Explain(err, "get", "daemonsets"))
			return
		}
		dryRun, exists = !found, found
	}
	if dryRun && !dryRunDone {
		if _, err := r.apply(ctx, &plan, want, true); err != nil {
			reportDryRun(err, &resp.Diagnostics)
		}
	}
	if !r.client.Options.PredictPlacement {
		setPredictionNull(&plan)
		return
	}
	if replacing(resp) {
		// Terraform plans the replacement's create again with no prior state; that plan
		// says what the new DaemonSet does.
		setPredictionUnknown(&plan)
		return
	}
	snap, d := loadSnapshot(ctx, prior)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	rollout := state == nil || !templateOf(plan.Spec).Equal(templateOf(state.Spec))
	f, err := r.forecast(ctx, state != nil, snap, &want.ds.Spec, rollout)
	if err != nil {
		resp.Diagnostics.AddWarning("Cannot predict DaemonSet placement", err.Error())
		setPredictionUnknown(&plan)
		return
	}
	summary := f.summary(want.ds.Namespace, want.ds.Name)
	title := fmt.Sprintf("DaemonSet %s/%s placement", want.ds.Namespace, want.ds.Name)
	if exists || (state == nil && snap != nil) {
		// The create half of a replacement (the old object exists, or Terraform handed over
		// the update half's private state), or a create that apply refuses. During apply,
		// Terraform deletes the old DaemonSet and then plans this create again with neither
		// prior state nor private state: a known prediction could then differ (a node joined)
		// and fail the apply after the delete. Unknown accepts whatever that plan finds.
		setPredictionUnknown(&plan)
		resp.Diagnostics.AddWarning(title, summary+"\n\nA DaemonSet of this name exists (the create half of a replacement): the values are known after apply.")
		return
	}
	setPrediction(&plan, f.after, f.pods.Changes)
	uid := ""
	if state != nil {
		uid = priorUID(ctx, req.State, &resp.Diagnostics)
	}
	if note := r.schedulingNote(ctx, &want.ds.Spec, uid, f.pods.Starts); note != "" {
		summary += "\n" + note
	}
	resp.Diagnostics.AddWarning(title, summary)
}

// forecast is a prediction and what it does to the pods.
type forecast struct {
	created bool // there is no DaemonSet before
	after   placement.Result
	pods    placement.Outcome
}

// summary is the plan warning's text: the pods now and after, the nodes that change, and
// where the pods differ from the controller's desired count.
func (f forecast) summary(namespace, name string) string {
	from := f.pods.Running
	if f.created {
		from = -1
	}
	text := placement.ChangeSummary(namespace, name, from, f.pods.After, f.pods.Changes, summaryLimit)
	for _, note := range f.pods.Notes() {
		text += "\n" + note
	}
	return text
}

// forecast predicts spec, as the API server will store it, from the refresh's snapshot: its
// nodes, with the node changes node_label and node_taint plan in this run, and the pods that
// run now as the baseline (the live template's rule where the refresh read no pods). A create
// has no snapshot and predicts from the latest nodes.
func (r *Resource) forecast(ctx context.Context, hasState bool, snap *snapshot, spec *appsv1.DaemonSetSpec, rollout bool) (forecast, error) {
	opts := r.placementOptions()
	if snap == nil && hasState {
		return forecast{}, fmt.Errorf("this DaemonSet has no node snapshot in its private state yet (state written by an " +
			"older provider, planned with -refresh=false); a plan with refresh predicts it")
	}
	var nodes []*corev1.Node
	base := placementFields{}
	var before *placement.Result
	var running placement.Running
	strategy := placement.RollingUpdate
	if snap != nil {
		nodes, base, running, strategy = snap.nodes, snap.others, snap.running, snap.strategy
		live := placement.Predict(snap.live.podSpec(), nodes, opts)
		before = &live
	} else {
		list, err := r.client.Nodes.List(ctx)
		if err != nil {
			return forecast{}, fmt.Errorf("%s", kube.Explain(err, "list", "nodes"))
		}
		nodes = list.Nodes
	}
	if spec.UpdateStrategy.Type != "" {
		strategy = toStrategy(string(spec.UpdateStrategy.Type))
	}
	after := placement.Predict(base.over(&spec.Template.Spec).podSpec(), r.client.Planned.Overlay(nodes), opts)
	outcome := placement.Settle(before, running, after, placement.Update{TemplateChanged: rollout, Strategy: strategy})
	return forecast{created: before == nil, after: after, pods: outcome}, nil
}

func templateOf(spec types.Object) attr.Value {
	if spec.IsNull() || spec.IsUnknown() {
		return spec
	}
	return spec.Attributes()["template"]
}

// changed reports whether the configuration differs from what the state holds in what the
// apply writes (settings.go): wait_for_rollout and timeouts are the provider's alone.
func changed(plan, state *model) bool {
	return !plan.Metadata.Equal(state.Metadata) || !plan.Spec.Equal(state.Spec) ||
		!plan.FieldManager.Equal(state.FieldManager) || !plan.Force.Equal(state.Force)
}

// replaceOnSelectorChange plans a replacement: spec.selector is immutable.
func replaceOnSelectorChange(plan, state *model, resp *resource.ModifyPlanResponse) {
	before, after := state.Spec.Attributes()["selector"], plan.Spec.Attributes()["selector"]
	if before != nil && after != nil && !before.Equal(after) {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("spec").AtName("selector"))
	}
}

func replacing(resp *resource.ModifyPlanResponse) bool { return len(resp.RequiresReplace) > 0 }

// exists tells whether the DaemonSet is in the cluster: a create of an existing one is
// either the second half of a replacement or an error at apply that says to import it.
func (r *Resource) exists(ctx context.Context, want *desired) (bool, error) {
	_, err := r.client.Clientset.AppsV1().DaemonSets(want.ds.Namespace).Get(ctx, want.ds.Name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}
