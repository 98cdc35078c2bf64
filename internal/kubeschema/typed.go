package kubeschema

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"
)

// CheckError is a value of a Kubernetes JSON document that its Go type would reject or
// silently ignore, at Path in the document's own field names
// (spec.template.spec.containers[0].imagePullPolicy).
type CheckError struct {
	Path string
	Rule string
}

func (e *CheckError) Error() string {
	if e.Path == "" {
		return e.Rule
	}
	return e.Path + ": " + e.Rule
}

// CheckJSON reports the first value of raw (decoded with json.Decoder.UseNumber) that
// decoding into type t would reject or drop: a field t does not have, a value of the wrong
// JSON type, an integer out of range, a quantity that does not parse. Keys are checked in
// sorted order so that the error is the same on every run.
func CheckJSON(raw any, t reflect.Type) *CheckError {
	return check(raw, t, "")
}

func check(raw any, t reflect.Type, at string) *CheckError {
	if raw == nil {
		return nil // null is absent, for every type
	}
	t = deref(t)
	switch t {
	case quantityGoType:
		s, err := scalarText(raw)
		if err != nil {
			return wrong(at, "a quantity (a string such as 100m or 1Gi)", raw)
		}
		if _, err := resource.ParseQuantity(s); err != nil {
			return &CheckError{at, fmt.Sprintf("%q is not a quantity (such as 100m, 0.5 or 1Gi)", s)}
		}
		return nil
	case intOrStringGoType:
		if _, ok := raw.(string); ok {
			return nil
		}
		if n, ok := raw.(json.Number); ok && isInt(n, 32) {
			return nil
		}
		return wrong(at, "an integer or a string", raw)
	case timeGoType, microTimeGoType:
		s, ok := raw.(string)
		if !ok {
			return wrong(at, "a time in RFC 3339 form", raw)
		}
		if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
			return &CheckError{at, fmt.Sprintf("%q is not a time in RFC 3339 form", s)}
		}
		return nil
	}
	if ownJSON(t) {
		return nil // a type with its own decoding, none in a DaemonSet's fields today
	}
	switch t.Kind() {
	case reflect.String:
		if _, ok := raw.(string); !ok {
			return wrong(at, "a string", raw)
		}
	case reflect.Bool:
		if _, ok := raw.(bool); !ok {
			return wrong(at, "a boolean", raw)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := raw.(json.Number)
		if !ok {
			return wrong(at, "an integer", raw)
		}
		if !isInt(n, t.Bits()) {
			return &CheckError{at, fmt.Sprintf("%s is not an integer of %d bits", n, t.Bits())}
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := raw.(json.Number)
		if _, err := strconv.ParseUint(string(n), 10, t.Bits()); !ok || err != nil {
			return wrong(at, "a non-negative integer", raw)
		}
	case reflect.Float32, reflect.Float64:
		if _, ok := raw.(json.Number); !ok {
			return wrong(at, "a number", raw)
		}
	case reflect.Slice:
		return checkSlice(raw, t, at)
	case reflect.Map:
		m, ok := raw.(map[string]any)
		if !ok {
			return wrong(at, "an object", raw)
		}
		for _, key := range sortedKeys(m) {
			if err := check(m[key], t.Elem(), fmt.Sprintf("%s[%q]", at, key)); err != nil {
				return err
			}
		}
	case reflect.Struct:
		m, ok := raw.(map[string]any)
		if !ok {
			return wrong(at, "an object", raw)
		}
		fields := jsonFields(t)
		for _, key := range sortedKeys(m) {
			ft, known := fields[key]
			if !known {
				return &CheckError{joinPath(at, key), "unknown field"}
			}
			if err := check(m[key], ft, joinPath(at, key)); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkSlice(raw any, t reflect.Type, at string) *CheckError {
	if t.Elem().Kind() == reflect.Uint8 {
		s, ok := raw.(string)
		if !ok {
			return wrong(at, "base64 text", raw)
		}
		if _, err := base64.StdEncoding.DecodeString(s); err != nil {
			return &CheckError{at, "not base64 text"}
		}
		return nil
	}
	items, ok := raw.([]any)
	if !ok {
		return wrong(at, "a list", raw)
	}
	for i, item := range items {
		if err := check(item, t.Elem(), fmt.Sprintf("%s[%d]", at, i)); err != nil {
			return err
		}
	}
	return nil
}

func wrong(at, want string, raw any) *CheckError {
	return &CheckError{at, fmt.Sprintf("expected %s, got %s", want, jsonKind(raw))}
}

func jsonKind(raw any) string {
	switch x := raw.(type) {
	case string:
		return fmt.Sprintf("the string %q", x)
	case json.Number:
		return "the number " + string(x)
	case bool:
		return "the boolean " + strconv.FormatBool(x)
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", raw)
}

func scalarText(raw any) (string, error) {
	switch x := raw.(type) {
	case string:
		return x, nil
	case json.Number:
		return string(x), nil
	}
	return "", fmt.Errorf("not a scalar")
}

// isInt follows encoding/json, whose integer fields take only integer literals (not 1e3).
func isInt(n json.Number, bits int) bool {
	_, err := strconv.ParseInt(string(n), 10, bits)
	return err == nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

func ownJSON(t reflect.Type) bool {
	return t.Implements(jsonMarshalerType) || reflect.PointerTo(t).Implements(jsonMarshalerType)
}

var fieldCache sync.Map // reflect.Type -> map[string]reflect.Type

// jsonFields maps the JSON names of struct t's fields to their types, flattening embedded
// and ",inline" structs as encoding/json does.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	if cached, ok := fieldCache.Load(t); ok {
		return cached.(map[string]reflect.Type) //nolint:forcetypeassert // only this function stores
	}
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" && opts == "" {
			continue
		}
		if f.Anonymous && name == "" && deref(f.Type).Kind() == reflect.Struct {
			for k, v := range jsonFields(deref(f.Type)) {
				out[k] = v
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	fieldCache.Store(t, out)
	return out
}
