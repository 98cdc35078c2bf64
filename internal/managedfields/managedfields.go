// Package managedfields reads a node's managedFields: which field manager owns which label,
// what a manager applied, and which wanted labels another manager holds. Pure: no Terraform,
// no cluster.
package managedfields

import (
	"encoding/json"
	"slices"
	"sort"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// LabelOwner is a field manager that owns a label, as recorded in managedFields.
type LabelOwner struct {
	Manager   string
	Operation metav1.ManagedFieldsOperationType
}

// LabelOwners maps each label key of the node to the managers that own it (main resource
// only, not status). Server-side apply conflicts are computed from the same record.
func LabelOwners(node *corev1.Node) map[string][]LabelOwner {
	out := map[string][]LabelOwner{}
	for _, mf := range node.ManagedFields {
		if mf.Subresource != "" || mf.FieldsV1 == nil {
			continue
		}
		for _, key := range labelKeys(mf.FieldsV1.GetRawBytes()) {
			out[key] = append(out[key], LabelOwner{Manager: mf.Manager, Operation: mf.Operation})
		}
	}
	return out
}

// AppliedLabels returns the labels manager owns on the node through server-side apply, with
// their live values: what client-go's ExtractNode returns for labels, without converting the
// whole node.
func AppliedLabels(node *corev1.Node, manager string) map[string]string {
	out := map[string]string{}
	for key, owners := range LabelOwners(node) {
		v, ok := node.Labels[key]
		if ok && slices.Contains(owners, LabelOwner{Manager: manager, Operation: metav1.ManagedFieldsOperationApply}) {
			out[key] = v
		}
	}
	return out
}

// labelKeys reads {"f:metadata":{"f:labels":{"f:KEY":{}}}} out of a FieldsV1 set.
func labelKeys(raw []byte) []string {
	var set struct {
		Metadata struct {
			Labels map[string]json.RawMessage `json:"f:labels"`
		} `json:"f:metadata"`
	}
	if json.Unmarshal(raw, &set) != nil {
		return nil
	}
	var keys []string
	for k := range set.Metadata.Labels {
		if len(k) > 2 && k[:2] == "f:" {
			keys = append(keys, k[2:])
		}
	}
	sort.Strings(keys)
	return keys
}

// LabelConflict is a label that a server-side apply would refuse without force.
type LabelConflict struct {
	Key, Value, Live, Manager string
}

// LabelConflicts predicts the server's apply conflicts: a wanted label that the node has
// with another value and that a manager outside ours owns. Labels in adopted belong to
// this resource, so a foreign co-owner of one is no conflict.
func LabelConflicts(node *corev1.Node, want map[string]string, ours []string, adopted []string) []LabelConflict {
	owners := LabelOwners(node)
	var out []LabelConflict
	for _, key := range sortedKeys(want) {
		live, ok := node.Labels[key]
		if !ok || live == want[key] || slices.Contains(adopted, key) {
			continue
		}
		for _, o := range owners[key] {
			if !slices.Contains(ours, o.Manager) {
				out = append(out, LabelConflict{Key: key, Value: want[key], Live: live, Manager: o.Manager})
				break
			}
		}
	}
	return out
}

// ForeignLabels lists wanted labels that the node already has and that some manager
// outside ours owns, whatever the value: with force they become adopted.
func ForeignLabels(node *corev1.Node, want map[string]string, ours []string) []string {
	owners := LabelOwners(node)
	var out []string
	for _, key := range sortedKeys(want) {
		if _, ok := node.Labels[key]; !ok {
			continue
		}
		for _, o := range owners[key] {
			if !slices.Contains(ours, o.Manager) {
				out = append(out, key)
				break
			}
		}
	}
	return out
}

// SoleOwner reports whether manager is the only owner of the label.
func SoleOwner(node *corev1.Node, key, manager string) bool {
	owners := LabelOwners(node)[key]
	return len(owners) == 1 && owners[0].Manager == manager
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
