package daemonset

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8stypes "k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/client-go/util/csaupgrade"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
)

// privateTakeover is the private state key of the field managers an import adopted, whose
// fields the first apply takes over so that it releases what the plan shows as leaving.
// Import runs during plan, where nothing may be written, hence the record.
const privateTakeover = "takeover"

// updateManagersTakenOver are the managers of the Update operation an import adopts: kubectl's
// client-side apply, create and edit, and older kubectl clients. kubectl-rollout (whose
// restartedAt annotation would go, restarting the fleet) and controllers are never taken over.
var updateManagersTakenOver = []string{"kubectl-client-side-apply", "before-first-apply", "kubectl-create", "kubectl-edit", "kubectl"}

type takeover struct {
	V      int      `json:"v"`
	Update []string `json:"update,omitempty"` // merged into ours before the apply (csaupgrade)
	Apply  []string `json:"apply,omitempty"`  // released after the apply
}

// adoptedManagers names the managers whose fields ownedFields adopts at import, as Read does.
func adoptedManagers(ds *appsv1.DaemonSet, ours string) takeover {
	t := takeover{V: 1}
	for _, e := range ds.ManagedFields {
		switch {
		case e.Subresource != "" || e.Manager == ours:
		case e.Operation == metav1.ManagedFieldsOperationApply:
			t.Apply = append(t.Apply, e.Manager)
		case slices.Contains(updateManagersTakenOver, e.Manager) && !slices.Contains(t.Update, e.Manager):
			t.Update = append(t.Update, e.Manager)
		}
	}
	if len(t.Apply) > 0 {
		t.Update = nil // the import adopted the apply managers' fields alone
	}
	return t
}

func (t takeover) empty() bool { return len(t.Update) == 0 && len(t.Apply) == 0 }

// recordTakeover keeps, at an import's refresh, the managers the first apply takes over.
func recordTakeover(ctx context.Context, ds *appsv1.DaemonSet, manager string, resp *resource.ReadResponse) {
	t := adoptedManagers(ds, manager)
	if t.empty() {
		return
	}
	raw, err := json.Marshal(t)
	if err == nil {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateTakeover, raw)...)
	}
}

// pendingTakeover is the recorded takeover plus this resource's previous field manager after
// a rename of field_manager, unless the refresh found that manager shared with another
// resource (sharedmanager.go): its fields are then the other resource's too.
func pendingTakeover(ctx context.Context, req resource.UpdateRequest, plan *model, diags *diag.Diagnostics) takeover {
	t := takeover{V: 1}
	raw, d := req.Private.GetKey(ctx, privateTakeover)
	diags.Append(d...)
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &t)
	}
	var prior model
	diags.Append(req.State.Get(ctx, &prior)...)
	shared, d := req.Private.GetKey(ctx, privateSharedManager)
	diags.Append(d...)
	if old := prior.FieldManager.ValueString(); old != "" && old != plan.FieldManager.ValueString() && !slices.Contains(t.Apply, old) && len(shared) == 0 {
		t.Apply = append(t.Apply, old)
	}
	return t
}

// mergeUpdateManagers moves the fields of the Update managers into ours before our apply, which
// then releases those the configuration does not set. kubectl's last-applied annotation and the
// template generation stay with the manager that held them, so they stay.
func (r *Resource) mergeUpdateManagers(ctx context.Context, ns, name, ours string, managers []string) error {
	api := r.client.Clientset.AppsV1().DaemonSets(ns)
	ds, err := api.Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return fmt.Errorf("%s", kube.Explain(err, "get", "daemonsets"))
	}
	kept, err := unsentHeld(ds.ManagedFields, sets.New(managers...))
	if err != nil {
		return err
	}
	if err := csaupgrade.UpgradeManagedFields(ds, sets.New(managers...), ours); err != nil {
		return err
	}
	entries := append(ds.ManagedFields, kept...)
	for i := range entries {
		if entries[i].Manager == ours && entries[i].Operation == metav1.ManagedFieldsOperationApply && entries[i].FieldsV1 != nil {
			if err := dropLastApplied(&entries[i]); err != nil {
				return err
			}
		}
	}
	patch, err := json.Marshal([]map[string]any{
		{"op": "replace", "path": "/metadata/managedFields", "value": entries},
		{"op": "replace", "path": "/metadata/resourceVersion", "value": ds.ResourceVersion},
	})
	if err != nil {
		return err
	}
	if _, err := api.Patch(ctx, name, k8stypes.JSONPatchType, patch, metav1.PatchOptions{}); err != nil {
		return fmt.Errorf("%s", kube.Explain(err, "patch", "daemonsets"))
	}
	return nil
}

// Neither annotation was sent by a writer: kubectl's record of its apply, and the template
// generation the API server sets. Held by us, either, or the annotations map itself (an update
// manager holds it too), would make an apply that sets no annotations release the map as a
// whole, and every annotation would go, held or not. Held by nobody, they would go all the
// same once we release our last annotation: so they stay with their manager.
var (
	unsentAnnotationKeys = fieldpath.NewSet(
		fieldpath.MakePathOrDie("metadata", "annotations", lastAppliedAnnotation),
		fieldpath.MakePathOrDie("metadata", "annotations", generationAnnotation),
	)
	unsentAnnotations = unsentAnnotationKeys.Union(fieldpath.NewSet(fieldpath.MakePathOrDie("metadata", "annotations")))
)

// unsentHeld is, for each of the Update managers, an entry holding only the unsent annotations
// it holds.
func unsentHeld(entries []metav1.ManagedFieldsEntry, managers sets.Set[string]) ([]metav1.ManagedFieldsEntry, error) {
	var kept []metav1.ManagedFieldsEntry
	for _, e := range entries {
		if e.Operation != metav1.ManagedFieldsOperationUpdate || e.Subresource != "" || !managers.Has(e.Manager) || e.FieldsV1 == nil {
			continue
		}
		s := &fieldpath.Set{}
		if err := s.FromJSON(bytes.NewReader(e.FieldsV1.GetRawBytes())); err != nil {
			return nil, err
		}
		held := s.Intersection(unsentAnnotationKeys)
		if held.Empty() {
			continue
		}
		raw, err := held.ToJSON()
		if err != nil {
			return nil, err
		}
		e.FieldsV1 = metav1.NewFieldsV1(string(raw))
		kept = append(kept, e)
	}
	return kept, nil
}

func dropLastApplied(e *metav1.ManagedFieldsEntry) error {
	s := &fieldpath.Set{}
	if err := s.FromJSON(bytes.NewReader(e.FieldsV1.GetRawBytes())); err != nil {
		return err
	}
	s = s.Difference(unsentAnnotations)
	raw, err := s.ToJSON()
	if err != nil {
		return err
	}
	e.FieldsV1 = metav1.NewFieldsV1(string(raw))
	return nil
}

// releaseApplyManagers gives up every field of the Apply managers after our apply: an apply of
// the object's identity alone under each name, so that what only they held goes, as planned.
func (r *Resource) releaseApplyManagers(ctx context.Context, ns, name string, managers []string) error {
	body, err := json.Marshal(map[string]any{
		"apiVersion": "apps/v1", "kind": "DaemonSet",
		"metadata": map[string]any{"name": name, "namespace": ns},
	})
	if err != nil {
		return err
	}
	for _, m := range managers {
		_, err := r.client.Clientset.AppsV1().DaemonSets(ns).Patch(ctx, name, k8stypes.ApplyPatchType, body, metav1.PatchOptions{FieldManager: m})
		if err != nil {
			return fmt.Errorf("releasing the fields of field manager %s: %s", m, kube.Explain(err, "patch", "daemonsets"))
		}
	}
	return nil
}

// beforeTakeover merges the adopted Update managers into ours and returns what is left for
// after the apply.
func (r *Resource) beforeTakeover(ctx context.Context, req resource.UpdateRequest, plan *model, diags *diag.Diagnostics) takeover {
	t := pendingTakeover(ctx, req, plan, diags)
	if len(t.Update) == 0 || diags.HasError() {
		return t
	}
	var meta metadataModel
	diags.Append(plan.Metadata.As(ctx, &meta, objectAsOptions)...)
	if err := r.mergeUpdateManagers(ctx, meta.Namespace.ValueString(), meta.Name.ValueString(), plan.FieldManager.ValueString(), t.Update); err != nil {
		diags.AddError("Cannot take over the fields of "+fmt.Sprint(t.Update), err.Error())
	}
	return t
}

// afterTakeover releases the Apply managers' fields once ours are applied, and forgets the
// takeover. A failure leaves their fields in place, which the next plan shows.
func (r *Resource) afterTakeover(ctx context.Context, plan *model, t takeover, resp *resource.UpdateResponse) {
	if len(t.Apply) > 0 {
		var meta metadataModel
		resp.Diagnostics.Append(plan.Metadata.As(ctx, &meta, objectAsOptions)...)
		if err := r.releaseApplyManagers(ctx, meta.Namespace.ValueString(), meta.Name.ValueString(), t.Apply); err != nil {
			resp.Diagnostics.AddWarning("Fields of another field manager remain", err.Error())
		}
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateTakeover, nil)...)
}
