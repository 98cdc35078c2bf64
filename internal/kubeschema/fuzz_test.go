package kubeschema

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/randfill"
)

// TestRoundTripRandomSpecs fills every field of DaemonSetSpec at random, so a
// field the schema mis-maps fails here even if no hand-written case uses it.
func TestRoundTripRandomSpecs(t *testing.T) {
	opts := daemonSetOptions()
	for seed := range int64(30) {
		var original appsv1.DaemonSetSpec
		randomFiller(seed).Fill(&original)

		kube := kubeJSONNumbers(t, original)
		obj, err := FromKube(kube, daemonSetSpecType, opts)
		if err != nil {
			t.Fatalf("seed %d: FromKube: %v", seed, err)
		}
		back, err := ToKube(obj, daemonSetSpecType, opts)
		if err != nil {
			t.Fatalf("seed %d: ToKube: %v", seed, err)
		}
		if got, want := normalise(back), normalise(kube); !reflect.DeepEqual(got, want) {
			t.Fatalf("seed %d: round trip changed the JSON:\n got %v\nwant %v", seed, got, want)
		}
		var decoded appsv1.DaemonSetSpec
		b, _ := json.Marshal(back)
		if err := json.Unmarshal(b, &decoded); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if got, want := kubeJSONNumbers(t, decoded), kubeJSONNumbers(t, original); !reflect.DeepEqual(got, want) {
			t.Fatalf("seed %d: decoded spec differs", seed)
		}
	}
}

func randomFiller(seed int64) *randfill.Filler {
	return randfill.NewWithSeed(seed).NilChance(0.3).NumElements(1, 2).Funcs(
		func(q *resource.Quantity, c randfill.Continue) {
			*q = *resource.NewMilliQuantity(c.Int63n(1_000_000), resource.DecimalSI)
		},
		func(v *intstr.IntOrString, c randfill.Continue) {
			if c.Bool() {
				*v = intstr.FromInt32(c.Int31())
				return
			}
			// Integer text in a string form is the one case the schema cannot
			// keep apart: it goes to Kubernetes as a number.
			*v = intstr.FromString("p" + strconv.Itoa(c.Intn(100)) + "%")
		},
		func(m *metav1.ObjectMeta, c randfill.Continue) {
			c.Fill(&m.Labels)
			c.Fill(&m.Annotations)
		},
		func(s *corev1.PodSpec, c randfill.Continue) {
			c.FillNoCustom(s)
			s.EphemeralContainers = nil
		},
	)
}

// kubeJSONNumbers keeps int64 values exact, as a caller using UseNumber would.
func kubeJSONNumbers(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}
