// Package samerun is the same-run prediction and the blast radius: the run-wide store of the
// node edits that k8sfleet_node_label and k8sfleet_node_taint plan, the overlay of those edits
// that a k8sfleet_daemonset planned after them in the same provider process predicts with, and
// the impact of such edits on the cluster's DaemonSets (daemonset_impact and the plan's
// warning). It is pure Go over Kubernetes types: the provider's client owns the one Store of a
// process, and callers pass in what they read from the cluster.
package samerun

import (
	"sort"
	"sync"

	corev1 "k8s.io/api/core/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/taintid"
)

// Edit is what one of our node_label or node_taint resources will do to a node.
type Edit struct {
	SetLabels    map[string]string
	RemoveLabels []string
	AddTaints    []corev1.Taint
	RemoveTaints []corev1.Taint
}

// Store remembers the node edits that node_label and node_taint plan in this run, so that a
// DaemonSet planned after them predicts with the labels and taints they will set.
type Store struct {
	mu      sync.Mutex
	planned map[string]map[string]Edit // owner -> node -> edit
	claims  map[string]string          // node and what -> owner
}

// NewStore returns an empty store.
func NewStore() *Store {
	return &Store{planned: map[string]map[string]Edit{}, claims: map[string]string{}}
}

// Claim records that owner holds what (a field manager, a taint) on the node alone, and
// returns the other owner that claimed it first in this run, or "".
func (s *Store) Claim(owner, node, what string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := node + "\x00" + what
	if other, ok := s.claims[key]; ok && other != owner {
		return other
	}
	s.claims[key] = owner
	return ""
}

// Record stores the edits one resource plans (owner identifies the resource); a new record
// for the same owner replaces the old one.
func (s *Store) Record(owner string, edits map[string]Edit) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(edits) == 0 {
		delete(s.planned, owner)
		return
	}
	s.planned[owner] = edits
}

// Has reports whether any node edit is recorded.
func (s *Store) Has() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.planned) > 0
}

// Overlay returns the nodes with every recorded edit applied; untouched nodes are shared.
func (s *Store) Overlay(nodes []*corev1.Node) []*corev1.Node {
	s.mu.Lock()
	owners := make([]string, 0, len(s.planned))
	for o := range s.planned {
		owners = append(owners, o)
	}
	sort.Strings(owners)
	perNode := map[string][]Edit{}
	for _, o := range owners {
		for node, e := range s.planned[o] {
			perNode[node] = append(perNode[node], e)
		}
	}
	s.mu.Unlock()
	if len(perNode) == 0 {
		return nodes
	}
	out := make([]*corev1.Node, len(nodes))
	for i, n := range nodes {
		edits, ok := perNode[n.Name]
		if !ok {
			out[i] = n
			continue
		}
		cp := n.DeepCopy()
		for _, e := range edits {
			e.ApplyTo(cp)
		}
		out[i] = cp
	}
	return out
}

// ApplyTo changes node in place.
func (e Edit) ApplyTo(node *corev1.Node) {
	if node.Labels == nil && len(e.SetLabels) > 0 {
		node.Labels = map[string]string{}
	}
	for _, k := range e.RemoveLabels {
		delete(node.Labels, k)
	}
	for k, v := range e.SetLabels {
		node.Labels[k] = v
	}
	drop := append(append([]corev1.Taint{}, e.RemoveTaints...), e.AddTaints...)
	kept := node.Spec.Taints[:0:0]
	for _, t := range node.Spec.Taints {
		if !containsTaint(drop, t) {
			kept = append(kept, t)
		}
	}
	node.Spec.Taints = append(kept, e.AddTaints...)
}

func containsTaint(ts []corev1.Taint, t corev1.Taint) bool {
	for _, x := range ts {
		if taintid.Same(x, t) {
			return true
		}
	}
	return false
}
