package daemonset

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
)

// ModifyPlan predicts placement for a created or changed DaemonSet, checks the object with
// a server-side dry run, and keeps every computed value when nothing of ours changed.
func (r *Resource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.client == nil {
		return // destroy, or the provider is not configured yet
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
		dryRunDone = r.planStoredForm(ctx, req, &plan, state, resp)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	if state != nil && !changed(&plan, state) {
		plan.ExpectedPods, plan.ExpectedPodCount, plan.ExcludedNodes = state.ExpectedPods, state.ExpectedPodCount, state.ExcludedNodes
		plan.Status = state.Status
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	if state != nil && !state.Spec.IsNull() {
		replaceOnSelectorChange(&plan, state, resp)
	}
	plan.Status = types.ObjectUnknown(statusAttrTypes)
	defer func() { resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...) }()

	if !r.client.Configured() || !req.Config.Raw.IsFullyKnown() {
		if r.client.Options.PredictPlacement {
			resp.Diagnostics.Append(setPredictionUnknown(ctx, &plan)...)
		} else {
			resp.Diagnostics.Append(setPredictionNull(ctx, &plan)...)
		}
		return
	}
	want, diags := config.desired(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	dryRun := !replacing(resp)
	if state == nil {
		found, err := r.exists(ctx, want)
		if err != nil {
			resp.Diagnostics.AddError("Cannot read the DaemonSet", kube.Explain(err, "get", "daemonsets"))
			return
		}
		dryRun = !found
	}
	if dryRun && !dryRunDone {
		if _, err := r.apply(ctx, &plan, want, true); err != nil {
			reportDryRun(err, &resp.Diagnostics)
		}
	}
	if !r.client.Options.PredictPlacement {
		resp.Diagnostics.Append(setPredictionNull(ctx, &plan)...)
		return
	}
	rv := ""
	if state != nil {
		raw, d := req.Private.GetKey(ctx, privateNodesRV)
		resp.Diagnostics.Append(d...)
		rv = nodesRV(raw)
	}
	res, err := r.predict(ctx, &want.ds.Spec.Template.Spec, rv)
	if err != nil {
		resp.Diagnostics.AddWarning("Cannot predict DaemonSet placement", kube.Explain(err, "list", "nodes"))
		resp.Diagnostics.Append(setPredictionUnknown(ctx, &plan)...)
		return
	}
	resp.Diagnostics.Append(setPrediction(ctx, &plan, res)...)
	resp.Diagnostics.AddWarning(fmt.Sprintf("DaemonSet %s/%s placement", want.ds.Namespace, want.ds.Name),
		res.Summary(want.ds.Namespace, want.ds.Name, summaryLimit))
}

// changed reports whether the configuration differs from what the state holds.
func changed(plan, state *model) bool {
	return !plan.Metadata.Equal(state.Metadata) || !plan.Spec.Equal(state.Spec) ||
		!plan.FieldManager.Equal(state.FieldManager) || !plan.Force.Equal(state.Force) ||
		!plan.WaitForRollout.Equal(state.WaitForRollout) || !plan.Timeouts.Equal(state.Timeouts)
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
