package kubeschema

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	corev1 "k8s.io/api/core/v1"
)

var containerType = reflect.TypeOf(corev1.Container{})

func containerValue(t *testing.T, js string) types.Object {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(js), &m); err != nil {
		t.Fatal(err)
	}
	v, err := FromKube(m, containerType, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func rawJSON(t *testing.T, js string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(js), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestReconcile: the configuration's value is planned wherever the API server would store
// something else, and the prior value wherever it stores the same.
func TestReconcile(t *testing.T) {
	fieldRef := `{"name":"c","image":"a:1","env":[{"name":"N","valueFrom":{"fieldRef":{"fieldPath":"spec.nodeName"}}}]}`
	fieldRefStored := `{"name":"c","image":"a:1","env":[{"name":"N","valueFrom":{"fieldRef":{"apiVersion":"v1","fieldPath":"spec.nodeName"}}}]}`
	record := Records{{Sent: rawJSON(t, fieldRef), Stored: rawJSON(t, fieldRefStored)}}
	for _, tc := range []struct {
		name          string
		config, prior string
		rec           Records
		want          string // "prior", "config", or the JSON of a mixed value
	}{
		{"explicit false is absent", `{"name":"c","volumeMounts":[{"name":"v","mountPath":"/v","readOnly":false}]}`,
			`{"name":"c","volumeMounts":[{"name":"v","mountPath":"/v"}]}`, nil, "prior"},
		{"empty list is absent", `{"name":"c","args":[]}`, `{"name":"c"}`, nil, "prior"},
		{"quantity by meaning", `{"name":"c","resources":{"requests":{"cpu":"0.1"}}}`, `{"name":"c","resources":{"requests":{"cpu":"100m"}}}`, nil, "prior"},
		{"written non-default differs", `{"name":"c","volumeMounts":[{"name":"v","mountPath":"/v","readOnly":true}]}`,
			`{"name":"c","volumeMounts":[{"name":"v","mountPath":"/v"}]}`, nil, "config"},
		{"default without a record is a change", fieldRef, fieldRefStored, nil, "config"},
		{"default recorded at apply", fieldRef, fieldRefStored, record, "prior"},
		{"one field changes, the rest keeps the stored form",
			`{"name":"c","image":"a:2","env":[{"name":"N","valueFrom":{"fieldRef":{"fieldPath":"spec.nodeName"}}}]}`,
			fieldRefStored, record,
			`{"name":"c","image":"a:2","env":[{"name":"N","valueFrom":{"fieldRef":{"apiVersion":"v1","fieldPath":"spec.nodeName"}}}]}`},
		{"the live object is what was sent, stored", fieldRefStored, fieldRef,
			Records{{Sent: rawJSON(t, fieldRef), Stored: rawJSON(t, fieldRefStored)}}, "prior"},
		{"both sides stored as the same object", withPolicy(fieldRefStored, ""), fieldRef,
			Records{
				{Sent: rawJSON(t, withPolicy(fieldRefStored, "")), Stored: rawJSON(t, withPolicy(fieldRefStored, `,"imagePullPolicy":"IfNotPresent"`))},
				{Sent: rawJSON(t, fieldRef), Stored: rawJSON(t, withPolicy(fieldRefStored, `,"imagePullPolicy":"IfNotPresent"`))},
			}, "prior"},
		{"both sides stored, as different objects", withPolicy(fieldRefStored, `,"imagePullPolicy":"Always"`), fieldRef,
			Records{
				{Sent: rawJSON(t, withPolicy(fieldRefStored, `,"imagePullPolicy":"Always"`)), Stored: rawJSON(t, withPolicy(fieldRefStored, `,"imagePullPolicy":"Always"`))},
				{Sent: rawJSON(t, fieldRef), Stored: rawJSON(t, withPolicy(fieldRefStored, `,"imagePullPolicy":"IfNotPresent"`))},
			}, withPolicy(fieldRef, `,"imagePullPolicy":"Always"`)},
		{"drift on a recorded field shows", fieldRef,
			`{"name":"c","image":"a:1","env":[{"name":"N","valueFrom":{"fieldRef":{"apiVersion":"v1","fieldPath":"status.hostIP"}}}]}`, record,
			`{"name":"c","image":"a:1","env":[{"name":"N","valueFrom":{"fieldRef":{"fieldPath":"spec.nodeName"}}}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			config, prior := containerValue(t, tc.config), containerValue(t, tc.prior)
			got := Reconcile(config, prior, containerType, Options{}, tc.rec)
			var want attr.Value
			switch tc.want {
			case "prior":
				want = prior
			case "config":
				want = config
			default:
				want = containerValue(t, tc.want)
			}
			if !got.Equal(want) {
				t.Fatalf("got %v\nwant %v", got, want)
			}
		})
	}
}

// withPolicy puts extra JSON members after the image of a container's JSON.
func withPolicy(container, members string) string {
	return strings.Replace(container, `"image":"a:1"`, `"image":"a:1"`+members, 1)
}
