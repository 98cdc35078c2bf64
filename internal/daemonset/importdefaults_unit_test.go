package daemonset

import (
	"fmt"
	"reflect"
	"sort"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

func TestCollectLeaves(t *testing.T) {
	spec := map[string]any{
		"selector":             map[string]any{"matchLabels": map[string]any{"name": "a"}},
		"revisionHistoryLimit": 10.0,
		"updateStrategy":       map[string]any{"type": "RollingUpdate", "rollingUpdate": map[string]any{"maxUnavailable": 1.0}},
		"template": map[string]any{
			"metadata": map[string]any{"labels": map[string]any{"name": "a"}},
			"spec": map[string]any{
				"securityContext": map[string]any{},
				"nodeSelector":    map[string]any{"disk": "ssd"},
				"containers":      []any{map[string]any{"name": "c", "args": []any{"x"}}},
			},
		},
	}
	var got []string
	var leaves []fieldPath
	collectLeaves(spec, reflect.TypeOf(appsv1.DaemonSetSpec{}), nil, &leaves)
	for _, p := range leaves {
		got = append(got, fmt.Sprint(p))
	}
	sort.Strings(got)
	want := []string{"[revisionHistoryLimit]", "[template spec containers 0 name]", "[template spec securityContext]",
		"[updateStrategy rollingUpdate maxUnavailable]", "[updateStrategy type]"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("leaves %v, want %v", got, want)
	}

	fieldPath{"updateStrategy", "rollingUpdate", "maxUnavailable"}.delete(spec)
	fieldPath{"updateStrategy", "type"}.delete(spec)
	if _, ok := spec["updateStrategy"]; ok {
		t.Errorf("an object left empty stays: %v", spec["updateStrategy"])
	}
	fieldPath{"template", "spec", "containers", 0, "name"}.delete(spec)
	if c, _ := (fieldPath{"template", "spec", "containers", 0}).get(spec); c == nil {
		t.Error("a list element left empty is removed")
	}
}

func TestCauseFields(t *testing.T) {
	err := apierrors.NewInvalid(schema.GroupKind{Group: "apps", Kind: "DaemonSet"}, "x", field.ErrorList{
		field.Required(field.NewPath("spec", "template", "spec", "containers").Index(0).Child("image"), ""),
		field.Invalid(field.NewPath("metadata", "name"), "x", ""),
	})
	got := causeFields(err)
	if len(got) != 1 || fmt.Sprint(got[0]) != "[template spec containers 0 image]" {
		t.Errorf("cause fields %v", got)
	}
	if !(fieldPath{"template", "spec", "containers", 0, "image"}).within(got[0]) || (fieldPath{"template"}).within(got[0]) {
		t.Error("within")
	}
}
