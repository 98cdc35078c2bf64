package daemonsetpatch

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/daemonset"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
)

// planManager stands in for a new patch's field manager in the plan's dry run, which only
// asks whether the fields can be applied: the manager is drawn at create.
const planManager = "k8sfleet-patch-plan"

// ModifyPlan predicts the DaemonSet as it will be after the patch, by k8sfleet_daemonset's
// prediction over the fields the other managers keep, and checks the patch with a
// server-side dry run. An update predicts from the refresh's snapshot in the prior private
// state, as k8sfleet_daemonset does; a create, which has none, reads the DaemonSet now.
func (r *Resource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.client == nil || req.Plan.Raw.Equal(req.State.Raw) {
		return // destroy, the provider not configured yet, or nothing changed
	}
	plan, state, diags := planAndState(ctx, req)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	defer func() { resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...) }()
	if state != nil && plan.Spec.Equal(state.Spec) && plan.Force.Equal(state.Force) && plan.FieldManager.Equal(state.FieldManager) {
		plan.Prediction = state.Prediction
		return
	}
	if !r.client.Configured() || !req.Config.Raw.IsFullyKnown() {
		plan.Prediction = r.unknown()
		return
	}
	p, diags := plan.patch()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	manager := plan.FieldManager.ValueString()
	if plan.FieldManager.IsUnknown() || plan.FieldManager.IsNull() {
		manager = planManager
	}
	var live *appsv1.DaemonSet
	var err error
	if state == nil {
		if live, err = r.get(ctx, p.namespace, p.name); apierrors.IsNotFound(err) {
			resp.Diagnostics.AddError("DaemonSet not found", notFound(p.namespace, p.name))
			return
		} else if err != nil {
			resp.Diagnostics.AddError("Cannot read the DaemonSet", kube.Explain(err, "get", "daemonsets"))
			return
		}
	}
	merged, err := r.apply(ctx, p.namespace, p.name, manager, p.body, plan.Force.ValueBool(), true)
	if err != nil {
		applyError(&resp.Diagnostics, "The DaemonSet refuses this patch", err)
		return
	}
	// A create compares the template the dry run made with the live one; an update, what the
	// patch sets with what the refresh found ours.
	var rollout bool
	if live != nil {
		rollout = !equality.Semantic.DeepEqual(live.Spec.Template, merged.Spec.Template)
	} else {
		rollout = !templateOf(plan.Spec).Equal(templateOf(state.Spec))
	}
	pr, summary, diags := r.placement.Forecast(ctx, req.Private, live, daemonset.Change{
		Namespace: p.namespace, Name: p.name, Manager: manager, Spec: &p.spec, Rollout: rollout,
	})
	resp.Diagnostics.Append(diags...)
	plan.Prediction = pr
	if summary != "" {
		resp.Diagnostics.AddWarning(fmt.Sprintf("DaemonSet %s/%s placement after the patch", p.namespace, p.name), summary)
	}
}

// planAndState decodes the plan and, but for a create, the prior state.
func planAndState(ctx context.Context, req resource.ModifyPlanRequest) (model, *model, diag.Diagnostics) {
	var plan model
	diags := req.Plan.Get(ctx, &plan)
	if req.State.Raw.IsNull() || diags.HasError() {
		return plan, nil, diags
	}
	state := &model{}
	diags.Append(req.State.Get(ctx, state)...)
	return plan, state, diags
}

func (r *Resource) unknown() daemonset.Prediction {
	if r.client.Options.PredictPlacement {
		return daemonset.UnknownPrediction()
	}
	return daemonset.NullPrediction()
}

func templateOf(spec types.Object) attr.Value {
	if spec.IsNull() || spec.IsUnknown() {
		return spec
	}
	return spec.Attributes()["template"]
}
