package nodeops

import (
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TaintID is a taint's identity, as kubectl sees it: key and effect.
type TaintID struct {
	Key    string
	Effect corev1.TaintEffect
}

// String renders the identity as in import IDs: key:Effect.
func (id TaintID) String() string { return id.Key + ":" + string(id.Effect) }

// IDOf returns a taint's identity.
func IDOf(t corev1.Taint) TaintID { return TaintID{Key: t.Key, Effect: t.Effect} }

// ParseTaintID reads key:Effect; ok is false when the text has no effect.
func ParseTaintID(s string) (TaintID, bool) {
	i := strings.LastIndex(s, ":")
	if i <= 0 || i == len(s)-1 {
		return TaintID{}, false
	}
	return TaintID{Key: s[:i], Effect: corev1.TaintEffect(s[i+1:])}, true
}

// conditionTaints are written and removed by the node lifecycle controller and the
// TaintNodesByCondition admission plugin; a resource managing one would flap forever.
var conditionTaints = []string{
	corev1.TaintNodeNotReady,
	corev1.TaintNodeUnreachable,
	corev1.TaintNodeUnschedulable,
	corev1.TaintNodeMemoryPressure,
	corev1.TaintNodeDiskPressure,
	corev1.TaintNodePIDPressure,
	corev1.TaintNodeNetworkUnavailable,
}

// IsConditionTaint reports whether the key belongs to the node lifecycle controller.
// node.kubernetes.io/out-of-service is not one: operators set it themselves.
func IsConditionTaint(key string) bool { return slices.Contains(conditionTaints, key) }

// TaintPlan is the outcome of merging this resource's taints into a node's list.
type TaintPlan struct {
	// Taints is the node's new list; nil when nothing changes.
	Taints []corev1.Taint
	// Foreign lists wanted taints whose identity is already on the node but not owned by
	// this resource: a conflict unless force.
	Foreign []corev1.Taint
	// Owned is what the resource owns after the write: the wanted identities.
	Owned []TaintID
}

// MergeTaints computes a node's new taints: taints owned by this resource that are no
// longer wanted are removed, wanted ones are added or get the wanted value, and every
// other taint keeps its place and value. Identity is key and effect.
func MergeTaints(live []corev1.Taint, owned []TaintID, want []corev1.Taint, now time.Time) TaintPlan {
	var p TaintPlan
	wanted := map[TaintID]corev1.Taint{}
	for _, t := range want {
		wanted[IDOf(t)] = t
		p.Owned = append(p.Owned, IDOf(t))
	}
	slices.SortFunc(p.Owned, compareTaintIDs)
	out := make([]corev1.Taint, 0, len(live)+len(want))
	seen := map[TaintID]bool{}
	changed := false
	for _, t := range live {
		id := IDOf(t)
		w, isWanted := wanted[id]
		switch {
		case isWanted && !seen[id]:
			seen[id] = true
			if !slices.Contains(owned, id) {
				p.Foreign = append(p.Foreign, t)
			}
			if t.Value != w.Value {
				t.Value = w.Value
				changed = true
			}
			out = append(out, t)
		case isWanted:
			changed = true // a duplicate identity: keep only the first
		case slices.Contains(owned, id):
			changed = true
		default:
			out = append(out, t)
		}
	}
	for _, t := range want {
		if seen[IDOf(t)] {
			continue
		}
		if t.Effect == corev1.TaintEffectNoExecute {
			// As kubectl and the node lifecycle controller do; tolerationSeconds counts from it.
			added := metav1.NewTime(now)
			t.TimeAdded = &added
		}
		out = append(out, t)
		changed = true
	}
	if changed {
		p.Taints = out
	}
	return p
}

func compareTaintIDs(a, b TaintID) int {
	if c := strings.Compare(a.Key, b.Key); c != 0 {
		return c
	}
	return strings.Compare(string(a.Effect), string(b.Effect))
}

// SortTaintIDs sorts identities by key, then effect.
func SortTaintIDs(ids []TaintID) { slices.SortFunc(ids, compareTaintIDs) }

// FindTaint returns the node's taint with the identity.
func FindTaint(taints []corev1.Taint, id TaintID) (corev1.Taint, bool) {
	for _, t := range taints {
		if IDOf(t) == id {
			return t, true
		}
	}
	return corev1.Taint{}, false
}
