package nodeops

import (
	"reflect"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

func TestIDRoundTrip(t *testing.T) {
	tests := []struct {
		id     string
		target Target
		items  []string
	}{
		{"k8s-01:logger,team", Target{NodeName: "k8s-01"}, []string{"logger", "team"}},
		{"k8s-01:gpu:NoExecute,gpu:NoSchedule", Target{NodeName: "k8s-01"}, []string{"gpu:NoExecute", "gpu:NoSchedule"}},
		{"label_selector:fleet=blue,zone in (a,b):logger", Target{Selector: "fleet=blue,zone in (a,b)"}, []string{"logger"}},
		{"label_selector:pool=gpu:example.com/gpu:NoSchedule", Target{Selector: "pool=gpu"}, []string{"example.com/gpu:NoSchedule"}},
	}
	for _, test := range tests {
		target, items, err := ParseID(test.id)
		if err != nil || target != test.target || !reflect.DeepEqual(items, test.items) {
			t.Errorf("ParseID(%q) = %+v %v %v", test.id, target, items, err)
		}
		if got := FormatID(test.target, test.items); got != test.id {
			t.Errorf("FormatID = %q, want %q", got, test.id)
		}
	}
}

func TestParseIDErrors(t *testing.T) {
	for id, want := range map[string]string{
		"k8s-01":                "no ':' after the node name",
		"K8S_01:logger":         "is not a node name",
		"k8s-01:":               "lists nothing to import",
		"label_selector:a=b":    "no ':' after the label selector",
		"label_selector::x":     "empty label selector",
		"label_selector:a in(:": "invalid label selector",
	} {
		if _, _, err := ParseID(id); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseID(%q) error %v, want %q", id, err, want)
		}
	}
}

func TestResolve(t *testing.T) {
	mk := func(name string, labels map[string]string) *corev1.Node {
		n := &corev1.Node{}
		n.Name, n.Labels = name, labels
		return n
	}
	nodes := []*corev1.Node{mk("b", map[string]string{"fleet": "x"}), mk("a", map[string]string{"fleet": "x"}), mk("c", nil)}
	if got, ok, _ := (Target{Selector: "fleet=x"}).Resolve(nodes); !ok || !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("selector: %v", got)
	}
	if got, ok, _ := (Target{Selector: "fleet=none"}).Resolve(nodes); !ok || got == nil || len(got) != 0 {
		t.Errorf("selector matching nothing: %v", got)
	}
	if got, ok, _ := (Target{NodeName: "ghost"}).Resolve(nodes); ok || !reflect.DeepEqual(got, []string{"ghost"}) {
		t.Errorf("missing node: %v %t", got, ok)
	}
}
