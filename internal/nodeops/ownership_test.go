package nodeops

import (
	"reflect"
	"testing"
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
	o := Ownership{"b": {"x"}, "a": {"y"}, "c": nil}
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
