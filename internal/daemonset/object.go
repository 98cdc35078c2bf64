package daemonset

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	appsv1ac "k8s.io/client-go/applyconfigurations/apps/v1"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kubeschema"
)

// desired is what the configuration asks for, in the three forms the resource needs.
type desired struct {
	meta metadataModel
	body []byte            // server-side apply body
	ds   *appsv1.DaemonSet // typed, for validation and prediction
}

func (m *model) desired(ctx context.Context) (*desired, diag.Diagnostics) {
	var diags diag.Diagnostics
	var meta metadataModel
	diags.Append(m.Metadata.As(ctx, &meta, objectAsOptions)...)
	if diags.HasError() {
		return nil, diags
	}
	spec, err := kubeschema.ToKube(m.Spec, specType, specOptions)
	if err != nil {
		diags.AddError("Cannot convert spec", err.Error())
		return nil, diags
	}
	if meta.Namespace.IsNull() {
		meta.Namespace = types.StringValue("default") // the configuration before the default is applied
	}
	objMeta := map[string]any{"name": meta.Name.ValueString(), "namespace": meta.Namespace.ValueString()}
	for key, v := range map[string]types.Map{"labels": meta.Labels, "annotations": meta.Annotations} {
		if v.IsNull() {
			continue
		}
		var vals map[string]string
		diags.Append(v.ElementsAs(ctx, &vals, false)...)
		objMeta[key] = vals
	}
	obj := map[string]any{"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": objMeta, "spec": spec}
	body, err := json.Marshal(obj)
	if err != nil {
		diags.AddError("Cannot encode the DaemonSet", err.Error())
		return nil, diags
	}
	ds := &appsv1.DaemonSet{}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(ds); err != nil {
		diags.AddAttributeError(pathSpec, "Invalid spec", err.Error())
		return nil, diags
	}
	return &desired{meta: meta, body: body, ds: ds}, diags
}

// forObject is the apply for the object of uid only: the API server refuses it, writing
// nothing, when the object is gone (a uid conflict) or another one holds the name (uid is
// immutable). The uid is not a managed field, so it changes nothing the manager owns.
// An empty uid (a create) returns d.
func (d *desired) forObject(uid string) (*desired, error) {
	if uid == "" {
		return d, nil
	}
	var obj map[string]any
	if err := json.Unmarshal(d.body, &obj); err != nil {
		return nil, err
	}
	meta, _ := obj["metadata"].(map[string]any)
	if meta == nil {
		return nil, fmt.Errorf("the DaemonSet has no metadata")
	}
	meta["uid"] = uid
	body, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	out := *d
	out.body = body
	return &out, nil
}

// ownedFields reads back from the live object only the fields the configuration manages:
// those owned by our field manager; after an import, what its writers sent: the fields of
// server-side apply managers, else kubectl's last-applied configuration, else the fields of
// every update manager (these include server defaults, which then leave the state at the
// first apply without changing the object).
func ownedFields(ds *appsv1.DaemonSet, manager string, imported bool) (map[string]any, error) {
	src := ds
	if imported {
		if !hasApplyManager(ds) {
			if last, ok := ds.Annotations[lastAppliedAnnotation]; ok {
				out := map[string]any{}
				return out, json.Unmarshal([]byte(last), &out)
			}
		}
		src = ds.DeepCopy()
		merged, err := mergedManager(ds)
		if err != nil {
			return nil, err
		}
		src.ManagedFields = []metav1.ManagedFieldsEntry{merged}
		manager = merged.Manager
	}
	ac, err := appsv1ac.ExtractDaemonSet(src, manager)
	if err != nil {
		return nil, fmt.Errorf("reading the fields owned by %s: %w", manager, err)
	}
	if imported && ac.Annotations != nil {
		// The API server sets it at create; an update manager owns it, no writer sent it.
		delete(ac.Annotations, generationAnnotation)
		if len(ac.Annotations) == 0 {
			ac.Annotations = nil
		}
	}
	raw, err := json.Marshal(ac)
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	return out, json.Unmarshal(raw, &out)
}

const (
	importManager         = "k8sfleet-import"
	lastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration"
	generationAnnotation  = "deprecated.daemonset.template.generation"
)

func hasApplyManager(ds *appsv1.DaemonSet) bool {
	for _, e := range ds.ManagedFields {
		if e.Subresource == "" && e.Operation == metav1.ManagedFieldsOperationApply {
			return true
		}
	}
	return false
}

// mergedManager unites what the object's writers own, so that an import adopts what they
// wrote and not what the server defaulted. Apply managers track only what they sent;
// update managers (kubectl create, edit) also own defaults, so they count only when no
// apply manager exists. The restart action's manager never counts.
func mergedManager(ds *appsv1.DaemonSet) (metav1.ManagedFieldsEntry, error) {
	union := &fieldpath.Set{}
	for _, onlyApply := range []bool{true, false} {
		for _, e := range ds.ManagedFields {
			if e.Subresource != "" || e.FieldsV1 == nil || e.Manager == RestartFieldManager ||
				(onlyApply && e.Operation != metav1.ManagedFieldsOperationApply) {
				continue
			}
			s := &fieldpath.Set{}
			if err := s.FromJSON(bytes.NewReader(e.FieldsV1.GetRawBytes())); err != nil {
				return metav1.ManagedFieldsEntry{}, fmt.Errorf("managed fields of %s: %w", e.Manager, err)
			}
			union = union.Union(s)
		}
		if !union.Empty() {
			break
		}
	}
	raw, err := union.ToJSON()
	if err != nil {
		return metav1.ManagedFieldsEntry{}, err
	}
	return metav1.ManagedFieldsEntry{
		Manager: importManager, Operation: metav1.ManagedFieldsOperationApply, APIVersion: "apps/v1",
		FieldsType: "FieldsV1", FieldsV1: metav1.NewFieldsV1(string(raw)),
	}, nil
}

// fromLive sets metadata and spec of m from the live object.
func (m *model) fromLive(ctx context.Context, ds *appsv1.DaemonSet, imported bool) diag.Diagnostics {
	owned, err := ownedFields(ds, m.FieldManager.ValueString(), imported)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Cannot read the DaemonSet", err.Error())
		return diags
	}
	return m.fromOwned(ds, owned)
}

// fromOwned sets metadata and spec of m from the fields of the live object it manages.
func (m *model) fromOwned(ds *appsv1.DaemonSet, owned map[string]any) diag.Diagnostics {
	var diags diag.Diagnostics
	ownedMeta, _ := owned["metadata"].(map[string]any)
	meta, spec, err := valuesFromJSON(ds.Name, ds.Namespace, string(ds.UID), ownedMeta, owned["spec"])
	if err != nil {
		diags.AddError("Cannot read the DaemonSet spec", err.Error())
		return diags
	}
	m.Metadata, m.Spec = meta, spec
	m.ID = types.StringValue(ds.Namespace + "/" + ds.Name)
	return diags
}

func stringMap(raw any) types.Map {
	in, ok := raw.(map[string]any)
	if !ok {
		return types.MapNull(types.StringType)
	}
	vals := make(map[string]attr.Value, len(in))
	for k, v := range in {
		s, _ := v.(string)
		vals[k] = types.StringValue(s)
	}
	return types.MapValueMust(types.StringType, vals)
}
