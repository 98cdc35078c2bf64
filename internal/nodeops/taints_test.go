package nodeops

import (
	"reflect"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/taintid"
)

func taint(key, value string, effect corev1.TaintEffect) corev1.Taint {
	return corev1.Taint{Key: key, Value: value, Effect: effect}
}

const (
	noSchedule = corev1.TaintEffectNoSchedule
	noExecute  = corev1.TaintEffectNoExecute
	prefer     = corev1.TaintEffectPreferNoSchedule
)

func TestMergeTaints(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	master := taint("node-role.kubernetes.io/master", "", noSchedule)
	gpuNS := taint("gpu", "true", noSchedule)
	gpuNE := taint("gpu", "true", noExecute)
	id := func(t corev1.Taint) taintid.ID { return taintid.Of(t) }
	tests := []struct {
		name        string
		live        []corev1.Taint
		owned       []taintid.ID
		want        []corev1.Taint
		wantTaints  []corev1.Taint // nil: no write
		wantForeign []corev1.Taint
	}{
		{"add both effects of one key", []corev1.Taint{master}, nil, []corev1.Taint{gpuNS, gpuNE},
			[]corev1.Taint{master, gpuNS, gpuNE}, nil},
		{"already there: no write", []corev1.Taint{master, gpuNS}, []taintid.ID{id(gpuNS)}, []corev1.Taint{gpuNS}, nil, nil},
		{"value changes in place", []corev1.Taint{gpuNS, master}, []taintid.ID{id(gpuNS)}, []corev1.Taint{taint("gpu", "false", noSchedule)},
			[]corev1.Taint{taint("gpu", "false", noSchedule), master}, nil},
		{"remove ours, keep theirs", []corev1.Taint{master, gpuNS, gpuNE}, []taintid.ID{id(gpuNS), id(gpuNE)}, []corev1.Taint{gpuNE},
			[]corev1.Taint{master, gpuNE}, nil},
		{"clear everything of ours", []corev1.Taint{gpuNS, master}, []taintid.ID{id(gpuNS)}, nil, []corev1.Taint{master}, nil},
		{"same key and effect set by someone else", []corev1.Taint{taint("gpu", "other", noSchedule)}, nil, []corev1.Taint{gpuNS},
			[]corev1.Taint{gpuNS}, []corev1.Taint{taint("gpu", "other", noSchedule)}},
		{"same key, other effect is not a conflict", []corev1.Taint{gpuNE}, nil, []corev1.Taint{gpuNS},
			[]corev1.Taint{gpuNE, gpuNS}, []corev1.Taint{gpuNE}[:0]},
		{"an identical foreign taint is still foreign", []corev1.Taint{gpuNS}, nil, []corev1.Taint{gpuNS}, nil, []corev1.Taint{gpuNS}},
		{"a removed taint of ours that is gone needs nothing", []corev1.Taint{master}, []taintid.ID{id(gpuNS)}, nil, nil, nil},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			got := MergeTaints(test.live, test.owned, test.want, now)
			for i := range got.Taints {
				if got.Taints[i].Effect == noExecute && got.Taints[i].TimeAdded != nil {
					got.Taints[i].TimeAdded = nil
				}
			}
			if !reflect.DeepEqual(got.Taints, test.wantTaints) {
				t.Errorf("taints:\n got %v\nwant %v", got.Taints, test.wantTaints)
			}
			if len(got.Foreign) != len(test.wantForeign) || (len(got.Foreign) > 0 && !reflect.DeepEqual(got.Foreign, test.wantForeign)) {
				t.Errorf("foreign: got %v, want %v", got.Foreign, test.wantForeign)
			}
		})
	}
}

func TestMergeTaintsStampsNewNoExecute(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	got := MergeTaints(nil, nil, []corev1.Taint{taint("a", "", noExecute), taint("b", "", noSchedule)}, now)
	if got.Taints[0].TimeAdded == nil || !got.Taints[0].TimeAdded.Time.Equal(now) || got.Taints[1].TimeAdded != nil {
		t.Errorf("TimeAdded: %+v", got.Taints)
	}
	if want := []taintid.ID{{Key: "a", Effect: noExecute}, {Key: "b", Effect: noSchedule}}; !reflect.DeepEqual(got.Owned, want) {
		t.Errorf("owned: got %v, want %v", got.Owned, want)
	}
}
