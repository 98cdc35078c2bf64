package daemonset

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/managedfields"
	"k8s.io/client-go/applyconfigurations"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"
	"sigs.k8s.io/structured-merge-diff/v6/typed"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kubeschema"
)

// A field manager holds exactly the fields of its last apply, so two resources applying one
// DaemonSet under one field manager take each other's fields away at every apply. Two such
// resources in one plan claim the object and manager (the second is refused); across
// workspaces, the refresh finds the manager owning fields this resource's last apply did not
// send, or with other values than it stored, and a plan that writes is refused.

// privateSharedManager is the private state key of the fields the refresh found our field
// manager holding for another resource (foreignOwned); removed by a refresh that finds none.
const privateSharedManager = "shared_manager"

// sharedFieldsShown is how many of those fields the messages name before "and N more".
const sharedFieldsShown = 5

// claimObject claims the DaemonSet and field manager of the plan in this run: a second
// resource planned with another configuration is refused. The owner names the configuration
// by a hash, the same at every plan of one configuration. Names not known yet claim nothing.
func (r *Resource) claimObject(ctx context.Context, req resource.ModifyPlanRequest, diags *diag.Diagnostics) bool {
	var ns, name, manager types.String
	diags.Append(req.Plan.GetAttribute(ctx, pathMetadata.AtName("namespace"), &ns)...)
	diags.Append(req.Plan.GetAttribute(ctx, pathMetadata.AtName("name"), &name)...)
	diags.Append(req.Plan.GetAttribute(ctx, path.Root("field_manager"), &manager)...)
	if diags.HasError() || !known(ns, name, manager) {
		return !diags.HasError()
	}
	id := ns.ValueString() + "/" + name.ValueString()
	owner := fmt.Sprintf("%s %s (configuration %s)", TypeName, id, configurationHash(id, req.Config.Raw))
	what := "field manager " + manager.ValueString()
	if other := r.client.Planned.Claim(owner, "DaemonSet "+id, what); other != "" {
		diags.AddAttributeError(path.Root("field_manager"), "DaemonSet applied by two resources", sharedClaimText(owner, other, id, manager.ValueString()))
		return false
	}
	return true
}

func known(values ...types.String) bool {
	for _, v := range values {
		if v.IsNull() || v.IsUnknown() {
			return false
		}
	}
	return true
}

// configurationHash names what the configuration writes: labels, annotations and spec of the
// object id. Values unknown until apply hash as unknown, so the name is stable across plans.
func configurationHash(id string, config tftypes.Value) string {
	var attrs, meta map[string]tftypes.Value
	h := sha256.New()
	h.Write([]byte(id))
	if config.As(&attrs) == nil {
		if attrs["metadata"].As(&meta) == nil {
			h.Write([]byte(meta["labels"].String() + meta["annotations"].String()))
		}
		h.Write([]byte(attrs["spec"].String()))
	}
	return hex.EncodeToString(h.Sum(nil))[:8]
}

// sharedClaimText says that two resources of one plan apply one DaemonSet with one field
// manager (sorted, so the text is the same whichever was planned first).
func sharedClaimText(first, second, id, manager string) string {
	if second < first {
		first, second = second, first
	}
	return fmt.Sprintf("%s and %s both apply DaemonSet %s with field manager %s, with different configurations. A "+
		"field manager holds exactly the fields of its last apply, so each apply would remove the fields the other "+
		"sets. Give each resource its own field_manager, or manage the DaemonSet in one resource.", first, second, id, manager)
}

// checkSharedManager runs at refresh: the fields our manager owns in the live object that the
// last apply did not send, or sent with another value, are recorded for the plan, and warned
// about. Until the first apply
// after an import there is no record of what we sent: the fields our manager or others hold
// then are the import's to take over, not another resource's.
func checkSharedManager(ctx context.Context, req resource.ReadRequest, ds *appsv1.DaemonSet, manager string, imported bool, resp *resource.ReadResponse) {
	var extra []string
	if !imported {
		raw, d := req.Private.GetKey(ctx, privateStoredForm)
		resp.Diagnostics.Append(d...)
		if form := readStoredForm(raw); form != nil {
			var err error
			if extra, err = foreignOwned(ds, manager, form); err != nil {
				resp.Diagnostics.AddWarning("Cannot compare the DaemonSet's managed fields", err.Error())
			}
		}
	}
	var record []byte
	if len(extra) > 0 {
		record, _ = json.Marshal(extra)
		resp.Diagnostics.AddWarning("Field manager shared", sharedManagerText(ds.Namespace+"/"+ds.Name, manager, extra, false))
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateSharedManager, record)...)
}

// refuseSharedManager refuses a plan that writes while the refresh found our field manager
// shared; a plan that changes field_manager is the fix and goes ahead.
func refuseSharedManager(ctx context.Context, prior PrivateGetter, plan, state *model, diags *diag.Diagnostics) bool {
	if !plan.FieldManager.Equal(state.FieldManager) {
		return false
	}
	raw, d := prior.GetKey(ctx, privateSharedManager)
	diags.Append(d...)
	var extra []string
	if len(raw) == 0 || json.Unmarshal(raw, &extra) != nil || len(extra) == 0 {
		return false
	}
	diags.AddAttributeError(path.Root("field_manager"), "Field manager shared", sharedManagerText(state.ID.ValueString(), state.FieldManager.ValueString(), extra, true))
	return true
}

func sharedManagerText(id, manager string, fields []string, refused bool) string {
	shown := fields
	more := ""
	if len(shown) > sharedFieldsShown {
		shown, more = shown[:sharedFieldsShown], fmt.Sprintf(" and %d more", len(fields)-sharedFieldsShown)
	}
	head := fmt.Sprintf("Field manager %s owns fields of DaemonSet %s that this resource's last apply did not set, or set to another value: %s%s. "+
		"Another k8sfleet_daemonset (in this or another workspace) applies the object with the same field_manager, or "+
		"an apply of this resource was interrupted. A field manager holds exactly the fields of its last apply, so "+
		"each resource's apply removes the fields the other set.", manager, id, strings.Join(shown, ", "), more)
	tail := " Give each resource its own field_manager, or manage the DaemonSet in one resource."
	if refused {
		return head + " The plan is refused, so nothing is written." + tail
	}
	return head + " A plan that changes the DaemonSet is refused until then." + tail
}

var typeConverter = sync.OnceValue(func() managedfields.TypeConverter {
	return applyconfigurations.NewTypeConverter(scheme.Scheme)
})

// foreignOwned is what manager owns in ds by server-side apply that the last apply did not
// send, or sent with another value, as attribute paths. Fields it no longer owns are not
// counted: another manager may have taken them (kubectl edit), or an apply under ours dropped
// them, which the plan shows as drift and the other resource's refresh finds.
func foreignOwned(ds *appsv1.DaemonSet, manager string, form *storedForm) ([]string, error) {
	live := &fieldpath.Set{}
	for _, e := range ds.ManagedFields {
		if e.Manager != manager || e.Operation != metav1.ManagedFieldsOperationApply || e.Subresource != "" || e.FieldsV1 == nil {
			continue
		}
		s := &fieldpath.Set{}
		if err := s.FromJSON(bytes.NewReader(e.FieldsV1.GetRawBytes())); err != nil {
			return nil, fmt.Errorf("managed fields of %s: %w", manager, err)
		}
		live = live.Union(s)
	}
	if live.Empty() {
		return nil, nil
	}
	sent, err := typedDaemonSet(form.Sent)
	if err != nil {
		return nil, fmt.Errorf("fields of the last apply: %w", err)
	}
	sentFields, err := sent.ToFieldSet()
	if err != nil {
		return nil, fmt.Errorf("fields of the last apply: %w", err)
	}
	// What the server stored for the last apply beside what our manager owns now: a value
	// changed under our manager was applied under it, since any other write takes the field.
	owned, err := ownedFields(ds, manager, false)
	if err != nil {
		return nil, err
	}
	stored, err := typedDaemonSet(form.Stored)
	if err != nil {
		return nil, fmt.Errorf("fields of the last apply: %w", err)
	}
	now, err := typedDaemonSet(owned)
	if err != nil {
		return nil, fmt.Errorf("fields of %s: %w", manager, err)
	}
	cmp, err := stored.Compare(now)
	if err != nil {
		return nil, err
	}
	var out []string
	live.Difference(sentFields).Union(cmp.Modified).Leaves().Iterate(func(p fieldpath.Path) {
		if p.String() == ".metadata.uid" {
			return // the object's uid, sent to pin the object, is never a field of ours
		}
		out = append(out, attributeText(p))
	})
	sort.Strings(out)
	return out, nil
}

// typedDaemonSet is the metadata and spec of a DaemonSet in JSON form as a typed value.
func typedDaemonSet(obj map[string]any) (*typed.TypedValue, error) {
	return typeConverter().ObjectToTyped(&unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": obj["metadata"], "spec": obj["spec"],
	}})
}

// userKeyMaps are the map fields whose keys are the user's, not field names.
var userKeyMaps = map[string]bool{
	"labels": true, "annotations": true, "nodeSelector": true, "matchLabels": true, "volumeAttributes": true,
	"options": true, "limits": true, "requests": true,
}

// attributeText writes an API path as the resource's attribute path: attribute names, list
// items by their key, map keys as written.
func attributeText(p fieldpath.Path) string {
	var b strings.Builder
	parentIsMap := false
	for _, pe := range p {
		switch {
		case pe.FieldName != nil && parentIsMap:
			fmt.Fprintf(&b, "[%q]", *pe.FieldName)
			parentIsMap = false
		case pe.FieldName != nil:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(kubeschema.AttributeName(*pe.FieldName))
			parentIsMap = userKeyMaps[*pe.FieldName]
		default:
			b.WriteString(strings.TrimPrefix(pe.String(), "."))
		}
	}
	return b.String()
}
