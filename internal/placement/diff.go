package placement

import (
	"slices"
	"strconv"
	"strings"
)

// NodeChange is a node whose daemon pod count a change of template or nodes moves.
type NodeChange struct {
	Node string
	// Delta is +1 (the node gets a pod) or -1 (it loses one).
	Delta int
	// Reason says why in one line, e.g. "tolerates node-role.kubernetes.io/master:NoSchedule".
	Reason string
}

// String is the change as placement_changes shows it: "+1: reason" or "-1: reason".
func (c NodeChange) String() string {
	sign := "+1"
	if c.Delta < 0 {
		sign = "-1"
	}
	return sign + ": " + c.Reason
}

// ReasonCreated is why every node gets a pod when there was no DaemonSet before.
const ReasonCreated = "new DaemonSet"

// Diff lists, sorted by node, the nodes whose pod count changes from before to after.
// before nil means no DaemonSet (a create). rollout says whether the pod template changes:
// the rolling update then replaces each pod, and a node where the new template should not
// run loses its pod even when a running one could stay (an untolerated NoSchedule taint);
// without a rollout the controller keeps such a pod, and only NoExecute evicts it.
// A node missing from one side counts as a node without a pod there.
func Diff(before *Result, after Result, rollout bool) []NodeChange {
	return Settle(before, nil, after, Update{TemplateChanged: rollout}).Changes
}

// startReason says what lets a pod start on a node that had none.
func startReason(created bool, old *Decision) string {
	switch {
	case created:
		return ReasonCreated
	case old == nil:
		return "node joins"
	case old.Taint != "":
		return "tolerates " + old.Taint
	case strings.HasPrefix(old.Reason, "node selector"):
		return "node selector matches"
	case strings.HasPrefix(old.Reason, "required node affinity"):
		return "required node affinity matches"
	case strings.HasPrefix(old.Reason, "pod template pins"):
		return "pod template no longer pins another node"
	}
	return "should run now"
}

// ExcludedCounts maps each reason a node gets no pod to the number of such nodes.
func (r Result) ExcludedCounts() map[string]int64 {
	out := map[string]int64{}
	for i := range r.Decisions {
		if d := &r.Decisions[i]; !d.ShouldRun {
			out[d.Reason]++
		}
	}
	return out
}

// ChangeSummary describes a change in one line for the plan, grouped by reason and naming at
// most limit nodes per group (all when limit <= 0), e.g.
// "kube-system/fluentd: 6 -> 2 pods; -4 (node selector does not match (logger=fluentd)): k8s-03, ...".
// from is the pod count before (-1 for a create, written "0").
func ChangeSummary(namespace, name string, from, to int, changes []NodeChange, limit int) string {
	var b strings.Builder
	if namespace != "" {
		b.WriteString(namespace + "/")
	}
	b.WriteString(name + ": " + strconv.Itoa(max(from, 0)) + " -> " + strconv.Itoa(to) + " pods")
	if len(changes) == 0 {
		b.WriteString("; no node changes")
		return b.String()
	}
	type group struct {
		delta  int
		reason string
		nodes  []string
	}
	var groups []*group
	index := map[string]*group{}
	for _, c := range changes {
		key := c.String()
		g, ok := index[key]
		if !ok {
			g = &group{delta: c.Delta, reason: c.Reason}
			index[key] = g
			groups = append(groups, g)
		}
		g.nodes = append(g.nodes, c.Node)
	}
	// Larger groups first; ties in a stable order.
	slices.SortStableFunc(groups, func(a, b *group) int {
		if len(a.nodes) != len(b.nodes) {
			return len(b.nodes) - len(a.nodes)
		}
		return strings.Compare(a.reason, b.reason)
	})
	for _, g := range groups {
		sign := "+"
		if g.delta < 0 {
			sign = "-"
		}
		b.WriteString("; " + sign + strconv.Itoa(len(g.nodes)) + " (" + g.reason + "): " + truncatedList(g.nodes, limit))
	}
	return b.String()
}
