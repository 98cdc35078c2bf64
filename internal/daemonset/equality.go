package daemonset

import (
	"context"
	"encoding/json"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kubeschema"
)

// The equality rule: a value written in the configuration equals the live object when the
// API server would store the same object for both. Three sources decide it, in this order:
// the typed JSON round trip through k8s.io/api (explicit zeros the API drops, quantities and
// int-or-string by meaning), the stored form of our fields recorded at apply (defaults the
// server fills into structs we own whole), and, with no record (after an import), a
// server-side dry run of the configuration beside the live object, which is what the server
// stored for the prior state.

// metadataType and metadataOptions describe the resource's metadata attribute as the
// ObjectMeta fields it carries, so that metadata follows the same rule as spec.
var (
	metadataType    = reflect.TypeOf(metav1.ObjectMeta{})
	metadataOptions = kubeschema.Options{ObjectMetaFields: []string{"name", "namespace", "labels", "annotations", "uid"}}
)

// keepStored returns want with have wherever the server stores both the same.
func keepStored(want, have types.Object, t reflect.Type, opts kubeschema.Options, rec kubeschema.Records) types.Object {
	if obj, ok := kubeschema.Reconcile(want, have, t, opts, rec).(types.Object); ok {
		return obj
	}
	return want
}

// planStoredForm plans the prior state's metadata and spec wherever the server stores the
// configuration the same, down to the smallest enclosing attribute. It reports whether it ran
// the server-side dry run, so that the plan does not run it twice.
func (r *Resource) planStoredForm(ctx context.Context, req resource.ModifyPlanRequest, plan, state *model, resp *resource.ModifyPlanResponse) bool {
	raw, diags := req.Private.GetKey(ctx, privateStoredForm)
	resp.Diagnostics.Append(diags...)
	form := readStoredForm(raw)
	dryRun := false
	if form == nil && !state.Spec.IsNull() && r.client.Configured() && req.Config.Raw.IsFullyKnown() && !selectorChanges(plan, state) {
		form, dryRun = r.dryRunStoredForm(ctx, plan, state, &resp.Diagnostics), true
	}
	plan.Metadata = keepStored(plan.Metadata, state.Metadata, metadataType, metadataOptions, form.record("metadata"))
	plan.Spec = keepStored(plan.Spec, state.Spec, specType, specOptions, form.record("spec"))
	return dryRun
}

// refreshStoredForm keeps the prior state's values wherever the live object is what the
// server stores for them, so that a refresh after apply changes nothing in the state.
func refreshStoredForm(ctx context.Context, req resource.ReadRequest, live, prior *model, diags *diag.Diagnostics) {
	raw, d := req.Private.GetKey(ctx, privateStoredForm)
	diags.Append(d...)
	form := readStoredForm(raw)
	if !prior.Metadata.IsNull() && !prior.Metadata.IsUnknown() {
		// The metadata uid of a refreshed state is the live one whatever the rule says.
		meta := keepStored(live.Metadata, prior.Metadata, metadataType, metadataOptions, form.record("metadata"))
		attrs := meta.Attributes()
		attrs["uid"] = live.Metadata.Attributes()["uid"]
		if m, d := types.ObjectValue(metadataAttrTypes, attrs); !d.HasError() {
			live.Metadata = m
		}
	}
	live.Spec = keepStored(live.Spec, prior.Spec, specType, specOptions, form.record("spec"))
}

// dryRunStoredForm applies the configuration in a server-side dry run and records what the
// server would store for it, and beside it the prior state with the live object the server
// stored for it. A conflict with another manager is the plan's warning, and the record comes
// from a forced dry run, which writes nothing either.
func (r *Resource) dryRunStoredForm(ctx context.Context, plan, state *model, diags *diag.Diagnostics) *storedForm {
	want, d := plan.desired(ctx)
	if d.HasError() {
		return nil // the plan reports it when it converts the configuration again
	}
	ds, err := r.apply(ctx, plan, want, true)
	if err != nil {
		reportDryRun(err, diags)
		if !isConflict(err) {
			return nil
		}
		forced := *plan
		forced.Force = types.BoolValue(true)
		if ds, err = r.apply(ctx, &forced, want, true); err != nil {
			return nil
		}
	}
	form, err := newStoredForm(want, ds, plan.FieldManager.ValueString())
	if err != nil {
		return nil
	}
	form.Fresh = r.dryRunCreate(ctx, want)
	form.Prior, form.Live = r.priorAndLive(ctx, state, want.ds)
	return form
}

// priorAndLive are the prior state's metadata and spec as Kubernetes JSON and those of the
// live object, nil when it cannot tell. The dry run's object is the live one only where the
// configuration leaves it as it is, hence the read.
func (r *Resource) priorAndLive(ctx context.Context, state *model, ds *appsv1.DaemonSet) (map[string]any, map[string]any) {
	prior, d := state.desired(ctx)
	if d.HasError() {
		return nil, nil
	}
	var sent map[string]any
	if json.Unmarshal(prior.body, &sent) != nil {
		return nil, nil
	}
	live, err := r.client.Clientset.AppsV1().DaemonSets(ds.Namespace).Get(ctx, ds.Name, metav1.GetOptions{})
	if err != nil {
		return nil, nil
	}
	raw, err := json.Marshal(live)
	if err != nil {
		return nil, nil
	}
	var obj map[string]any
	if json.Unmarshal(raw, &obj) != nil {
		return nil, nil
	}
	return map[string]any{"metadata": sent["metadata"], "spec": sent["spec"]},
		map[string]any{"metadata": obj["metadata"], "spec": obj["spec"]}
}

// dryRunCreate is the metadata and spec the server stores for the configuration as a new
// object (under a generated name, since the name is taken), nil when it cannot tell.
func (r *Resource) dryRunCreate(ctx context.Context, want *desired) map[string]any {
	fresh := want.ds.DeepCopy()
	fresh.GenerateName, fresh.Name = fresh.Name+"-", ""
	created, err := r.client.Clientset.AppsV1().DaemonSets(fresh.Namespace).Create(ctx, fresh,
		metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}, FieldManager: "k8sfleet-dry-run"})
	if err != nil {
		return nil
	}
	raw, err := json.Marshal(created)
	if err != nil {
		return nil
	}
	var obj map[string]any
	if json.Unmarshal(raw, &obj) != nil {
		return nil
	}
	meta, _ := obj["metadata"].(map[string]any)
	if meta != nil {
		meta["name"] = want.ds.Name
	}
	return map[string]any{"metadata": meta, "spec": obj["spec"]}
}

// reportDryRun turns a dry-run error into the plan's diagnostic. A field another manager owns
// is a warning: the apply fails on it unless force is set, but a destroy, which plans with
// the same configuration first, must not. So is a namespace that does not exist yet
// (dryrun.go). An object the server rejects is an error.
func reportDryRun(err error, diags *diag.Diagnostics) {
	if reportMissingDependency(err, diags) {
		return
	}
	if isConflict(err) {
		diags.AddWarning("Another field manager owns fields this DaemonSet sets",
			kube.Explain(err, "patch", "daemonsets")+". The apply will fail on these fields unless force = true.")
		return
	}
	appendAPIError(diags, "The API server rejects this DaemonSet (server-side dry run)", err)
}

func isConflict(err error) bool {
	return apierrors.IsConflict(err) && len(kube.FieldConflicts(err)) > 0
}

// selectorChanges tells a replacement, which no dry run of an update can check.
func selectorChanges(plan, state *model) bool {
	before, after := attrOf(state.Spec, "selector"), attrOf(plan.Spec, "selector")
	return before != nil && after != nil && !before.Equal(after)
}

func attrOf(obj types.Object, name string) attr.Value {
	if obj.IsNull() || obj.IsUnknown() {
		return nil
	}
	return obj.Attributes()[name]
}
