package scheduling

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// The scheduler's own words for the reasons that do not name a resource.
const (
	ReasonPorts       = "node(s) didn't have free ports for the requested pod ports"
	ReasonTooManyPods = "Too many pods"
)

// Outcome is what the scheduler does with the pod on its node.
type Outcome uint8

const (
	// Scheduled: the pod fits as the node is.
	Scheduled Outcome = iota
	// Preempting: the pod fits once Verdict.Victims pods of lower priority are evicted.
	Preempting
	// Pending: the pod stays Pending for Verdict.Reasons.
	Pending
)

// Verdict is the scheduler's decision for a daemon pod on its node.
type Verdict struct {
	Outcome Outcome
	// Reasons are the failing filter's reasons in the scheduler's order: why the pod is Pending, or why
	// it needs to preempt.
	Reasons []Reason
	// Victims is the number of pods preempted, for Preempting.
	Victims int
}

// Reason is one failure of a filter, in the scheduler's words, with the figures behind it.
type Reason struct {
	Message string
	// Resource is the resource that is short ("pods" for ReasonTooManyPods); empty for ReasonPorts.
	Resource corev1.ResourceName
	// Requested, Used and Allocatable are the pod's request, the node's requested sum and its allocatable,
	// in the scheduler's units (millicores, bytes, counts).
	Requested, Used, Allocatable int64
	// Ports are the pod's host ports already in use, for ReasonPorts.
	Ports []HostPort
}

// Detail gives the figures of r for a message: "requests 200Mi, 150Mi of 2Gi free".
func (r Reason) Detail() string {
	if r.Resource == "" {
		texts := make([]string, len(r.Ports))
		for i, p := range r.Ports {
			texts[i] = p.String()
		}
		return "host ports in use: " + strings.Join(texts, ", ")
	}
	free := max(r.Allocatable-r.Used, 0)
	return fmt.Sprintf("requests %s, %s of %s free",
		amount(r.Resource, r.Requested), amount(r.Resource, free), amount(r.Resource, r.Allocatable))
}

func amount(name corev1.ResourceName, v int64) string {
	switch {
	case name == corev1.ResourceCPU:
		return resource.NewMilliQuantity(v, resource.DecimalSI).String()
	case name == corev1.ResourceMemory || name == corev1.ResourceEphemeralStorage ||
		strings.HasPrefix(string(name), corev1.ResourceHugePagesPrefix):
		return resource.NewQuantity(v, resource.BinarySI).String()
	default:
		return fmt.Sprint(v)
	}
}

// String is the verdict in one line: "scheduled", "fits by preempting 2 pods",
// "Pending: Insufficient memory (requests 200Mi, 150Mi of 2Gi free)".
func (v Verdict) String() string {
	switch v.Outcome {
	case Scheduled:
		return "scheduled"
	case Preempting:
		if v.Victims == 1 {
			return "fits by preempting 1 pod"
		}
		return fmt.Sprintf("fits by preempting %d pods", v.Victims)
	}
	texts := make([]string, len(v.Reasons))
	for i, r := range v.Reasons {
		texts[i] = fmt.Sprintf("%s (%s)", r.Message, r.Detail())
	}
	return "Pending: " + strings.Join(texts, ", ")
}

// nodeState is what the filters read of a node: its usage summed, with some pods possibly taken away.
type nodeState struct {
	requested Resources
	pods      int64
	ports     map[HostPort]int
}

func (s *nodeState) add(g PodGroup, times int) {
	s.requested.add(g.Requests, int64(times))
	s.pods += int64(times)
	for _, p := range g.Ports {
		s.ports[p] += times
		if s.ports[p] == 0 {
			delete(s.ports, p)
		}
	}
}

// Fit runs NodePorts, then NodeResourcesFit, for needs on the node of usage, and on a failure the
// default preemption. It does not modify usage.
func Fit(needs PodNeeds, usage *NodeUsage) Verdict {
	state := nodeState{ports: map[HostPort]int{}}
	for _, g := range usage.Pods {
		state.add(g, g.Count)
	}
	reasons := filter(needs, usage, &state)
	if len(reasons) == 0 {
		return Verdict{Outcome: Scheduled}
	}
	pending := Verdict{Outcome: Pending, Reasons: reasons}
	if needs.PreemptNever {
		return pending
	}
	// Victims are the strictly lower-priority pods: a suffix of usage.Pods.
	first := slices.IndexFunc(usage.Pods, func(g PodGroup) bool { return g.Priority < needs.Priority })
	if first < 0 {
		return pending
	}
	victims := usage.Pods[first:]
	for _, g := range victims {
		state.add(g, -g.Count)
	}
	if len(filter(needs, usage, &state)) > 0 {
		return pending
	}
	evicted := 0
	for _, g := range victims {
		// Identical pods are reprieved one by one until one no longer fits; the rest cannot fit either.
		reprieved := 0
		for reprieved < g.Count {
			state.add(g, 1)
			if len(filter(needs, usage, &state)) > 0 {
				state.add(g, -1)
				break
			}
			reprieved++
		}
		evicted += g.Count - reprieved
	}
	return Verdict{Outcome: Preempting, Reasons: reasons, Victims: evicted}
}

// filter returns the reasons of the first failing filter, NodePorts or NodeResourcesFit; none when the pod fits.
func filter(needs PodNeeds, usage *NodeUsage, state *nodeState) []Reason {
	if r, ok := portsReason(needs.Ports, state.ports); ok {
		return []Reason{r}
	}
	return resourceReasons(needs.Requests, usage, state)
}

func portsReason(wanted []HostPort, inUse map[HostPort]int) (Reason, bool) {
	var clashes []HostPort
	for _, w := range wanted {
		for used := range inUse {
			if w.conflicts(used) {
				clashes = append(clashes, used)
			}
		}
	}
	if len(clashes) == 0 {
		return Reason{}, false
	}
	slices.SortFunc(clashes, func(a, b HostPort) int { return strings.Compare(a.String(), b.String()) })
	return Reason{Message: ReasonPorts, Ports: slices.Compact(clashes)}, true
}

// resourceReasons is NodeResourcesFit's fitsRequest: the pod count, then each requested resource.
func resourceReasons(req Resources, usage *NodeUsage, state *nodeState) []Reason {
	var reasons []Reason
	if state.pods+1 > usage.AllowedPods {
		reasons = append(reasons, Reason{Message: ReasonTooManyPods, Resource: corev1.ResourcePods,
			Requested: 1, Used: state.pods, Allocatable: usage.AllowedPods})
	}
	check := func(name corev1.ResourceName, want, used, allocatable int64) {
		if want > 0 && want > allocatable-used {
			reasons = append(reasons, Reason{Message: "Insufficient " + string(name), Resource: name,
				Requested: want, Used: used, Allocatable: allocatable})
		}
	}
	alloc, used := usage.Allocatable, state.requested
	check(corev1.ResourceCPU, req.MilliCPU, used.MilliCPU, alloc.MilliCPU)
	check(corev1.ResourceMemory, req.Memory, used.Memory, alloc.Memory)
	check(corev1.ResourceEphemeralStorage, req.EphemeralStorage, used.EphemeralStorage, alloc.EphemeralStorage)
	// The scheduler walks these in map order; by name, a message does not change from plan to plan.
	for _, name := range slices.Sorted(maps.Keys(req.Scalar)) {
		check(name, req.Scalar[name], used.Scalar[name], alloc.Scalar[name])
	}
	return reasons
}
