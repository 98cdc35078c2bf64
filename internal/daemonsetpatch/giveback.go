package daemonsetpatch

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/daemonset"
)

// privateGiveBack is the private-state key of the fields an apply took from another field
// manager, so that destroy can put their values back. Releasing a field only drops our
// ownership: a field only we own is then removed, and with force we are its only owner.
// That is what makes an atomic value dangerous: whoever applies one toleration owns the
// whole list, and a plain release deletes every toleration.
//
// Layout, version 1 (JSON):
//
//	{"v": 1, "fields": [{"path": "<managedFields JSON of the one path>",
//	  "manager": "kubectl-client-side-apply", "operation": "Update",
//	  "before": <value before the patch>, "wrote": <value the patch wrote>}]}
//
// A reader meeting another "v" gives nothing back: destroy then only releases.
const privateGiveBack = "give_back"

const giveBackVersion = 1

type giveBack struct {
	V      int          `json:"v"`
	Fields []takenField `json:"fields,omitempty"`
}

// takenField is one field our apply took from another manager.
type takenField struct {
	Path      string `json:"path"`
	Manager   string `json:"manager"`
	Operation string `json:"operation"`
	Before    any    `json:"before"`
	Wrote     any    `json:"wrote"`
}

// ownerKey names a managedFields entry.
type ownerKey struct{ manager, operation string }

func (f takenField) owner() ownerKey { return ownerKey{f.Manager, f.Operation} }

func loadGiveBack(ctx context.Context, p daemonset.PrivateGetter) (giveBack, diag.Diagnostics) {
	raw, diags := p.GetKey(ctx, privateGiveBack)
	var g giveBack
	if len(raw) == 0 || json.Unmarshal(raw, &g) != nil || g.V != giveBackVersion {
		return giveBack{V: giveBackVersion}, diags
	}
	return g, diags
}

func (g giveBack) save(ctx context.Context, p daemonset.PrivateSetter) diag.Diagnostics {
	raw, err := json.Marshal(g)
	if err == nil {
		return p.SetKey(ctx, privateGiveBack, raw)
	}
	var diags diag.Diagnostics
	diags.AddError("Cannot encode the patch's record", err.Error())
	return diags
}

// managed is the field set of each entry of ds's managedFields on the main resource.
func managed(ds *appsv1.DaemonSet) (map[ownerKey]*fieldpath.Set, error) {
	out := map[ownerKey]*fieldpath.Set{}
	for _, e := range ds.ManagedFields {
		if e.Subresource != "" || e.FieldsV1 == nil {
			continue
		}
		s := &fieldpath.Set{}
		if err := s.FromJSON(bytes.NewReader(e.FieldsV1.GetRawBytes())); err != nil {
			return nil, fmt.Errorf("managed fields of %s: %w", e.Manager, err)
		}
		out[ownerKey{e.Manager, string(e.Operation)}] = s
	}
	return out, nil
}

func applyOwner(manager string) ownerKey {
	return ownerKey{manager, string(metav1.ManagedFieldsOperationApply)}
}

func unstructuredOf(ds *appsv1.DaemonSet) (map[string]any, error) {
	return runtime.DefaultUnstructuredConverter.ToUnstructured(ds)
}

func managedPair(before, after *appsv1.DaemonSet) (was, now map[ownerKey]*fieldpath.Set, err error) {
	if was, err = managed(before); err == nil {
		now, err = managed(after)
	}
	return was, now, err
}

func objectPair(before, after *appsv1.DaemonSet) (b, a map[string]any, err error) {
	if b, err = unstructuredOf(before); err == nil {
		a, err = unstructuredOf(after)
	}
	return b, a, err
}

// record adds to g the fields the apply that turned before into after took from other
// managers, with their values on both sides; a field it took again (after another writer
// took it back) keeps the value before the first patch. Fields no longer ours are dropped:
// they were released or taken by someone else.
func (g giveBack) record(before, after *appsv1.DaemonSet, manager string) (giveBack, error) {
	was, now, err := managedPair(before, after)
	if err != nil {
		return g, err
	}
	beforeObj, afterObj, err := objectPair(before, after)
	if err != nil {
		return g, err
	}
	ours := now[applyOwner(manager)]
	if ours == nil {
		ours = &fieldpath.Set{}
	}
	out := giveBack{V: giveBackVersion}
	known := map[string]bool{}
	for _, f := range g.Fields {
		p, err := decodePath(f.Path)
		if err != nil || !ours.Has(p) {
			continue
		}
		f.Wrote, _ = valueAt(afterObj, p)
		out.Fields = append(out.Fields, f)
		known[f.Path] = true
	}
	for owner, set := range was {
		if owner == applyOwner(manager) {
			continue
		}
		left := now[owner]
		if left == nil {
			left = &fieldpath.Set{}
		}
		var walkErr error
		set.Difference(left).Iterate(func(p fieldpath.Path) {
			if walkErr != nil || !ours.Has(p) {
				return
			}
			prev, had := valueAt(beforeObj, p)
			if !had {
				return // an item's own entry ("."): its fields are recorded one by one
			}
			key, err := encodePath(p)
			if err != nil {
				walkErr = err
				return
			}
			if known[key] {
				return
			}
			known[key] = true
			wrote, _ := valueAt(afterObj, p)
			out.Fields = append(out.Fields, takenField{Path: key, Manager: owner.manager, Operation: owner.operation, Before: prev, Wrote: wrote})
		})
		if walkErr != nil {
			return g, walkErr
		}
	}
	return out, nil
}

// restoreOnto extends the apply body base so that it gives back the fields the patch took and
// no longer sets (those not in keep): each one that still holds what the patch wrote gets its
// value from before the patch; a field left out of body is released. It returns the body, the
// fields it restores and those it leaves, changed since the patch wrote them.
func (g giveBack) restoreOnto(live *appsv1.DaemonSet, manager string, base []byte, keep *fieldpath.Set) ([]byte, []takenField, []string, error) {
	var body map[string]any
	if err := json.Unmarshal(base, &body); err != nil {
		return nil, nil, nil, err
	}
	sets, err := managed(live)
	if err != nil {
		return nil, nil, nil, err
	}
	ours := sets[applyOwner(manager)]
	obj, err := unstructuredOf(live)
	if err != nil {
		return nil, nil, nil, err
	}
	var restored []takenField
	var changed []string
	for _, f := range g.Fields {
		p, err := decodePath(f.Path)
		if err != nil {
			return nil, nil, nil, err
		}
		if keep.Has(p) {
			continue
		}
		now, _ := valueAt(obj, p)
		if ours == nil || !ours.Has(p) || !sameJSON(now, f.Wrote) {
			changed = append(changed, p.String())
			continue
		}
		if err := setAt(body, p, f.Before); err != nil {
			return nil, nil, nil, err
		}
		restored = append(restored, f)
	}
	raw, err := json.Marshal(body)
	return raw, restored, changed, err
}

// releaseBody is the apply under which a manager owns nothing of live.
func releaseBody(live *appsv1.DaemonSet) []byte {
	raw, _ := json.Marshal(map[string]any{"apiVersion": "apps/v1", "kind": "DaemonSet",
		"metadata": map[string]any{"name": live.Name, "namespace": live.Namespace, "uid": string(live.UID)}})
	return raw
}

// ownedBy is the set of fields manager applied in ds; empty for none.
func ownedBy(ds *appsv1.DaemonSet, manager string) (*fieldpath.Set, error) {
	sets, err := managed(ds)
	if s := sets[applyOwner(manager)]; s != nil {
		return s, err
	}
	return &fieldpath.Set{}, err
}

// handBack is live's managedFields once the restored fields are their first owners' again,
// and no longer our manager's; with release, our manager owns nothing at all.
func handBack(live *appsv1.DaemonSet, manager string, restored []takenField, release bool) ([]metav1.ManagedFieldsEntry, error) {
	add := map[ownerKey]*fieldpath.Set{}
	var order []ownerKey
	for _, f := range restored {
		p, err := decodePath(f.Path)
		if err != nil {
			return nil, err
		}
		if add[f.owner()] == nil {
			add[f.owner()] = &fieldpath.Set{}
			order = append(order, f.owner())
		}
		add[f.owner()].Insert(p)
	}
	given := &fieldpath.Set{}
	for _, s := range add {
		given = given.Union(s)
	}
	var out []metav1.ManagedFieldsEntry
	for _, e := range live.ManagedFields {
		key := ownerKey{e.Manager, string(e.Operation)}
		if e.Subresource == "" && key == applyOwner(manager) {
			if release {
				continue
			}
			kept, err := without(e, given)
			if err != nil {
				return nil, err
			}
			if kept == nil {
				continue
			}
			e = *kept
		}
		if s := add[key]; s != nil && e.Subresource == "" {
			own := &fieldpath.Set{}
			if e.FieldsV1 != nil {
				if err := own.FromJSON(bytes.NewReader(e.FieldsV1.GetRawBytes())); err != nil {
					return nil, err
				}
			}
			raw, err := own.Union(s).ToJSON()
			if err != nil {
				return nil, err
			}
			e.FieldsV1 = metav1.NewFieldsV1(string(raw))
			delete(add, key)
		}
		out = append(out, e)
	}
	for _, key := range order {
		s := add[key]
		if s == nil {
			continue
		}
		raw, err := s.ToJSON()
		if err != nil {
			return nil, err
		}
		out = append(out, metav1.ManagedFieldsEntry{
			Manager: key.manager, Operation: metav1.ManagedFieldsOperationType(key.operation), APIVersion: "apps/v1",
			Time: &metav1.Time{Time: time.Now()}, FieldsType: "FieldsV1", FieldsV1: metav1.NewFieldsV1(string(raw)),
		})
	}
	return out, nil
}

// without is entry e less the fields in s; nil when nothing is left.
func without(e metav1.ManagedFieldsEntry, s *fieldpath.Set) (*metav1.ManagedFieldsEntry, error) {
	own := &fieldpath.Set{}
	if e.FieldsV1 != nil {
		if err := own.FromJSON(bytes.NewReader(e.FieldsV1.GetRawBytes())); err != nil {
			return nil, err
		}
	}
	left := own.Difference(s)
	if left.Empty() {
		return nil, nil
	}
	raw, err := left.ToJSON()
	if err != nil {
		return nil, err
	}
	e.FieldsV1 = metav1.NewFieldsV1(string(raw))
	return &e, nil
}
