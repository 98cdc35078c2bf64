package placement

import "strconv"

// PodState is what a node holds of one DaemonSet's pods.
type PodState uint8

const (
	// NoPod: the DaemonSet has no pod on the node.
	NoPod PodState = iota
	// CurrentPod: a pod of the DaemonSet's current template.
	CurrentPod
	// OldPod: a pod of an older template, kept by OnDelete or a rollout still under way.
	OldPod
)

// Running is where a DaemonSet's pods run now, per node name. A nil Running means what the
// DaemonSet's status says when it shows no difference from the controller's rule: a pod of
// the current template on every node where the live template should run, none elsewhere.
type Running map[string]PodState

// Strategy is the DaemonSet's spec.updateStrategy.type.
type Strategy uint8

const (
	RollingUpdate Strategy = iota
	OnDelete
)

// Update is what an apply changes of the DaemonSet, besides the nodes.
type Update struct {
	// TemplateChanged is true when the pod template changes: every running pod becomes a pod
	// of an older template.
	TemplateChanged bool
	// Strategy is the update strategy the DaemonSet has after the apply.
	Strategy Strategy
}

// ReasonEvicted begins the reason of a pod an untolerated NoExecute taint removes.
const ReasonEvicted = "evicted by untolerated taint "

// Outcome is what the pods of one DaemonSet do once the controller has acted on an apply.
type Outcome struct {
	// Changes lists, sorted by node, every node whose number of pods changes.
	Changes []NodeChange
	// Running and After count the pods now and after; Desired is the controller's desired
	// count after (status.desiredNumberScheduled).
	Running, After, Desired int
	// DesiredNow is the controller's desired count before the apply; -1 for a create.
	DesiredNow int
	// Replaced counts the pods a rolling update replaces on the same node; KeptOld the pods
	// that keep an older template (OnDelete); Misplaced the pods left on nodes where the
	// controller would not place one (kept under a NoSchedule taint, say).
	Replaced, KeptOld, Misplaced int
	// MisplacedNow and MissingNow compare the pods now with the controller's rule now.
	MisplacedNow, MissingNow int
	// Starts lists, sorted by node, the pods the controller creates after the apply: for the
	// scheduler to place.
	Starts []Start
}

// Start is a pod the controller creates on a node.
type Start struct {
	Node string
	// Replaces: the pod replaces one of the DaemonSet's own on the node (a rolling update).
	Replaces bool
	// Missing: the pod is missing now where the controller places one before and after.
	Missing bool
}

// Settle predicts, node by node, what the DaemonSet controller does to the pods that run now
// (running, on the nodes of before) once after is the template's placement (pkg/controller/daemon:
// manage and rollingUpdate):
//   - a pod on a node that fails ShouldContinueRunning (required affinity, an untolerated
//     NoExecute taint, the node gone) is deleted, whatever the strategy;
//   - RollingUpdate replaces every pod of an older template, and does not recreate it where
//     the node no longer passes ShouldRun; OnDelete replaces nothing;
//   - a pod of the current template stays, even where ShouldRun is false;
//   - a node without a pod gets one where ShouldRun becomes true; where it was true already,
//     the pod is the controller's pending work (not yet created, or refused by a quota) and
//     stays out of the changes.
//
// before nil is a create (no pods run). A node missing from after is gone.
func Settle(before *Result, running Running, after Result, update Update) Outcome {
	out := Outcome{Desired: after.Count(), DesiredNow: -1}
	var prior []Decision
	if before != nil {
		prior = before.Decisions
		out.DesiredNow = before.Count()
	}
	i, j := 0, 0
	for i < len(prior) || j < len(after.Decisions) {
		var old, cur *Decision
		switch {
		case j == len(after.Decisions) || (i < len(prior) && prior[i].Node < after.Decisions[j].Node):
			old = &prior[i]
			i++
		case i == len(prior) || after.Decisions[j].Node < prior[i].Node:
			cur = &after.Decisions[j]
			j++
		default:
			old, cur = &prior[i], &after.Decisions[j]
			i++
			j++
		}
		now := podNow(old, running)
		next, change := settleNode(before == nil, old, cur, now, update)
		if now != NoPod {
			out.Running++
			if old != nil && !old.ShouldRun {
				out.MisplacedNow++
			}
		} else if old != nil && old.ShouldRun {
			out.MissingNow++
		}
		if next != NoPod {
			out.After++
			if cur != nil && !cur.ShouldRun {
				out.Misplaced++
			}
		}
		switch {
		case next == OldPod:
			out.KeptOld++
		case now != NoPod && next == CurrentPod && (now == OldPod || update.TemplateChanged):
			out.Replaced++
			out.Starts = append(out.Starts, Start{Node: cur.Node, Replaces: true})
		case now == NoPod && next == CurrentPod:
			out.Starts = append(out.Starts, Start{Node: cur.Node})
		case now == NoPod && cur != nil && cur.ShouldRun:
			out.Starts = append(out.Starts, Start{Node: cur.Node, Missing: true})
		}
		if change != nil {
			out.Changes = append(out.Changes, *change)
		}
	}
	return out
}

func podNow(old *Decision, running Running) PodState {
	if old == nil {
		return NoPod
	}
	if running == nil {
		if old.ShouldRun {
			return CurrentPod
		}
		return NoPod
	}
	return running[old.Node]
}

// settleNode is Settle for one node: the pod it holds after, and the change of its count.
func settleNode(created bool, old, cur *Decision, now PodState, update Update) (PodState, *NodeChange) {
	if now == NoPod {
		if cur == nil || !cur.ShouldRun {
			return NoPod, nil
		}
		if old != nil && old.ShouldRun {
			// A pod the controller has yet to create, or cannot (a quota, admission), is its
			// own pending work, not this change's: the warning counts it as missing.
			return NoPod, nil
		}
		return CurrentPod, &NodeChange{Node: cur.Node, Delta: 1, Reason: startReason(created, old)}
	}
	switch {
	case cur == nil:
		return NoPod, &NodeChange{Node: old.Node, Delta: -1, Reason: "node is gone"}
	case !cur.ShouldContinueRunning:
		reason := cur.Reason // required node affinity or node name
		if cur.Taint != "" {
			reason = ReasonEvicted + cur.Taint
		}
		return NoPod, &NodeChange{Node: cur.Node, Delta: -1, Reason: reason}
	}
	outdated := now == OldPod || update.TemplateChanged
	switch {
	case !outdated:
		return now, nil
	case update.Strategy == OnDelete:
		return OldPod, nil
	case cur.ShouldRun:
		return CurrentPod, nil
	case old.ShouldRun:
		// The change itself takes the node out: say why, as for any node the template leaves.
		return NoPod, &NodeChange{Node: cur.Node, Delta: -1, Reason: cur.Reason}
	default:
		return NoPod, &NodeChange{Node: cur.Node, Delta: -1, Reason: "rollout removes the pod (" + cur.Reason + ")"}
	}
}

// Notes are the lines the plan's warning adds to ChangeSummary's when the pods differ from
// the controller's desired count or keep an older template.
func (o Outcome) Notes() []string {
	var notes []string
	if o.MisplacedNow > 0 || o.MissingNow > 0 {
		note := "now: desired " + strconv.Itoa(o.DesiredNow) + ", running " + strconv.Itoa(o.Running)
		if o.MisplacedNow > 0 {
			note += "; " + pods(o.MisplacedNow) + " on nodes it would not place one on"
		}
		if o.MissingNow > 0 {
			note += "; " + pods(o.MissingNow) + " missing where it would place one"
		}
		notes = append(notes, note)
	}
	if o.Misplaced > 0 {
		notes = append(notes, "after: "+pods(o.Misplaced)+" keep running on nodes the controller would not place one on "+
			"(desired "+strconv.Itoa(o.Desired)+", running "+strconv.Itoa(o.After)+")")
	}
	if o.KeptOld > 0 {
		notes = append(notes, "OnDelete: "+strconv.Itoa(o.Replaced)+" replaced, "+strconv.Itoa(o.KeptOld)+
			" keep the old template until their pods are deleted")
	}
	return notes
}

func pods(n int) string {
	if n == 1 {
		return "1 pod"
	}
	return strconv.Itoa(n) + " pods"
}
