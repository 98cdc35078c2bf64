package managedfields

import (
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
)

func managed(manager string, op metav1.ManagedFieldsOperationType, fields string) metav1.ManagedFieldsEntry {
	return metav1.ManagedFieldsEntry{Manager: manager, Operation: op, FieldsType: "FieldsV1", FieldsV1: metav1.NewFieldsV1(fields)}
}

func labeledNode() *corev1.Node {
	n := &corev1.Node{}
	n.Name = "k8s-01"
	n.Labels = map[string]string{"kubernetes.io/hostname": "k8s-01", "logger": "fluentd", "team": "a", "shared": "yes"}
	n.ManagedFields = []metav1.ManagedFieldsEntry{
		managed("kubelet", metav1.ManagedFieldsOperationUpdate, `{"f:metadata":{"f:labels":{".":{},"f:kubernetes.io/hostname":{}}}}`),
		managed("kubectl-label", metav1.ManagedFieldsOperationUpdate, `{"f:metadata":{"f:labels":{"f:logger":{},"f:shared":{}}}}`),
		managed("k8sfleet-label-1", metav1.ManagedFieldsOperationApply, `{"f:metadata":{"f:labels":{"f:team":{},"f:shared":{}}}}`),
		managed("kwok", metav1.ManagedFieldsOperationUpdate, `{"f:status":{"f:conditions":{}}}`),
	}
	n.ManagedFields[3].Subresource = "status"
	return n
}

func TestLabelOwners(t *testing.T) {
	got := LabelOwners(labeledNode())
	want := map[string][]LabelOwner{
		"kubernetes.io/hostname": {{"kubelet", metav1.ManagedFieldsOperationUpdate}},
		"logger":                 {{"kubectl-label", metav1.ManagedFieldsOperationUpdate}},
		"shared":                 {{"kubectl-label", metav1.ManagedFieldsOperationUpdate}, {"k8sfleet-label-1", metav1.ManagedFieldsOperationApply}},
		"team":                   {{"k8sfleet-label-1", metav1.ManagedFieldsOperationApply}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	if !SoleOwner(labeledNode(), "team", "k8sfleet-label-1") || SoleOwner(labeledNode(), "shared", "k8sfleet-label-1") {
		t.Error("SoleOwner")
	}
}

func TestLabelConflicts(t *testing.T) {
	ours := []string{"k8sfleet-label-1"}
	tests := []struct {
		name      string
		want      map[string]string
		adopted   []string
		conflicts []LabelConflict
	}{
		{"same value as another manager: shared, no conflict", map[string]string{"logger": "fluentd"}, nil, nil},
		{"another value: conflict with its owner", map[string]string{"logger": "vector", "team": "b"}, nil,
			[]LabelConflict{{Key: "logger", Value: "vector", Live: "fluentd", Manager: "kubectl-label"}}},
		{"adopted: ours to change", map[string]string{"logger": "vector"}, []string{"logger"}, nil},
		{"new label: nobody owns it", map[string]string{"tier": "gold"}, nil, nil},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			if got := LabelConflicts(labeledNode(), test.want, ours, test.adopted); !reflect.DeepEqual(got, test.conflicts) {
				t.Errorf("got %+v, want %+v", got, test.conflicts)
			}
		})
	}
	if got := ForeignLabels(labeledNode(), map[string]string{"logger": "x", "team": "b", "shared": "yes", "tier": "g"}, ours); !reflect.DeepEqual(got, []string{"logger", "shared"}) {
		t.Errorf("ForeignLabels: %v", got)
	}
}

func TestAppliedLabelsMatchesExtractNode(t *testing.T) {
	node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{
		Name:   "n1",
		Labels: map[string]string{"a": "1", "b": "2", "c": "3"},
		ManagedFields: []metav1.ManagedFieldsEntry{
			{Manager: "k8sfleet-x", Operation: metav1.ManagedFieldsOperationApply, APIVersion: "v1", FieldsType: "FieldsV1",
				FieldsV1: metav1.NewFieldsV1(`{"f:metadata":{"f:labels":{"f:a":{},"f:gone":{}}}}`)},
			{Manager: "k8sfleet-x", Operation: metav1.ManagedFieldsOperationUpdate, APIVersion: "v1", FieldsType: "FieldsV1",
				FieldsV1: metav1.NewFieldsV1(`{"f:metadata":{"f:labels":{"f:b":{}}}}`)},
			{Manager: "other", Operation: metav1.ManagedFieldsOperationApply, APIVersion: "v1", FieldsType: "FieldsV1",
				FieldsV1: metav1.NewFieldsV1(`{"f:metadata":{"f:labels":{"f:c":{}}}}`)},
		},
	}}
	got := AppliedLabels(node, "k8sfleet-x")
	extracted, err := corev1ac.ExtractNode(node, "k8sfleet-x")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, map[string]string{"a": "1"}) || !reflect.DeepEqual(got, extracted.Labels) {
		t.Errorf("AppliedLabels %v, ExtractNode %v", got, extracted.Labels)
	}
}
