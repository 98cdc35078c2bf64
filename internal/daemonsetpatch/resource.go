// Package daemonsetpatch is the k8sfleet_daemonset_patch resource: a few fields of a DaemonSet
// that something else installed, owned with server-side apply under a field manager of their
// own, predicted as k8sfleet_daemonset predicts, and given back on destroy.
package daemonsetpatch

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8stypes "k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	appsv1ac "k8s.io/client-go/applyconfigurations/apps/v1"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/daemonset"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kubeattr"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/providerdata"
)

var (
	_ resource.ResourceWithImportState = &Resource{}
	_ resource.ResourceWithModifyPlan  = &Resource{}
)

// Resource owns some fields of one DaemonSet.
type Resource struct {
	client    *kube.Client
	placement daemonset.Placement
}

// NewResource is the constructor the provider registers.
func NewResource() resource.Resource { return &Resource{} }

// Metadata names the resource.
func (r *Resource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_daemonset_patch"
}

// Configure receives the provider's client, which the prediction reads nodes and pods with.
func (r *Resource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if r.client = providerdata.Client(req.ProviderData, &resp.Diagnostics); r.client != nil {
		r.placement = daemonset.NewPlacement(r.client)
	}
}

// Schema describes the resource.
func (r *Resource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = resourceSchema()
}

// patch is what the configuration applies, in the forms the resource needs.
type patch struct {
	namespace, name string
	body            []byte               // the server-side apply body
	spec            appsv1.DaemonSetSpec // typed, the fields not set zero, for the prediction
}

func (m *model) patch() (*patch, diag.Diagnostics) {
	var diags diag.Diagnostics
	p := &patch{}
	p.namespace, p.name = m.target()
	obj := map[string]any{"apiVersion": "apps/v1", "kind": "DaemonSet",
		"metadata": map[string]any{"name": p.name, "namespace": p.namespace}}
	spec, err := daemonset.SpecToKube(m.Spec)
	if err != nil {
		diags.AddAttributeError(path.Root("spec"), "Cannot convert spec", err.Error())
		return nil, diags
	}
	if spec != nil {
		obj["spec"] = spec
		raw, _ := json.Marshal(spec)
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&p.spec); err != nil {
			diags.AddAttributeError(path.Root("spec"), "Invalid spec", err.Error())
			return nil, diags
		}
	}
	if p.body, err = json.Marshal(obj); err != nil {
		diags.AddError("Cannot encode the patch", err.Error())
	}
	return p, diags
}

func (r *Resource) get(ctx context.Context, namespace, name string) (*appsv1.DaemonSet, error) {
	return r.client.Clientset.AppsV1().DaemonSets(namespace).Get(ctx, name, metav1.GetOptions{})
}

func (r *Resource) apply(ctx context.Context, namespace, name, manager string, body []byte, force, dryRun bool) (*appsv1.DaemonSet, error) {
	opts := metav1.PatchOptions{FieldManager: manager, Force: &force}
	if dryRun {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	return r.client.Clientset.AppsV1().DaemonSets(namespace).Patch(ctx, name, k8stypes.ApplyPatchType, body, opts)
}

// applyError explains a refused apply; a conflict says how to take the field over.
func applyError(diags *diag.Diagnostics, summary string, err error) {
	text := kube.Explain(err, "patch", "daemonsets")
	if apierrors.IsConflict(err) {
		text += "\n\nAnother field manager owns these fields with other values. Set force = true to take them over; " +
			"destroy puts their values back. A tolerations list or node selector is one value: set the whole of it."
	}
	diags.AddError(summary, text)
}

func notFound(namespace, name string) string {
	return fmt.Sprintf("DaemonSet %s/%s does not exist. A k8sfleet_daemonset_patch changes a DaemonSet that something "+
		"else installed; it never creates one.", namespace, name)
}

// Create applies the fields and records what it took from other managers.
func (r *Resource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan model
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.FieldManager.IsUnknown() || plan.FieldManager.IsNull() {
		plan.FieldManager = types.StringValue(kubeattr.RandomFieldManager("patch"))
	}
	r.write(ctx, &plan, giveBack{V: giveBackVersion}, resp.Private, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
}

// Update applies the changed fields; the record keeps what the first apply found.
func (r *Resource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan model
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	g, diags := loadGiveBack(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	r.write(ctx, &plan, g, resp.Private, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
}

// write applies the plan's fields to the live object, records the fields it took in g, and
// snapshots the result for the plans before the next refresh.
func (r *Resource) write(ctx context.Context, plan *model, g giveBack, priv daemonset.PrivateSetter, diags *diag.Diagnostics) {
	p, d := plan.patch()
	diags.Append(d...)
	if diags.HasError() {
		return
	}
	before, err := r.get(ctx, p.namespace, p.name)
	if apierrors.IsNotFound(err) {
		diags.AddError("DaemonSet not found", notFound(p.namespace, p.name))
		return
	}
	if err != nil {
		diags.AddError("Cannot read the DaemonSet", kube.Explain(err, "get", "daemonsets"))
		return
	}
	manager := plan.FieldManager.ValueString()
	body, err := withUID(p.body, string(before.UID))
	if err != nil {
		diags.AddError("Cannot encode the patch", err.Error())
		return
	}
	body, restored, ok := r.restoreDropped(ctx, plan, p, before, body, g, diags)
	if !ok {
		return
	}
	after, err := r.apply(ctx, p.namespace, p.name, manager, body, plan.Force.ValueBool(), false)
	if err != nil {
		applyError(diags, "Cannot patch the DaemonSet", err)
		return
	}
	if handed, err := r.handBack(ctx, p.namespace, p.name, manager, restored, false); err != nil {
		diags.AddError("Cannot hand the restored fields back to their owners", err.Error())
	} else if handed != nil {
		after = handed
	}
	plan.ID = types.StringValue(p.namespace + "/" + p.name)
	if g, err = g.record(before, after, manager); err != nil {
		diags.AddError("Cannot record the fields the patch took over", err.Error())
	} else {
		diags.Append(g.save(ctx, priv)...)
	}
	pr, ok := r.placement.Refresh(ctx, after, manager, priv, diags)
	if plan.ExpectedPodCount.IsUnknown() || plan.PlacementChanges.IsUnknown() || plan.ExcludedNodeCounts.IsUnknown() {
		if !ok {
			pr = daemonset.NullPrediction()
		}
		plan.Prediction = pr
	}
}

// restoreDropped adds to an update's body the fields the patch took over and the configuration
// no longer sets, with their values from before the patch, so that dropping a toleration list
// from the configuration puts the installer's back instead of deleting it. A dry run of the
// configuration says which fields it still sets. It returns the body and the fields restored.
func (r *Resource) restoreDropped(ctx context.Context, plan *model, p *patch, live *appsv1.DaemonSet, body []byte, g giveBack, diags *diag.Diagnostics) ([]byte, []takenField, bool) {
	if len(g.Fields) == 0 {
		return body, nil, true
	}
	manager := plan.FieldManager.ValueString()
	dry, err := r.apply(ctx, p.namespace, p.name, manager, body, plan.Force.ValueBool(), true)
	if err != nil {
		applyError(diags, "Cannot patch the DaemonSet", err)
		return nil, nil, false
	}
	var restored []takenField
	var changed []string
	keep, err := ownedBy(dry, manager)
	if err == nil {
		body, restored, changed, err = g.restoreOnto(live, manager, body, keep)
	}
	if err != nil {
		diags.AddError("Cannot give back the fields the configuration no longer sets", err.Error())
		return nil, nil, false
	}
	warnChanged(diags, changed, p.namespace, p.name)
	return body, restored, true
}

// withUID makes the apply fail, writing nothing, unless the object is the one of uid: a
// DaemonSet deleted and made again since the read is not ours to patch.
func withUID(body []byte, uid string) ([]byte, error) {
	var obj map[string]any
	if err := json.Unmarshal(body, &obj); err != nil {
		return nil, err
	}
	meta, _ := obj["metadata"].(map[string]any)
	meta["uid"] = uid
	return json.Marshal(obj)
}

// Read refreshes the fields our manager still owns (a field another writer took is missing,
// and the plan writes it again) and the prediction; a DaemonSet that is gone takes the patch
// out of state.
func (r *Resource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, ns, name, ok := stateOf(ctx, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	live, err := r.get(ctx, ns, name)
	if apierrors.IsNotFound(err) {
		resp.Diagnostics.AddWarning("DaemonSet gone",
			fmt.Sprintf("DaemonSet %s/%s, which this patch changes, no longer exists; the patch is removed from state. "+
				"Once the DaemonSet is installed again, the next plan patches it anew.", ns, name))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the DaemonSet", kube.Explain(err, "get", "daemonsets"))
		return
	}
	manager := state.FieldManager.ValueString()
	spec, err := ownedSpec(live, manager)
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the DaemonSet", err.Error())
		return
	}
	if spec != nil || !state.Spec.IsNull() {
		if state.Spec, err = daemonset.SpecFromKube(spec); err != nil {
			resp.Diagnostics.AddError("Cannot read the DaemonSet spec", err.Error())
			return
		}
	}
	state.Metadata = metadataOf(ns, name)
	state.ID = types.StringValue(ns + "/" + name)
	if pr, ok := r.placement.Refresh(ctx, live, manager, resp.Private, &resp.Diagnostics); ok {
		state.Prediction = pr
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// ownedSpec is the spec's fields manager owns in live, as Kubernetes JSON; nil for none.
func ownedSpec(live *appsv1.DaemonSet, manager string) (map[string]any, error) {
	ac, err := appsv1ac.ExtractDaemonSet(live, manager)
	if err != nil {
		return nil, fmt.Errorf("reading the fields owned by %s: %w", manager, err)
	}
	if ac.Spec == nil {
		return nil, nil
	}
	raw, err := json.Marshal(ac.Spec)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil || len(out) == 0 {
		return nil, err
	}
	return out, nil
}

// Delete gives the fields back: the fields taken from other managers that still hold what the
// patch wrote get their values from before it, every other field is released, and the restored
// fields return to their first owners. The DaemonSet stays.
func (r *Resource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, ns, name, ok := stateOf(ctx, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	manager := state.FieldManager.ValueString()
	g, diags := loadGiveBack(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	live, err := r.get(ctx, ns, name)
	if apierrors.IsNotFound(err) {
		return // nothing left to give back
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the DaemonSet", kube.Explain(err, "get", "daemonsets"))
		return
	}
	body, restored, changed, err := g.restoreOnto(live, manager, releaseBody(live), &fieldpath.Set{})
	if err != nil {
		resp.Diagnostics.AddError("Cannot give the fields back", err.Error())
		return
	}
	warnChanged(&resp.Diagnostics, changed, ns, name)
	if _, err := r.apply(ctx, ns, name, manager, body, true, false); err != nil {
		applyError(&resp.Diagnostics, "Cannot give the fields back", err)
		return
	}
	if _, err := r.handBack(ctx, ns, name, manager, restored, true); err != nil {
		resp.Diagnostics.AddError("Cannot hand the restored fields back to their owners", err.Error())
	}
}

// warnChanged names the fields given back as they are, not as they were before the patch.
func warnChanged(diags *diag.Diagnostics, changed []string, ns, name string) {
	for _, field := range changed {
		diags.AddWarning("Field left as it is",
			fmt.Sprintf("%s of DaemonSet %s/%s changed since this patch wrote it, so it is released as it is instead "+
				"of getting back the value it had before the patch.", field, ns, name))
	}
}

// handBack moves the restored fields from our manager to the managers that owned them before
// the patch (with release, our manager keeps nothing) and returns the object it wrote. Only
// managedFields change, so the pods are not touched. With nothing restored it writes nothing
// and returns nil.
func (r *Resource) handBack(ctx context.Context, ns, name, manager string, restored []takenField, release bool) (*appsv1.DaemonSet, error) {
	if len(restored) == 0 {
		return nil, nil
	}
	api := r.client.Clientset.AppsV1().DaemonSets(ns)
	var written *appsv1.DaemonSet
	// The controller writes the DaemonSet's status many times during a rollout, and each write
	// moves the resourceVersion this Update is conditioned on: retry for a few seconds.
	backoff := wait.Backoff{Steps: 12, Duration: 50 * time.Millisecond, Factor: 1.5, Jitter: 0.2}
	err := retry.RetryOnConflict(backoff, func() error {
		live, err := api.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		if live.ManagedFields, err = handBack(live, manager, restored, release); err != nil {
			return err
		}
		written, err = api.Update(ctx, live, metav1.UpdateOptions{FieldManager: manager})
		return err
	})
	return written, err
}

// ImportState takes `namespace/name/field_manager` (the patch that manager applied) or
// `namespace/name` (a new patch under a drawn manager, which owns nothing until the apply).
func (r *Resource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	ns, name, manager, err := splitID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error())
		return
	}
	if manager == "" {
		manager = kubeattr.RandomFieldManager("patch")
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), ns+"/"+name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("metadata"), metadataOf(ns, name))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("field_manager"), manager)...)
}

// stateOf decodes the state and the DaemonSet its id names.
func stateOf(ctx context.Context, state tfsdk.State, diags *diag.Diagnostics) (m model, namespace, name string, ok bool) {
	if diags.Append(state.Get(ctx, &m)...); diags.HasError() {
		return m, "", "", false
	}
	namespace, name, _, err := splitID(m.ID.ValueString())
	if err != nil {
		diags.AddError("Invalid id", err.Error())
	}
	return m, namespace, name, err == nil
}

// splitID reads `namespace/name` or `namespace/name/field_manager`.
func splitID(id string) (namespace, name, manager string, err error) {
	parts := strings.SplitN(id, "/", 3)
	if len(parts) < 2 || parts[0] == "" || parts[1] == "" || (len(parts) == 3 && parts[2] == "") {
		return "", "", "", fmt.Errorf("%q is not namespace/name or namespace/name/field_manager, e.g. kube-system/kube-proxy", id)
	}
	if len(parts) == 3 {
		manager = parts[2]
	}
	return parts[0], parts[1], manager, nil
}
