package samerun

import (
	"encoding/json"
	"fmt"
	"slices"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodetable"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/placement"
)

// DaemonSetPlacement is what the impact of a node change reads of one DaemonSet: its
// "namespace/name", the fields of its pod template that decide placement, and the nodes where
// a pod runs although that template would not place one (kept under a later NoSchedule
// taint, say), which nothing can start a pod on.
type DaemonSetPlacement struct {
	Name string
	Spec corev1.PodSpec
	Kept []string
}

// Placements reduces DaemonSets to what decides their placement.
func Placements(dss []appsv1.DaemonSet) []DaemonSetPlacement {
	out := make([]DaemonSetPlacement, len(dss))
	for i := range dss {
		spec := &dss[i].Spec.Template.Spec
		p := corev1.PodSpec{NodeName: spec.NodeName, NodeSelector: spec.NodeSelector, Tolerations: spec.Tolerations, HostNetwork: spec.HostNetwork}
		if a := spec.Affinity; a != nil && a.NodeAffinity != nil && a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution != nil {
			p.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
				RequiredDuringSchedulingIgnoredDuringExecution: a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution,
			}}
		}
		out[i] = DaemonSetPlacement{Name: dss[i].Namespace + "/" + dss[i].Name, Spec: p}
	}
	return out
}

// Kept returns, sorted, the nodes of pods where spec would not place a pod: pods the
// controller keeps (an untolerated NoSchedule taint added after they started) until a
// rollout replaces them. find looks a node up; a pod on a node it does not know is left out.
func Kept(spec *corev1.PodSpec, pods map[string]bool, find func(string) *corev1.Node, comparisonOperators bool) []string {
	t := placement.Compile(spec, placement.Options{ComparisonOperators: comparisonOperators})
	var kept []string
	for name := range pods {
		if n := find(name); n != nil && !t.Evaluate(n).ShouldRun {
			kept = append(kept, name)
		}
	}
	slices.Sort(kept)
	return kept
}

// Desired is the controller's desired count for spec on nodes.
func Desired(spec *corev1.PodSpec, nodes []*corev1.Node, comparisonOperators bool) int {
	return placement.Compile(spec, placement.Options{ComparisonOperators: comparisonOperators}).Predict(nodes).Count()
}

// placementTable is the packed layout of DaemonSet placements: DaemonSets with the same
// placement fields (most agents tolerate everything and select nothing) share one entry.
type placementTable struct {
	Names []string            `json:"names"`
	Index []int               `json:"ix"`
	Specs []json.RawMessage   `json:"specs"`
	Kept  map[string][]string `json:"kept,omitempty"` // by name; a table without it keeps nothing
}

// PackPlacements encodes placements compactly (nodetable.Pack of the table).
func PackPlacements(dss []DaemonSetPlacement) (string, error) {
	t := placementTable{Names: make([]string, len(dss)), Index: make([]int, len(dss)), Specs: []json.RawMessage{}}
	seen := map[string]int{}
	for i := range dss {
		raw, err := json.Marshal(&dss[i].Spec)
		if err != nil {
			return "", err
		}
		j, ok := seen[string(raw)]
		if !ok {
			j = len(t.Specs)
			seen[string(raw)] = j
			t.Specs = append(t.Specs, raw)
		}
		t.Names[i], t.Index[i] = dss[i].Name, j
		if len(dss[i].Kept) > 0 {
			if t.Kept == nil {
				t.Kept = map[string][]string{}
			}
			t.Kept[dss[i].Name] = dss[i].Kept
		}
	}
	return nodetable.Pack(t)
}

// UnpackPlacements reads what PackPlacements wrote.
func UnpackPlacements(raw string) ([]DaemonSetPlacement, error) {
	var t placementTable
	if err := nodetable.Unpack(raw, &t); err != nil {
		return nil, err
	}
	if len(t.Index) != len(t.Names) {
		return nil, fmt.Errorf("placement table has %d names and %d indexes", len(t.Names), len(t.Index))
	}
	specs := make([]corev1.PodSpec, len(t.Specs))
	for i, raw := range t.Specs {
		if err := json.Unmarshal(raw, &specs[i]); err != nil {
			return nil, err
		}
	}
	out := make([]DaemonSetPlacement, len(t.Names))
	for i, name := range t.Names {
		if t.Index[i] < 0 || t.Index[i] >= len(specs) {
			return nil, fmt.Errorf("DaemonSet %s refers to a missing placement", name)
		}
		out[i] = DaemonSetPlacement{Name: name, Spec: specs[t.Index[i]], Kept: t.Kept[name]}
	}
	return out, nil
}
