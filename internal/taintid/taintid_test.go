package taintid

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
)

const (
	noSchedule = corev1.TaintEffectNoSchedule
	noExecute  = corev1.TaintEffectNoExecute
)

func TestParseTaintID(t *testing.T) {
	tests := map[string]ID{
		"gpu:NoSchedule":                     {"gpu", noSchedule},
		"example.com/dedicated:NoExecute":    {"example.com/dedicated", noExecute},
		"node.kubernetes.io/out-of-service:": {},
	}
	for in, want := range tests {
		got, ok := Parse(in)
		if got != want || ok != (want != ID{}) {
			t.Errorf("%q: got %v %t, want %v", in, got, ok, want)
		}
	}
}
