package kubeschema

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// FromTyped leaves out the empty objects of unset non-pointer structs and keeps the empty
// objects of pointers the value set (emptyDir: {}).
func TestFromTyped_unsetStructs(t *testing.T) {
	opts := daemonSetOptions()
	spec := fluentdSpec()
	spec.UpdateStrategy = appsv1.DaemonSetUpdateStrategy{}
	spec.Template.Spec.Containers[0].Resources = corev1.ResourceRequirements{}
	spec.Template.Spec.Volumes = append(spec.Template.Spec.Volumes,
		corev1.Volume{Name: "scratch", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}})
	obj, err := FromTyped(spec, opts)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ToKube(obj, daemonSetSpecType, opts)
	if err != nil {
		t.Fatal(err)
	}
	text, err := json.Marshal(back)
	if err != nil {
		t.Fatal(err)
	}
	for _, unset := range []string{`"updateStrategy"`, `"resources"`} {
		if strings.Contains(string(text), unset) {
			t.Errorf("%s kept: %s", unset, text)
		}
	}
	if !strings.Contains(string(text), `"emptyDir":{}`) {
		t.Errorf("emptyDir: {} dropped: %s", text)
	}
	// The typed value is the same either way.
	var decoded appsv1.DaemonSetSpec
	if err := json.Unmarshal(text, &decoded); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(decoded, spec) {
		t.Errorf("round trip changed the spec:\n got %+v\nwant %+v", decoded, spec)
	}
}

func TestCheckJSON(t *testing.T) {
	var raw any
	if err := json.Unmarshal([]byte(`{"template":{"spec":{"containers":[{"name":"a","ports":[{"containerPort":70000000000}]}]}}}`), &raw); err != nil {
		t.Fatal(err)
	}
	// Numbers from json.Unmarshal without UseNumber are float64: not what CheckJSON takes.
	if err := CheckJSON(raw, daemonSetSpecType); err == nil {
		t.Fatal("float64 numbers accepted")
	}
	dec := json.NewDecoder(strings.NewReader(`{"template":{"spec":{"containers":[{"name":"a","ports":[{"containerPort":70000000000}]}]}}}`))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		t.Fatal(err)
	}
	err := CheckJSON(raw, daemonSetSpecType)
	if err == nil || err.Error() != "template.spec.containers[0].ports[0].containerPort: 70000000000 is not an integer of 32 bits" {
		t.Fatalf("error %v", err)
	}
}
