package kubeschema

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// Options tunes how a Go type is turned into a schema.
type Options struct {
	// Fields to leave out, by Go type and json name, e.g. corev1.PodSpec "ephemeralContainers" (the API forbids them in a template).
	// The type is the struct that declares the field, so a field of an inline
	// struct (corev1.VolumeSource inside corev1.Volume) is keyed by the inline struct.
	Skip map[reflect.Type][]string
	// Types replaced by a custom attribute set, e.g. metav1.ObjectMeta inside a pod template -> only "labels" and "annotations".
	// Empty means metav1.ObjectMeta is derived whole.
	ObjectMetaFields []string
}

// key identifies the options in the derivation cache; Options itself holds a
// map and a slice, so it cannot be a map key.
func (o Options) key() string {
	var parts []string
	for t, names := range o.Skip {
		for _, n := range names {
			parts = append(parts, typeName(t)+"."+n)
		}
	}
	slices.Sort(parts)
	meta := slices.Clone(o.ObjectMetaFields)
	slices.Sort(meta)
	return strings.Join(parts, ",") + "|" + strings.Join(meta, ",")
}

// check panics on a name that matches no json field, so a typo or a field
// renamed by a k8s.io/api bump cannot silently stop taking effect.
func (o Options) check() {
	for t, names := range o.Skip {
		for _, n := range names {
			if !hasJSONField(t, n) {
				panic(fmt.Sprintf("kubeschema: Options.Skip names %q, which %s does not have", n, t))
			}
		}
	}
	for _, n := range o.ObjectMetaFields {
		if !hasJSONField(objectMetaGoType, n) {
			panic(fmt.Sprintf("kubeschema: Options.ObjectMetaFields names %q, which metav1.ObjectMeta does not have", n))
		}
	}
}

func hasJSONField(t reflect.Type, jsonName string) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return false
	}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name == jsonName || (name == "" && t.Field(i).Name == jsonName) {
			return true
		}
	}
	return false
}

func (o Options) skips(t reflect.Type, jsonName string) bool {
	return slices.Contains(o.Skip[t], jsonName)
}

// typeName is unique across packages, unlike reflect.Type.String.
func typeName(t reflect.Type) string {
	if t.Name() == "" {
		return t.String()
	}
	return t.PkgPath() + "." + t.Name()
}
