package daemonsetpatch

import (
	"bytes"
	"encoding/json"
	"fmt"

	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"
	"sigs.k8s.io/structured-merge-diff/v6/value"
)

// The managedFields of an object name its fields by structured-merge-diff paths: a field
// name, a list item by its key fields (a container by name), a set item by value. These
// functions read and write the value at such a path in an object as Kubernetes JSON.

// valueAt is the value at p in obj; false when there is none.
func valueAt(obj map[string]any, p fieldpath.Path) (any, bool) {
	var cur any = obj
	for _, pe := range p {
		next, ok := child(cur, pe)
		if !ok {
			return nil, false
		}
		cur = next
	}
	return cur, true
}

func child(cur any, pe fieldpath.PathElement) (any, bool) {
	switch {
	case pe.FieldName != nil:
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		v, ok := m[*pe.FieldName]
		return v, ok
	case pe.Key != nil, pe.Value != nil:
		list, _ := cur.([]any)
		if i := itemIndex(list, pe); i >= 0 {
			return list[i], true
		}
	case pe.Index != nil:
		list, _ := cur.([]any)
		if *pe.Index < len(list) {
			return list[*pe.Index], true
		}
	}
	return nil, false
}

// itemIndex finds the item of an associative list (by its keys) or of a set (by value); -1
// when it is not there.
func itemIndex(list []any, pe fieldpath.PathElement) int {
	for i, item := range list {
		if pe.Value != nil {
			if value.Equals(value.NewValueInterface(item), *pe.Value) {
				return i
			}
			continue
		}
		m, ok := item.(map[string]any)
		if ok && matchesKey(m, *pe.Key) {
			return i
		}
	}
	return -1
}

func matchesKey(item map[string]any, key value.FieldList) bool {
	for _, f := range key {
		v, ok := item[f.Name]
		if !ok || !value.Equals(value.NewValueInterface(v), f.Value) {
			return false
		}
	}
	return true
}

// setAt writes v at p in obj, making the maps and list items (with their key fields) on the
// way, as an apply body names a field.
func setAt(obj map[string]any, p fieldpath.Path, v any) error {
	if len(p) == 0 {
		return fmt.Errorf("empty path")
	}
	var parent any = obj
	put := func(any) {}
	for i, pe := range p {
		last := i == len(p)-1
		switch {
		case pe.FieldName != nil:
			m, ok := parent.(map[string]any)
			if !ok {
				return fmt.Errorf("%s: not an object", p)
			}
			if last {
				m[*pe.FieldName] = v
				return nil
			}
			next, exists := m[*pe.FieldName]
			if !exists {
				next = emptyFor(p[i+1])
				m[*pe.FieldName] = next
			}
			name := *pe.FieldName
			put = func(updated any) { m[name] = updated }
			parent = next
		case pe.Key != nil:
			list, _ := parent.([]any)
			idx := itemIndex(list, pe)
			if idx < 0 {
				item := map[string]any{}
				for _, f := range *pe.Key {
					item[f.Name] = f.Value.Unstructured()
				}
				list = append(list, item)
				idx = len(list) - 1
				put(list)
			}
			if last {
				list[idx] = v
				put(list)
				return nil
			}
			parent, put = list[idx], func(any) {}
		case pe.Value != nil:
			list, _ := parent.([]any)
			if itemIndex(list, pe) < 0 {
				put(append(list, (*pe.Value).Unstructured()))
			}
			return nil
		default:
			return fmt.Errorf("%s: a list item by position cannot be written back", p)
		}
	}
	return nil
}

func emptyFor(next fieldpath.PathElement) any {
	if next.FieldName != nil {
		return map[string]any{}
	}
	return []any{}
}

// sameJSON compares two values as their JSON, so numbers decoded as float64 and int64 agree.
func sameJSON(a, b any) bool {
	x, errX := json.Marshal(a)
	y, errY := json.Marshal(b)
	return errX == nil && errY == nil && bytes.Equal(x, y)
}

// encodePath is one path as the JSON of a set that holds only it.
func encodePath(p fieldpath.Path) (string, error) {
	raw, err := fieldpath.NewSet(p).ToJSON()
	return string(raw), err
}

func decodePath(s string) (fieldpath.Path, error) {
	set := &fieldpath.Set{}
	if err := set.FromJSON(bytes.NewReader([]byte(s))); err != nil {
		return nil, err
	}
	var out fieldpath.Path
	set.Iterate(func(p fieldpath.Path) {
		if out == nil {
			out = p.Copy()
		}
	})
	if out == nil {
		return nil, fmt.Errorf("no path in %s", s)
	}
	return out, nil
}
