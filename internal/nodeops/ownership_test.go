package nodeops

import (
	"context"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestAggregate(t *testing.T) {
	prior := map[string]string{"logger": "fluentd", "team": "a"}
	all := []string{"n1", "n2", "n3"}
	tests := []struct {
		name     string
		observed map[string]map[string]string
		nodes    []string
		want     map[string]string
	}{
		{"every node in line", map[string]map[string]string{
			"n1": {"logger": "fluentd", "team": "a"}, "n2": {"logger": "fluentd", "team": "a"}, "n3": {"logger": "fluentd", "team": "a"},
		}, all, prior},
		{"missing on one node: left out so the plan adds it", map[string]map[string]string{
			"n1": {"logger": "fluentd", "team": "a"}, "n2": {"team": "a"}, "n3": {"logger": "fluentd", "team": "a"},
		}, all, map[string]string{"team": "a"}},
		{"another value on one node is reported", map[string]map[string]string{
			"n1": {"logger": "fluentd", "team": "a"}, "n2": {"logger": "vector", "team": "a"}, "n3": {"logger": "fluentd", "team": "a"},
		}, all, map[string]string{"logger": "vector", "team": "a"}},
		{"an extra owned key is reported", map[string]map[string]string{
			"n1": {"logger": "fluentd", "team": "a", "old": "x"},
		}, []string{"n1"}, map[string]string{"logger": "fluentd", "team": "a", "old": "x"}},
		{"no nodes left: prior", nil, nil, prior},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			if got := Aggregate(prior, test.observed, test.nodes); !reflect.DeepEqual(got, test.want) {
				t.Errorf("got %v, want %v", got, test.want)
			}
		})
	}
}

func TestOwnershipNodesAndUnion(t *testing.T) {
	o := Ownership{"b": {Items: []string{"x"}}, "a": {Items: []string{"y"}}, "c": {}}
	if got := o.Nodes(); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("Nodes: %v", got)
	}
	if got := Union([]string{"b", "a"}, []string{"c", "a"}); !reflect.DeepEqual(got, []string{"a", "b", "c"}) {
		t.Errorf("Union: %v", got)
	}
	if got := Without([]string{"a", "b", "c"}, []string{"b"}); !reflect.DeepEqual(got, []string{"a", "c"}) {
		t.Errorf("Without: %v", got)
	}
}

// TestOwnershipByNodeObject: a record belongs to the node object it was made on; the layout
// written before uids were kept is still read, and counts for the node of that name.
func TestOwnershipByNodeObject(t *testing.T) {
	o, err := decodeOwnership([]byte(`{"n1":["gpu:NoSchedule"],"n2":{"uid":"u2","items":["logger"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	n1 := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n1", UID: "any"}}
	n2 := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n2", UID: "u2"}}
	again := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n2", UID: "u2-registered-again"}}
	if got := o.On(n1); !reflect.DeepEqual(got, []string{"gpu:NoSchedule"}) {
		t.Errorf("old layout: %v", got)
	}
	if got := o.On(n2); !reflect.DeepEqual(got, []string{"logger"}) {
		t.Errorf("same node: %v", got)
	}
	if got := o.On(again); got != nil {
		t.Errorf("a node registered again under the name owns %v of ours", got)
	}
}

// memPrivate is private state in memory.
type memPrivate map[string][]byte

func (m memPrivate) GetKey(_ context.Context, key string) ([]byte, diag.Diagnostics) {
	return m[key], nil
}

func (m memPrivate) SetKey(_ context.Context, key string, value []byte) diag.Diagnostics {
	m[key] = value
	return nil
}

// TestOwnershipKeepsMarks: the marks and the version survive a save and a load; marks of
// items no longer owned are dropped.
func TestOwnershipKeepsMarks(t *testing.T) {
	p := memPrivate{}
	o := Ownership{"n1": {UID: "u1", Items: []string{"own:NoSchedule"}, Version: "42",
		Marks: map[string]string{"own:NoSchedule": "value=ours", "gone:NoSchedule": "value=x"}}}
	if diags := o.Save(context.Background(), p); diags.HasError() {
		t.Fatal(diags)
	}
	got, diags := LoadOwnership(context.Background(), p)
	if diags.HasError() {
		t.Fatal(diags)
	}
	want := Owned{UID: "u1", Items: []string{"own:NoSchedule"}, Version: "42", Marks: map[string]string{"own:NoSchedule": "value=ours"}}
	if !reflect.DeepEqual(got["n1"], want) {
		t.Errorf("loaded %+v, want %+v", got["n1"], want)
	}
}
