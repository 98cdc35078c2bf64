package nodeops

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/managedfields"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/taintid"
)

// The error and warning text of node_label and node_taint, in one place.

// ErrNodeGone says a node was deleted while we wrote to it.
var ErrNodeGone = errors.New("the node no longer exists")

// ConflictError is a label or taint that another owner holds; force takes it over.
type ConflictError struct {
	Details []string
}

func (e *ConflictError) Error() string { return strings.Join(e.Details, "; ") }

// LabelConflictText says who owns a label and what to do.
func LabelConflictText(node string, c managedfields.LabelConflict) string {
	return fmt.Sprintf("label %s on node %s is owned by field manager %s with value %q (this resource sets %q); "+
		"set force = true to take it over, or remove it from labels", c.Key, node, c.Manager, c.Live, c.Value)
}

// TaintConflictText says that a taint with the same key and effect was set by someone else.
func TaintConflictText(node string, t corev1.Taint) string {
	return fmt.Sprintf("taint %s on node %s was not set by this resource (a taint is identified by key and effect); "+
		"set force = true to adopt it, or import it; an adopted taint is removed on destroy", taintid.Format(t), node)
}

// SharedManagerText says that the resource's field manager owns labels the resource does not
// set: server-side apply would take them away, and the other resource would take ours.
func SharedManagerText(node, manager string, keys []string) string {
	return fmt.Sprintf("field manager %s already owns %s %s on node %s, which this resource does not set: another "+
		"k8sfleet_node_label (in this or another workspace) uses the same field_manager, or an apply of this resource "+
		"was interrupted. A field manager holds exactly the labels of its last apply, so each resource's apply would "+
		"remove the other's labels. Give each resource its own field_manager (unset, every resource draws its own), "+
		"or remove the labels (kubectl label node %s %s-)", manager, plural(len(keys), "label", "labels"),
		strings.Join(keys, ", "), node, node, strings.Join(keys, "- "))
}

// SharedClaimText says that two resources planned in one run hold the same thing on a node
// (first and second sorted, so the text is the same whichever was planned first).
func SharedClaimText(first, second, what, node string) string {
	if second < first {
		first, second = second, first
	}
	return fmt.Sprintf("%s and %s both use %s on node %s; only one resource can hold it, and each apply would "+
		"take it from the other. Give each resource its own, or manage it in one of them", first, second, what, node)
}

// MissingNodesText names nodes that do not exist; nothing was written.
func MissingNodesText(names []string) string {
	return fmt.Sprintf("%s %s not exist, so nothing was changed; check node_name or the cluster, "+
		"or plan again to resolve label_selector against the nodes that exist now", plural(len(names), "node", "nodes")+" "+
		limitList(names, 20), doOrDoes(len(names)))
}

// MissingNodeWarning is the plan-time warning for a single node that is already gone.
func MissingNodeWarning(name string) string {
	return fmt.Sprintf("node %s does not exist in the cluster now; the apply will fail before writing anything "+
		"unless the node is created first", name)
}

// NodeFailuresText summarises per-node failures after retries.
func NodeFailuresText(action string, total int, failures map[string]error) string {
	names := make([]string, 0, len(failures))
	for n := range failures {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	fmt.Fprintf(&b, "%s failed on %d of %d nodes (%s):", action, len(failures), total, limitList(names, 20))
	for i, n := range names {
		if i == 10 {
			fmt.Fprintf(&b, "\n- and %d more", len(names)-10)
			break
		}
		fmt.Fprintf(&b, "\n- %s: %s", n, explainNodeError(failures[n]))
	}
	return b.String()
}

func explainNodeError(err error) string {
	var conflict *ConflictError
	switch {
	case errors.As(err, &conflict):
		return conflict.Error()
	case errors.Is(err, ErrNodeGone):
		return err.Error()
	default:
		return kube.Explain(err, "patch", "nodes")
	}
}

// UndoText says what a failed apply left on the nodes: nothing (head), or node by node what
// the undo could not remove and how to remove it by hand.
func UndoText(head, tail string, w Writer, left map[string]error) string {
	if len(left) == 0 {
		return head + ": every node this apply had changed was put back as it was before."
	}
	names := make([]string, 0, len(left))
	for n := range left {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	fmt.Fprintf(&b, "Putting the nodes back failed on %d %s, which keep what this apply wrote:", len(names), plural(len(names), "node", "nodes"))
	for _, n := range names {
		fmt.Fprintf(&b, "\n- %s: %s (%s)", n, w.Leftover(n), explainNodeError(left[n]))
	}
	b.WriteString("\n" + tail)
	return b.String()
}

// GoneText names targets that were deleted during the apply.
func GoneText(names []string) string {
	return fmt.Sprintf("%s %s deleted during the apply and %s skipped; the next refresh drops %s from nodes",
		plural(len(names), "node", "nodes")+" "+limitList(names, 20), wasOrWere(len(names)), wasOrWere(len(names)),
		plural(len(names), "it", "them"))
}

func wasOrWere(n int) string {
	if n == 1 {
		return "was"
	}
	return "were"
}

// ForeignImportText says an imported item is on none of the nodes.
func ForeignImportText(item string, target Target) string {
	return fmt.Sprintf("%s is not on %s, so there is nothing to import; import only what the nodes have", item, target)
}

func limitList(items []string, limit int) string {
	if len(items) <= limit {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:limit], ", ") + fmt.Sprintf(" and %d more", len(items)-limit)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func doOrDoes(n int) string {
	if n == 1 {
		return "does"
	}
	return "do"
}
