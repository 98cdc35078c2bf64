// Package placement predicts which nodes get a DaemonSet pod, with the rules of the
// DaemonSet controller (kubernetes pkg/controller/daemon, NodeShouldRunDaemonPod).
//
// The controller reads only a node's name, labels and spec.taints; so does this package.
// What the scheduler checks afterwards (resources, host ports, pod affinity) is out of scope:
// a pod that does not fit is still counted in desiredNumberScheduled and stays Pending.
package placement

import (
	"slices"
	"strings"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	corev1helpers "k8s.io/component-helpers/scheduling/corev1"
	"k8s.io/component-helpers/scheduling/corev1/nodeaffinity"
)

// Options describes the cluster features that change placement.
type Options struct {
	// ComparisonOperators is the TaintTolerationComparisonOperators feature gate (alpha from v1.35,
	// off by default). When false, tolerations with the Lt or Gt operator tolerate nothing.
	ComparisonOperators bool
}

// Template is a pod spec compiled once for evaluation against many nodes.
// It does not change after Compile, so Evaluate is safe for concurrent use.
type Template struct {
	nodeName            string
	tolerations         []corev1.Toleration
	affinity            nodeaffinity.RequiredNodeAffinity
	nodeSelector        []labelPair // sorted by key; only read to explain a mismatch
	comparisonOperators bool
}

type labelPair struct{ key, value string }

// Decision is the controller's verdict for one node.
type Decision struct {
	Node string
	// ShouldRun is true when the node is counted in status.desiredNumberScheduled.
	ShouldRun bool
	// ShouldContinueRunning is false when a pod already on the node is deleted (untolerated NoExecute taint).
	ShouldContinueRunning bool
	// Reason says in one line why ShouldRun is false; empty when ShouldRun is true.
	Reason string
	// Taint is the untolerated taint behind Reason ("key=value:Effect"), when a taint is the reason.
	Taint string
}

// The helper logs only unparsable Lt/Gt values; a provider must not write them to stderr.
var discardLogger = logr.Discard()

// Compile prepares spec for Evaluate. spec is not modified and may be nil (an empty spec).
func Compile(spec *corev1.PodSpec, opts Options) *Template {
	if spec == nil {
		spec = &corev1.PodSpec{}
	}
	// GetRequiredNodeAffinity reads only Spec.NodeSelector and Spec.Affinity; the shallow copy is never modified.
	pod := &corev1.Pod{Spec: *spec}
	return &Template{
		nodeName:            spec.NodeName,
		tolerations:         daemonPodTolerations(spec),
		affinity:            nodeaffinity.GetRequiredNodeAffinity(pod),
		nodeSelector:        sortedPairs(spec.NodeSelector),
		comparisonOperators: opts.ComparisonOperators,
	}
}

// Evaluate applies the controller's rule to one node, which must not be nil.
func (t *Template) Evaluate(node *corev1.Node) Decision {
	decision := Decision{Node: node.Name}
	if t.nodeName != "" && t.nodeName != node.Name {
		decision.Reason = "pod template pins nodeName " + t.nodeName
		return decision
	}
	// Like the controller, a selector that fails to parse simply does not match.
	if matches, err := t.affinity.Match(node); !matches {
		decision.Reason = t.affinityMismatchReason(node, err)
		return decision
	}
	taints := node.Spec.Taints
	// Skipping the helper for the common untainted node saves its per-call filtering allocations.
	if !anyBlocksScheduling(taints) {
		decision.ShouldRun, decision.ShouldContinueRunning = true, true
		return decision
	}
	blocking, blocked := corev1helpers.FindMatchingUntoleratedTaint(discardLogger, taints, t.tolerations, blocksScheduling, t.comparisonOperators)
	if !blocked {
		decision.ShouldRun, decision.ShouldContinueRunning = true, true
		return decision
	}
	evicting, evicts := corev1helpers.FindMatchingUntoleratedTaint(discardLogger, taints, t.tolerations, evictsRunningPods, t.comparisonOperators)
	decision.ShouldContinueRunning = !evicts
	if evicts {
		// The NoExecute taint is the stronger reason: it also removes a running pod.
		blocking = evicting
	}
	decision.Taint = blocking.ToString()
	decision.Reason = "taint " + decision.Taint + " is not tolerated"
	return decision
}

func (t *Template) affinityMismatchReason(node *corev1.Node, parseErr error) string {
	for _, pair := range t.nodeSelector {
		if value, ok := node.Labels[pair.key]; !ok || value != pair.value {
			return "node selector does not match (" + pair.key + "=" + pair.value + ")"
		}
	}
	if parseErr != nil {
		return "required node affinity does not match: " + parseErr.Error()
	}
	return "required node affinity does not match"
}

func anyBlocksScheduling(taints []corev1.Taint) bool {
	for i := range taints {
		if blocksScheduling(&taints[i]) {
			return true
		}
	}
	return false
}

func blocksScheduling(taint *corev1.Taint) bool {
	return taint.Effect == corev1.TaintEffectNoSchedule || taint.Effect == corev1.TaintEffectNoExecute
}

func evictsRunningPods(taint *corev1.Taint) bool {
	return taint.Effect == corev1.TaintEffectNoExecute
}

// daemonTolerations are added to every daemon pod (pkg/controller/daemon/util AddOrUpdateDaemonPodTolerations),
// so that node problems neither evict nor block it.
var daemonTolerations = []corev1.Toleration{
	{Key: corev1.TaintNodeNotReady, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute},
	{Key: corev1.TaintNodeUnreachable, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute},
	{Key: corev1.TaintNodeDiskPressure, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule},
	{Key: corev1.TaintNodeMemoryPressure, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule},
	{Key: corev1.TaintNodePIDPressure, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule},
	{Key: corev1.TaintNodeUnschedulable, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule},
}

// Only host-network pods can start before the node's network plugin is ready.
var hostNetworkToleration = corev1.Toleration{
	Key: corev1.TaintNodeNetworkUnavailable, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule,
}

func daemonPodTolerations(spec *corev1.PodSpec) []corev1.Toleration {
	tolerations := slices.Clone(spec.Tolerations)
	for i := range daemonTolerations {
		tolerations = addOrUpdateToleration(tolerations, &daemonTolerations[i])
	}
	if spec.HostNetwork {
		tolerations = addOrUpdateToleration(tolerations, &hostNetworkToleration)
	}
	return tolerations
}

// addOrUpdateToleration mirrors the controller's AddOrUpdateTolerationInPodSpec: a toleration with the same
// key, operator, value and effect is replaced (dropping its tolerationSeconds), otherwise the default is appended.
func addOrUpdateToleration(tolerations []corev1.Toleration, toleration *corev1.Toleration) []corev1.Toleration {
	updated := false
	for i := range tolerations {
		if toleration.MatchToleration(&tolerations[i]) {
			tolerations[i] = *toleration
			updated = true
		}
	}
	if !updated {
		tolerations = append(tolerations, *toleration)
	}
	return tolerations
}

func sortedPairs(labels map[string]string) []labelPair {
	pairs := make([]labelPair, 0, len(labels))
	for key, value := range labels {
		pairs = append(pairs, labelPair{key: key, value: value})
	}
	slices.SortFunc(pairs, func(a, b labelPair) int { return strings.Compare(a.key, b.key) })
	return pairs
}
