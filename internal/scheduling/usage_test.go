package scheduling

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"
)

// busyNode is a cloud node with 30 pods as a fleet runs them: a few system daemons, replicas of a handful of
// deployments with the same requests, some host ports. Interleaved, the replicas of one deployment did not
// start one after the other, so fewer neighbours merge.
func busyNode(interleaved bool) (corev1.ResourceList, []*corev1.Pod) {
	allocatable := list("cpu", "3920m", "memory", "15896704Ki", "ephemeral-storage", "95551679124",
		"pods", "110", "hugepages-1Gi", "0", "hugepages-2Mi", "0")
	var pods []*corev1.Pod
	add := func(priority int32, n int, s *corev1.PodSpec) {
		for range n {
			minute := len(pods)
			if interleaved {
				minute = minute * 7 % 30
			}
			pods = append(pods, bound(priority, minute, s))
		}
	}
	add(2000001000, 1, spec(withPorts(requesting("cpu", "100m", "memory", "128Mi"), port("", 9100, ""))))
	add(2000001000, 1, spec(requesting("cpu", "250m", "memory", "200Mi")))
	add(2000000000, 2, spec(requesting("cpu", "100m", "memory", "70Mi")))
	add(2000001000, 1, spec(withPorts(requesting("cpu", "50m", "memory", "64Mi"), port("", 10250, ""), port("", 53, corev1.ProtocolUDP))))
	add(1000, 3, spec(requesting("cpu", "200m", "memory", "256Mi")))
	for i := range 6 {
		add(0, 2, spec(requesting("cpu", fmt.Sprintf("%dm", 50*(i+1)), "memory", fmt.Sprintf("%dMi", 64*(i+1)))))
	}
	add(0, 5, spec(requesting("cpu", "10m", "memory", "32Mi")))
	add(0, 2, spec(requesting("cpu", "500m", "memory", "1Gi", "ephemeral-storage", "2Gi")))
	add(0, 3, spec(corev1.Container{Name: "c"}))
	return allocatable, pods
}

func TestNodeUsageJSON(t *testing.T) {
	for _, interleaved := range []bool{false, true} {
		t.Run(fmt.Sprint("interleaved=", interleaved), func(t *testing.T) { testNodeUsageJSON(t, interleaved) })
	}
}

func testNodeUsageJSON(t *testing.T, interleaved bool) {
	allocatable, pods := busyNode(interleaved)
	if len(pods) != 30 {
		t.Fatalf("%d pods, want 30", len(pods))
	}
	usage := NewNodeUsage(allocatable)
	for _, p := range pods {
		usage.Add(p)
	}
	data, err := json.Marshal(usage)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("bytes per node with 30 pods: %d: %s", len(data), data)
	// The node table keeps a node in well under a kilobyte; the usage of a busy node stays in the same range.
	if len(data) > 1200 {
		t.Errorf("%d bytes for one node, want at most 1200", len(data))
	}
	var decoded NodeUsage
	if err := json.Unmarshal(data, &decoded); err != nil {
		t.Fatal(err)
	}
	if decoded.PodCount() != 30 || !reflect.DeepEqual(decoded.Requested(), usage.Requested()) {
		t.Fatalf("decoded %d pods %+v, want 30 %+v", decoded.PodCount(), decoded.Requested(), usage.Requested())
	}
	// Every verdict is the same on the decoded usage, preemption included.
	for _, priority := range []int32{0, 1, 1000, 1001, 2000000000, 2000001000} {
		for _, memory := range []string{"100Mi", "2Gi", "6Gi", "12Gi", "15Gi"} {
			for _, hostPort := range []int32{0, 9100, 53} {
				s := spec(requesting("cpu", "100m", "memory", memory))
				if hostPort != 0 {
					s = spec(withPorts(requesting("cpu", "100m", "memory", memory), port("", hostPort, "")))
				}
				needs := NeedsOf(s, Admission{Priority: ptr.To(priority)})
				before, after := Fit(needs, &usage), Fit(needs, &decoded)
				if !reflect.DeepEqual(before, after) {
					t.Errorf("priority %d memory %s port %d: %s before encoding, %s after", priority, memory, hostPort, before, after)
				}
			}
		}
	}
}

func TestNodeUsageAddOrdersForPreemption(t *testing.T) {
	usage := NewNodeUsage(node1Gi())
	// Pages come in any order; the groups are most important first.
	usage.Add(bound(0, 9, spec(requesting("memory", "1Mi"))))
	usage.Add(bound(5, 3, spec(requesting("memory", "2Mi"))))
	usage.Add(bound(0, 1, spec(requesting("memory", "3Mi"))))
	notStarted := bound(0, 0, spec(requesting("memory", "4Mi")))
	notStarted.Status.StartTime = nil
	usage.Add(notStarted)
	usage.Add(bound(5, 2, spec(requesting("memory", "5Mi"))))
	var order []int64
	for _, g := range usage.Pods {
		order = append(order, g.Requests.Memory>>20)
	}
	if want := []int64{5, 2, 3, 1, 4}; !slices.Equal(order, want) {
		t.Fatalf("order %v, want %v", order, want)
	}
}

func TestNodeUsageRemove(t *testing.T) {
	usage := NewNodeUsage(node1Gi())
	old := bound(0, 1, spec(requesting("memory", "300Mi")))
	usage.Add(old)
	usage.Add(filler(0, "300Mi"))
	if !usage.Remove(old) || usage.PodCount() != 1 || usage.Requested().Memory != 300<<20 {
		t.Fatalf("after Remove: %d pods, %d bytes", usage.PodCount(), usage.Requested().Memory)
	}
	if usage.Remove(bound(0, 1, spec(requesting("memory", "1Mi")))) {
		t.Error("Remove found a pod that was never added")
	}
	if usage.Remove(withPhase(filler(0, "300Mi"), corev1.PodSucceeded)) {
		t.Error("Remove uncounted a finished pod")
	}
}

func TestHostPortText(t *testing.T) {
	for _, text := range []string{"9100", "53/UDP", "10.0.0.1:9100", "10.0.0.1:53/SCTP", "fd00::1:9100"} {
		var h HostPort
		if err := h.UnmarshalText([]byte(text)); err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		if h.String() != text {
			t.Errorf("%s reads back as %s", text, h)
		}
	}
	for _, bad := range []string{"", "x", "10.0.0.1:", "nohost:80", "0/UDP"} {
		var h HostPort
		if err := h.UnmarshalText([]byte(bad)); err == nil {
			t.Errorf("%q read as %+v", bad, h)
		}
	}
}
