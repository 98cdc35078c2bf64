// Package daemonset is the k8sfleet_daemonset resource: an apps/v1 DaemonSet applied with
// server-side apply, whose plans predict the pods each node gets.
package daemonset

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8stypes "k8s.io/apimachinery/pkg/types"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/providerdata"
)

var (
	_ resource.ResourceWithImportState    = &Resource{}
	_ resource.ResourceWithModifyPlan     = &Resource{}
	_ resource.ResourceWithValidateConfig = &Resource{}
)

// Resource manages one DaemonSet.
type Resource struct {
	client *kube.Client
}

// NewResource is the constructor the provider registers.
func NewResource() resource.Resource { return &Resource{} }

var (
	pathSpec     = path.Root("spec")
	pathMetadata = path.Root("metadata")
)

// objectAsOptions reads nested objects that may hold unknown values.
var objectAsOptions = basetypes.ObjectAsOptions{UnhandledNullAsEmpty: true, UnhandledUnknownAsEmpty: true}

// Private state keys.
const (
	privateImported = "imported" // the object was imported and not applied by us yet
	privateNodesRV  = "nodes_rv" // written before the snapshot (snapshot.go); removed by the next refresh
)

const defaultTimeout = 5 * time.Minute

// TypeName is the resource's type name.
const TypeName = "k8sfleet_daemonset"

// Metadata names the resource.
func (r *Resource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = TypeName
}

// Schema describes the resource.
func (r *Resource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = resourceSchema(ctx)
}

// Configure receives the provider's client.
func (r *Resource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerdata.Client(req.ProviderData, &resp.Diagnostics)
}

// Create applies the DaemonSet, refusing to adopt one that exists, and waits for the rollout.
func (r *Resource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan model
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultTimeout)
	resp.Diagnostics.Append(diags...)
	if form, ok := r.write(ctx, req.Config, &plan, timeout, "", resp.Private, &resp.Diagnostics); ok {
		resp.Diagnostics.Append(saveApplied(ctx, &plan, form, resp.Private, &resp.State, resp.Identity)...)
	}
}

// Read refreshes the managed fields and the prediction from the cluster, and
// keeps the node facts and the live template's placement for the next plans (snapshot.go).
func (r *Resource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state model
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ns, name, err := splitID(state.ID.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Invalid id", err.Error())
		return
	}
	ds, err := r.client.Clientset.AppsV1().DaemonSets(ns).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		tflog.Info(ctx, "DaemonSet is gone; removing it from state", map[string]any{"namespace": ns, "name": name})
		// The framework requires an identity after every Read, a removal included.
		resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, ns, name)...)
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the DaemonSet", kube.Explain(err, "get", "daemonsets"))
		return
	}
	if uid := state.uid(ctx); uid != "" && uid != string(ds.UID) {
		// Another object under the name: ours is gone, and its fields are not ours to read.
		resp.Diagnostics.AddWarning("DaemonSet replaced outside Terraform", replacedOutside(ns, name, uid, string(ds.UID)))
		resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, ns, name)...)
		resp.State.RemoveResource(ctx)
		return
	}
	imported, diags := req.Private.GetKey(ctx, privateImported)
	resp.Diagnostics.Append(diags...)
	prior := state
	resp.Diagnostics.Append(r.readLive(ctx, &state, ds, len(imported) > 0)...)
	if resp.Diagnostics.HasError() {
		return
	}
	refreshStoredForm(ctx, req, &state, &prior, &resp.Diagnostics)
	if len(imported) > 0 {
		recordTakeover(ctx, ds, state.FieldManager.ValueString(), resp)
	}
	checkSharedManager(ctx, req, ds, state.FieldManager.ValueString(), len(imported) > 0, resp)
	r.refreshPrediction(ctx, &state, ds, resp.Private, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, ds.Namespace, ds.Name)...)
}

// Update applies the changed configuration and waits for the rollout.
func (r *Resource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan model
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.settingsOnly(ctx, req, &plan, resp) {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultTimeout)
	resp.Diagnostics.Append(diags...)
	takeOver := r.beforeTakeover(ctx, req, &plan, &resp.Diagnostics)
	if form, ok := r.write(ctx, req.Config, &plan, timeout, priorUID(ctx, req.State, &resp.Diagnostics), resp.Private, &resp.Diagnostics); ok {
		r.afterTakeover(ctx, &plan, takeOver, resp)
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, nil)...)
		resp.Diagnostics.Append(saveApplied(ctx, &plan, form, resp.Private, &resp.State, resp.Identity)...)
	}
}

// saveApplied keeps what an apply wrote: the stored form, the state and the identity.
func saveApplied(ctx context.Context, plan *model, form []byte, private PrivateSetter, state *tfsdk.State, identity *tfsdk.ResourceIdentity) diag.Diagnostics {
	diags := private.SetKey(ctx, privateStoredForm, form)
	diags.Append(state.Set(ctx, plan)...)
	diags.Append(plan.setIdentity(ctx, identity)...)
	return diags
}

// Delete removes the DaemonSet and waits until it is gone.
func (r *Resource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state model
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultTimeout)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ns, name, err := splitID(state.ID.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Invalid id", err.Error())
		return
	}
	if err := r.deleteAndWait(ctx, ns, name); err != nil {
		resp.Diagnostics.AddError("Cannot delete the DaemonSet", err.Error())
	}
}

// ImportState takes `namespace/name` or the identity; the first refresh adopts the fields
// its writers own.
func (r *Resource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, diags := importID(ctx, req)
	resp.Diagnostics.Append(diags...)
	ns, name, err := splitID(id)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), ns+"/"+name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("field_manager"), DefaultFieldManager)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("force"), false)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("wait_for_rollout"), true)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, []byte("true"))...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, ns, name)...)
}

// write applies the configured object (the plan keeps prior values where the server stores
// them the same, the configuration says what this manager owns) and waits for its rollout; it
// reports whether the object was written, so that state is saved exactly when the cluster has
// it, and returns the stored form of what it sent. It records the applied template in the
// node snapshot of p. uid is the object the plan was made for; empty for a create, which
// refuses to adopt an object that exists.
func (r *Resource) write(ctx context.Context, config tfsdk.Config, plan *model, timeout time.Duration, uid string, p PrivateSetter, diags *diag.Diagnostics) ([]byte, bool) {
	if diags.HasError() {
		return nil, false
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var cfg model
	diags.Append(config.Get(ctx, &cfg)...)
	if diags.HasError() {
		return nil, false
	}
	want, d := cfg.desired(ctx)
	diags.Append(d...)
	if diags.HasError() {
		return nil, false
	}
	verb := "patch"
	if uid == "" {
		verb = "create"
	}
	if !r.precondition(ctx, want, uid, diags) {
		return nil, false
	}
	sent, err := want.forObject(uid)
	if err != nil {
		diags.AddError("Cannot encode the DaemonSet", err.Error())
		return nil, false
	}
	ds, err := r.apply(ctx, plan, sent, false)
	if err != nil {
		appendAPIError(diags, "Cannot "+verb+" the DaemonSet", err)
		return nil, false
	}
	var form []byte
	if f, err := newStoredForm(want, ds, plan.FieldManager.ValueString()); err == nil {
		planned, _ := plan.desired(ctx)
		f.withPlanned(planned)
		form, _ = f.encode()
	}
	ds = r.finishApply(ctx, plan, ds, diags)
	r.snapshotAfterApply(ctx, ds, plan.FieldManager.ValueString(), p, diags)
	return form, true
}

// precondition reads the object just before a write: a create finds none, an update finds the
// object of uid, the one the plan was made for. A server-side apply would otherwise create a
// DaemonSet deleted since the plan, or merge our fields into another one made under its name.
func (r *Resource) precondition(ctx context.Context, want *desired, uid string, diags *diag.Diagnostics) bool {
	ns, name := want.ds.Namespace, want.ds.Name
	live, err := r.client.Clientset.AppsV1().DaemonSets(ns).Get(ctx, name, metav1.GetOptions{})
	switch {
	case err != nil && !apierrors.IsNotFound(err):
		diags.AddError("Cannot read the DaemonSet", kube.Explain(err, "get", "daemonsets"))
		return false
	case uid == "" && err == nil:
		diags.AddError("DaemonSet already exists", alreadyExists(ns, name))
		return false
	case uid == "":
		return true
	case err != nil:
		diags.AddError("DaemonSet deleted since the plan", goneSincePlan(ns, name, uid))
		return false
	case string(live.UID) != uid:
		diags.AddError("DaemonSet replaced since the plan", replacedSincePlan(ns, name, uid, string(live.UID)))
		return false
	}
	return true
}

// priorUID is the uid the refresh read, the object an update's plan was made for.
func priorUID(ctx context.Context, state tfsdk.State, diags *diag.Diagnostics) string {
	var uid types.String
	diags.Append(state.GetAttribute(ctx, pathMetadata.AtName("uid"), &uid)...)
	return uid.ValueString()
}

// apply sends the server-side apply request (dryRun true writes nothing).
func (r *Resource) apply(ctx context.Context, plan *model, want *desired, dryRun bool) (*appsv1.DaemonSet, error) {
	opts := metav1.PatchOptions{FieldManager: plan.FieldManager.ValueString(), Force: boolPtr(plan.Force.ValueBool())}
	if dryRun {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	tflog.Debug(ctx, "applying DaemonSet", map[string]any{"namespace": want.ds.Namespace, "name": want.ds.Name, "dry_run": dryRun})
	return r.client.Clientset.AppsV1().DaemonSets(want.ds.Namespace).
		Patch(ctx, want.ds.Name, k8stypes.ApplyPatchType, want.body, opts)
}

// finishApply records what the apply returned and waits for the rollout; it returns the
// DaemonSet as last read. The planned values stay as planned: Terraform requires Create and
// Update to return exactly the plan.
func (r *Resource) finishApply(ctx context.Context, plan *model, ds *appsv1.DaemonSet, diags *diag.Diagnostics) *appsv1.DaemonSet {
	plan.ID = types.StringValue(ds.Namespace + "/" + ds.Name)
	var meta metadataModel
	diags.Append(plan.Metadata.As(ctx, &meta, objectAsOptions)...)
	meta.UID = types.StringValue(string(ds.UID))
	obj, d := types.ObjectValueFrom(ctx, metadataAttrTypes, meta)
	diags.Append(d...)
	plan.Metadata = obj
	if plan.WaitForRollout.ValueBool() {
		if latest, err := r.waitForRollout(ctx, ds); err != nil {
			diags.AddError("DaemonSet rollout did not complete", err.Error())
		} else {
			ds = latest
		}
	}
	r.fillUnknownPrediction(ctx, plan, &ds.Spec.Template.Spec, diags)
	return ds
}

func splitID(id string) (string, string, error) {
	parts := strings.Split(id, "/")
	if len(parts) != 2 || parts[0] == "" || parts[1] == "" {
		return "", "", fmt.Errorf("%q is not namespace/name, e.g. kube-system/fluentd-elasticsearch", id)
	}
	return parts[0], parts[1], nil
}

func alreadyExists(ns, name string) string {
	return fmt.Sprintf("DaemonSet %s/%s already exists in the cluster. To manage it with Terraform, import it: "+
		"terraform import k8sfleet_daemonset.<name> %s/%s (or an import block with id = %q).", ns, name, ns, name, ns+"/"+name)
}

func goneSincePlan(ns, name, uid string) string {
	return fmt.Sprintf("DaemonSet %s/%s (uid %s), which this plan updates, no longer exists; nothing was written. "+
		"Run terraform apply again: its plan creates the DaemonSet.", ns, name, uid)
}

func replacedSincePlan(ns, name, uid, now string) string {
	return fmt.Sprintf("DaemonSet %s/%s was deleted and created again since the plan (uid %s then, %s now); nothing was "+
		"written, so as not to merge this configuration into another object. The next refresh drops the old object "+
		"from state; to manage the new one, import it: terraform import k8sfleet_daemonset.<name> %s.", ns, name, uid, now, ns+"/"+name)
}

func replacedOutside(ns, name, uid, now string) string {
	return fmt.Sprintf("DaemonSet %s/%s was deleted and created again outside Terraform (uid %s in state, %s now): the "+
		"object this resource managed is gone, so it is removed from state. The plan creates it, which fails while the "+
		"new object exists; to manage the new object, import it: terraform import k8sfleet_daemonset.<name> %s.", ns, name, uid, now, ns+"/"+name)
}

func boolPtr(b bool) *bool { return &b }
