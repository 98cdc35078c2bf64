package placement

import (
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// Result is the placement of one pod template over a set of nodes.
type Result struct {
	// Decisions holds one decision per node, sorted by node name.
	Decisions []Decision
}

// Predict evaluates spec against every node; nil nodes are skipped.
func Predict(spec *corev1.PodSpec, nodes []*corev1.Node, opts Options) Result {
	return Compile(spec, opts).Predict(nodes)
}

// Predict evaluates the template against every node; nil nodes are skipped.
func (t *Template) Predict(nodes []*corev1.Node) Result {
	decisions := make([]Decision, 0, len(nodes))
	for _, node := range nodes {
		if node != nil {
			decisions = append(decisions, t.Evaluate(node))
		}
	}
	slices.SortFunc(decisions, func(a, b Decision) int { return strings.Compare(a.Node, b.Node) })
	return Result{Decisions: decisions}
}

// Count is the predicted status.desiredNumberScheduled.
func (r Result) Count() int {
	count := 0
	for i := range r.Decisions {
		if r.Decisions[i].ShouldRun {
			count++
		}
	}
	return count
}

func truncatedList(items []string, limit int) string {
	if limit <= 0 || len(items) <= limit {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:limit], ", ") + " and " + strconv.Itoa(len(items)-limit) + " more"
}

// Change is a node where a daemon pod starts or stops between two results.
type Change struct {
	Node string
	// Starts is true when a pod starts on the node, false when the running pod is deleted.
	Starts bool
}

// Changes lists, sorted by node, where pods start or stop when the cluster goes from before to after,
// assuming pods run where before says they should. A pod on a node that gains an untolerated NoSchedule
// taint keeps running, as in the controller, so it is not listed. A node missing from one side
// counts as a node without a pod there.
func Changes(before, after Result) []Change {
	var changes []Change
	i, j := 0, 0
	for i < len(before.Decisions) || j < len(after.Decisions) {
		var old, current *Decision
		switch {
		case j == len(after.Decisions) || (i < len(before.Decisions) && before.Decisions[i].Node < after.Decisions[j].Node):
			old = &before.Decisions[i]
			i++
		case i == len(before.Decisions) || after.Decisions[j].Node < before.Decisions[i].Node:
			current = &after.Decisions[j]
			j++
		default:
			old, current = &before.Decisions[i], &after.Decisions[j]
			i++
			j++
		}
		running := old != nil && old.ShouldRun
		switch {
		case !running && current != nil && current.ShouldRun:
			changes = append(changes, Change{Node: current.Node, Starts: true})
		case running && (current == nil || !current.ShouldContinueRunning):
			changes = append(changes, Change{Node: old.Node, Starts: false})
		}
	}
	return changes
}
