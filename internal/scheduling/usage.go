package scheduling

import (
	"encoding/json"
	"math"
	"slices"

	corev1 "k8s.io/api/core/v1"
	resourcehelper "k8s.io/component-helpers/resource"
)

// NodeUsage is what the scheduler knows of one node: its allocatable and the pods bound to it.
// It is folded pod by pod (Add), so a paged list never needs all pods at once, and it serializes compactly
// as JSON: pods of one priority with the same requests and ports, next to each other in preemption
// order, are one group.
type NodeUsage struct {
	Allocatable Resources `json:"a,omitzero"`
	// AllowedPods is allocatable "pods".
	AllowedPods int64 `json:"n,omitempty"`
	// Pods are the counted pods, most important first (higher priority, then earlier start): the order
	// in which preemption reprieves victims.
	Pods []PodGroup `json:"p,omitempty"`
}

// PodGroup is Count pods of one priority with the same requests and host ports.
type PodGroup struct {
	Priority int32
	Count    int
	Requests Resources
	Ports    []HostPort
	// start orders pods of one priority while folding; decoded groups have 0 (they started first).
	start int64
}

// podGroupWire is PodGroup on the wire: More is Count-1, so a single pod writes no count.
type podGroupWire struct {
	Priority int32      `json:"y,omitempty"`
	More     int        `json:"k,omitempty"`
	Requests Resources  `json:"r,omitzero"`
	Ports    []HostPort `json:"o,omitempty"`
}

// MarshalJSON writes the group in its short form.
func (g PodGroup) MarshalJSON() ([]byte, error) {
	return json.Marshal(podGroupWire{Priority: g.Priority, More: g.Count - 1, Requests: g.Requests, Ports: g.Ports})
}

// UnmarshalJSON reads the short form of MarshalJSON.
func (g *PodGroup) UnmarshalJSON(data []byte) error {
	var w podGroupWire
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*g = PodGroup{Priority: w.Priority, Count: w.More + 1, Requests: w.Requests, Ports: w.Ports}
	return nil
}

// MarshalJSON merges neighbouring groups that differ only in start, which only orders them.
func (u NodeUsage) MarshalJSON() ([]byte, error) {
	type plain NodeUsage
	merged := plain(u)
	merged.Pods = nil
	for _, g := range u.Pods {
		if n := len(merged.Pods); n > 0 && merged.Pods[n-1].same(g) {
			merged.Pods[n-1].Count += g.Count
			continue
		}
		merged.Pods = append(merged.Pods, g)
	}
	return json.Marshal(merged)
}

func (g PodGroup) same(o PodGroup) bool {
	return g.Priority == o.Priority && g.Requests.equal(o.Requests) && slices.Equal(g.Ports, o.Ports)
}

// NewNodeUsage is the usage of a node with nothing bound to it; allocatable is the node's status.allocatable.
func NewNodeUsage(allocatable corev1.ResourceList) NodeUsage {
	pods := allocatable[corev1.ResourcePods]
	return NodeUsage{Allocatable: resourcesOf(allocatable), AllowedPods: pods.Value()}
}

// counted is the scheduler's rule for the pods of a node: all but those that have finished.
func counted(pod *corev1.Pod) bool {
	return pod.Status.Phase != corev1.PodSucceeded && pod.Status.Phase != corev1.PodFailed
}

func groupOf(pod *corev1.Pod) PodGroup {
	// Bound pods count with what a resize has allocated, as the scheduler's node cache counts them.
	requests := resourcehelper.PodRequests(pod, resourcehelper.PodResourcesOptions{UseStatusResources: true})
	start := int64(math.MaxInt64) // the scheduler takes "now" for a pod not started: the least important
	if pod.Status.StartTime != nil {
		start = pod.Status.StartTime.UnixNano()
	}
	return PodGroup{
		Priority: priorityOf(&pod.Spec),
		Count:    1,
		Requests: resourcesOf(requests),
		Ports:    hostPortsOf(&pod.Spec),
		start:    start,
	}
}

// before is preemption's order: higher priority first, then earlier start.
func (g PodGroup) before(o PodGroup) bool {
	if g.Priority != o.Priority {
		return g.Priority > o.Priority
	}
	return g.start < o.start
}

// Add counts pod, one bound to this node, unless it has finished (Succeeded or Failed); a terminating
// pod counts until it is gone.
func (u *NodeUsage) Add(pod *corev1.Pod) {
	if !counted(pod) {
		return
	}
	g := groupOf(pod)
	i, _ := slices.BinarySearchFunc(u.Pods, g, func(e, t PodGroup) int {
		if e.before(t) || !t.before(e) {
			return -1 // equal keys keep the order they came in
		}
		return 1
	})
	u.Pods = slices.Insert(u.Pods, i, g)
}

// Remove uncounts pod, as when the DaemonSet's own old pod leaves before its replacement is scheduled.
// It reports whether the pod was counted.
func (u *NodeUsage) Remove(pod *corev1.Pod) bool {
	if !counted(pod) {
		return false
	}
	return u.RemoveGroup(groupOf(pod))
}

// GroupOf is the group of one pod, to remove it later (RemoveGroup) without keeping the pod; ok is
// false for a pod that is not counted.
func GroupOf(pod *corev1.Pod) (g PodGroup, ok bool) {
	if !counted(pod) {
		return PodGroup{}, false
	}
	return groupOf(pod), true
}

// RemoveGroup uncounts one pod of group g (a GroupOf result), and reports whether it was counted.
func (u *NodeUsage) RemoveGroup(g PodGroup) bool {
	i := slices.IndexFunc(u.Pods, func(e PodGroup) bool { return e.same(g) && e.start == g.start })
	if i < 0 {
		i = slices.IndexFunc(u.Pods, g.same)
	}
	if i < 0 {
		return false
	}
	if u.Pods[i].Count--; u.Pods[i].Count == 0 {
		u.Pods = slices.Delete(u.Pods, i, i+1)
	}
	return true
}

// PodCount is the number of pods counted on the node.
func (u *NodeUsage) PodCount() int64 {
	var n int64
	for _, g := range u.Pods {
		n += int64(g.Count)
	}
	return n
}

// Requested is the sum of the counted pods' requests.
func (u *NodeUsage) Requested() Resources {
	var r Resources
	for _, g := range u.Pods {
		r.add(g.Requests, int64(g.Count))
	}
	return r
}
