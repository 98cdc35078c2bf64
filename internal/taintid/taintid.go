// Package taintid says what a taint's identity is (key and effect, as kubectl sees it) and
// how taints and identities are written as text. Pure: no Terraform, no cluster.
package taintid

import (
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// ID is a taint's identity, as kubectl sees it: key and effect.
type ID struct {
	Key    string
	Effect corev1.TaintEffect
}

// String renders the identity as in import IDs: key:Effect.
func (id ID) String() string { return id.Key + ":" + string(id.Effect) }

// Of returns a taint's identity.
func Of(t corev1.Taint) ID { return ID{Key: t.Key, Effect: t.Effect} }

// Same reports whether two taints have one identity: key and effect, as kubectl.
func Same(a, b corev1.Taint) bool { return a.Key == b.Key && a.Effect == b.Effect }

// Parse reads key:Effect; ok is false when the text has no effect.
func Parse(s string) (ID, bool) {
	i := strings.LastIndex(s, ":")
	if i <= 0 || i == len(s)-1 {
		return ID{}, false
	}
	return ID{Key: s[:i], Effect: corev1.TaintEffect(s[i+1:])}, true
}

// Format renders a taint as kubectl does: key=value:Effect, or key:Effect.
func Format(t corev1.Taint) string {
	if t.Value == "" {
		return t.Key + ":" + string(t.Effect)
	}
	return t.Key + "=" + t.Value + ":" + string(t.Effect)
}

// Compare orders identities by key, then effect.
func Compare(a, b ID) int {
	if c := strings.Compare(a.Key, b.Key); c != 0 {
		return c
	}
	return strings.Compare(string(a.Effect), string(b.Effect))
}

// Sort sorts identities by key, then effect.
func Sort(ids []ID) { slices.SortFunc(ids, Compare) }
