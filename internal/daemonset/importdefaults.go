package daemonset

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// An object made by `kubectl create` (or edited) has no record of what its installer sent: its
// update managers hold the server's defaults beside it. An import adopts what the installer
// wrote, so that a later change plans only the change, and the defaults are told apart by the
// server itself: every field the server fills in again, with the same value, when the object is
// created without it (a dry run) is a default. A plan cannot keep such a default where the
// configuration leaves it out, so it must not be in the state.

// maxDefaultProbes bounds the dry runs that find the defaults: each one that the server rejects
// gives back the fields it requires.
const maxDefaultProbes = 6

// readLive sets metadata and spec of m from the fields of the live object it manages; for an
// object imported from update managers alone, without the server's defaults.
func (r *Resource) readLive(ctx context.Context, m *model, ds *appsv1.DaemonSet, imported bool) diag.Diagnostics {
	if !imported || hasApplyManager(ds) || ds.Annotations[lastAppliedAnnotation] != "" {
		return m.fromLive(ctx, ds, imported)
	}
	owned, err := ownedFields(ds, m.FieldManager.ValueString(), true)
	if err != nil {
		return m.fromLive(ctx, ds, imported)
	}
	if spec, ok := owned["spec"].(map[string]any); ok {
		owned["spec"] = r.withoutDefaults(ctx, ds, spec)
	}
	return m.fromOwned(ds, owned)
}

// withoutDefaults is spec less the fields the server stores the same when they are left out;
// spec itself when the server cannot tell.
func (r *Resource) withoutDefaults(ctx context.Context, ds *appsv1.DaemonSet, spec map[string]any) map[string]any {
	var candidates []fieldPath
	collectLeaves(spec, reflect.TypeOf(appsv1.DaemonSetSpec{}), nil, &candidates)
	removed := slices.Clone(candidates)
	var stored map[string]any
	for range maxDefaultProbes {
		probe := deepCopyJSON(spec)
		for _, p := range removed {
			p.delete(probe)
		}
		got, err := r.dryRunCreateSpec(ctx, ds, probe)
		if err == nil {
			stored = got
			break
		}
		required := causeFields(err)
		if len(required) == 0 {
			tflog.Debug(ctx, "cannot tell the server's defaults of the imported DaemonSet", map[string]any{"error": err.Error()})
			return spec
		}
		before := len(removed)
		removed = slices.DeleteFunc(removed, func(p fieldPath) bool {
			return slices.ContainsFunc(required, func(q fieldPath) bool { return p.within(q) || q.within(p) })
		})
		if len(removed) == before {
			return spec
		}
	}
	if stored == nil {
		return spec
	}
	out := deepCopyJSON(spec)
	for _, p := range removed {
		if v, ok := p.get(spec); ok {
			if w, ok := p.get(stored); ok && reflect.DeepEqual(v, w) {
				p.delete(out)
			}
		}
	}
	return out
}

// dryRunCreateSpec is the spec the server stores for a new DaemonSet of spec, beside ds.
func (r *Resource) dryRunCreateSpec(ctx context.Context, ds *appsv1.DaemonSet, spec map[string]any) (map[string]any, error) {
	raw, err := json.Marshal(map[string]any{"spec": spec})
	if err != nil {
		return nil, err
	}
	probe := &appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{GenerateName: ds.Name + "-", Namespace: ds.Namespace}}
	if err := json.Unmarshal(raw, probe); err != nil {
		return nil, err
	}
	created, err := r.client.Clientset.AppsV1().DaemonSets(ds.Namespace).Create(ctx, probe,
		metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}, FieldManager: "k8sfleet-dry-run"})
	if err != nil {
		return nil, err
	}
	out, err := json.Marshal(created.Spec)
	if err != nil {
		return nil, err
	}
	var obj map[string]any
	return obj, json.Unmarshal(out, &obj)
}

// fieldPath is a path in an object's JSON: keys and list indices.
type fieldPath []any

// collectLeaves lists the fields of v, typed t, that the server may default: scalars and empty
// objects in structs. Maps and lists of scalars are the writer's whole; the template's metadata
// and the selector are never defaulted.
func collectLeaves(v any, t reflect.Type, at fieldPath, out *[]fieldPath) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			*out = append(*out, at) // a struct written as a scalar: a quantity, an int-or-string
			return
		}
		if len(m) == 0 && len(at) > 0 {
			*out = append(*out, at)
			return
		}
		fields := jsonFields(t)
		for k, sub := range m {
			ft, ok := fields[k]
			if !ok || (len(at) == 0 && k == "selector") || (len(at) == 1 && at[0] == "template" && k == "metadata") {
				continue
			}
			collectLeaves(sub, ft, append(slices.Clone(at), k), out)
		}
	case reflect.Slice:
		elem := t.Elem()
		for elem.Kind() == reflect.Pointer {
			elem = elem.Elem()
		}
		l, ok := v.([]any)
		if !ok || elem.Kind() != reflect.Struct {
			return
		}
		for i, e := range l {
			collectLeaves(e, elem, append(slices.Clone(at), i), out)
		}
	case reflect.Map:
	default:
		*out = append(*out, at)
	}
}

// jsonFields maps the JSON names of a struct's fields, inlined ones included, to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if strings.Contains(opts, "inline") || (f.Anonymous && name == "") {
			for k, v := range jsonFields(f.Type) {
				out[k] = v
			}
			continue
		}
		if name != "" && name != "-" {
			out[name] = f.Type
		}
	}
	return out
}

func (p fieldPath) get(obj any) (any, bool) {
	cur := obj
	for _, s := range p {
		switch k := s.(type) {
		case string:
			m, ok := cur.(map[string]any)
			if !ok {
				return nil, false
			}
			if cur, ok = m[k]; !ok {
				return nil, false
			}
		case int:
			l, ok := cur.([]any)
			if !ok || k >= len(l) {
				return nil, false
			}
			cur = l[k]
		}
	}
	return cur, true
}

// delete removes the field, and the objects it leaves empty up to the nearest list element.
func (p fieldPath) delete(obj map[string]any) {
	if len(p) == 0 {
		return
	}
	parent, ok := p[:len(p)-1].get(obj)
	m, isMap := parent.(map[string]any)
	key, isKey := p[len(p)-1].(string)
	if !ok || !isMap || !isKey {
		return
	}
	delete(m, key)
	if len(m) == 0 && len(p) > 1 {
		if _, inList := p[len(p)-2].(int); !inList {
			p[:len(p)-1].delete(obj)
		}
	}
}

// within tells whether p is q or under it.
func (p fieldPath) within(q fieldPath) bool {
	return len(p) >= len(q) && reflect.DeepEqual([]any(p[:len(q)]), []any(q))
}

var causeStep = regexp.MustCompile(`^([A-Za-z0-9_]+)((?:\[[0-9]+\])*)$`)

// causeFields are the spec fields an invalid object's error names.
func causeFields(err error) []fieldPath {
	var status apierrors.APIStatus
	if !apierrors.IsInvalid(err) || !errors.As(err, &status) || status.Status().Details == nil {
		return nil
	}
	var out []fieldPath
	for _, c := range status.Status().Details.Causes {
		rest, ok := strings.CutPrefix(c.Field, "spec.")
		if !ok {
			continue
		}
		var p fieldPath
		for _, part := range strings.Split(rest, ".") {
			m := causeStep.FindStringSubmatch(part)
			if m == nil {
				break
			}
			p = append(p, m[1])
			for _, idx := range strings.Split(strings.Trim(m[2], "[]"), "][") {
				if i, err := strconv.Atoi(idx); err == nil {
					p = append(p, i)
				}
			}
		}
		if len(p) > 0 {
			out = append(out, p)
		}
	}
	return out
}

func deepCopyJSON(m map[string]any) map[string]any {
	raw, _ := json.Marshal(m)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return out
}
