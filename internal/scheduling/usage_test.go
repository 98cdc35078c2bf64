package scheduling

import (
	"bytes"
	"compress/gzip"
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
	// Groups of several pods, as decoding gives them, keep their counts through a table.
	fromTable, err := NewTable([]NodeUsage{decoded, decoded}).Usages()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fromTable[1], decoded) {
		t.Fatalf("through a table:\n%+v\nwant\n%+v", fromTable[1], decoded)
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

// fleet is nodes of three instance types, each with the same five system pods and 25 replicas drawn from 40
// Deployments, started in no particular order.
func fleet(nodes int) []NodeUsage {
	types := []corev1.ResourceList{
		list("cpu", "1930m", "memory", "7097468Ki", "ephemeral-storage", "47233297124", "pods", "58"),
		list("cpu", "3920m", "memory", "15896704Ki", "ephemeral-storage", "95551679124", "pods", "110"),
		list("cpu", "7910m", "memory", "31482496Ki", "ephemeral-storage", "95551679124", "pods", "110", "nvidia.com/gpu", "1"),
	}
	system := []*corev1.PodSpec{
		spec(withPorts(requesting("cpu", "100m", "memory", "128Mi"), port("", 9100, ""))),
		spec(requesting("cpu", "250m", "memory", "200Mi")),
		spec(withPorts(requesting("cpu", "50m", "memory", "64Mi"), port("", 10250, ""), port("", 53, corev1.ProtocolUDP))),
		spec(requesting("cpu", "100m", "memory", "70Mi")),
		spec(requesting("cpu", "10m", "memory", "20Mi")),
	}
	seed := uint32(1)
	random := func(n int) int {
		seed = seed*1664525 + 1013904223
		return int(seed>>8) % n
	}
	usages := make([]NodeUsage, nodes)
	for n := range usages {
		usages[n] = NewNodeUsage(types[n%len(types)])
		for i, s := range system {
			usages[n].Add(bound(2000001000-int32(i%2)*1000, i, s))
		}
		for range 25 {
			d := random(40)
			s := spec(requesting("cpu", fmt.Sprintf("%dm", 50+25*d), "memory", fmt.Sprintf("%dMi", 64+32*d)))
			usages[n].Add(bound(int32(d%3)*100, 5+random(1000), s))
		}
	}
	return usages
}

func TestTable(t *testing.T) {
	usages := fleet(1000)
	table := NewTable(usages)
	data, err := json.Marshal(table)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	single, _ := json.Marshal(usages[0])
	t.Logf("1,000 nodes with 30 pods: table JSON %d bytes per node, gzip %d; one node's own JSON %d",
		len(data)/1000, buf.Len()/1000, len(single))
	if len(data)/1000 > 200 || buf.Len()/1000 > 100 {
		t.Errorf("table of %d bytes (%d gzip) for 1,000 nodes, want at most 200 (100) a node", len(data), buf.Len())
	}
	var decodedTable Table
	if err := json.Unmarshal(data, &decodedTable); err != nil {
		t.Fatal(err)
	}
	decoded, err := decodedTable.Usages()
	if err != nil {
		t.Fatal(err)
	}
	needs := []PodNeeds{
		NeedsOf(spec(requesting("memory", "3Gi")), Admission{}),
		NeedsOf(spec(requesting("memory", "3Gi")), critical()),
		NeedsOf(spec(requesting("cpu", "1")), Admission{Priority: ptr.To(int32(150))}),
		NeedsOf(spec(withPorts(requesting(), port("", 9100, ""))), critical()),
		NeedsOf(spec(requesting("nvidia.com/gpu", "1")), Admission{}),
	}
	for n := range usages {
		if decoded[n].PodCount() != 30 {
			t.Fatalf("node %d: %d pods after decoding", n, decoded[n].PodCount())
		}
		for _, nd := range needs {
			if before, after := Fit(nd, &usages[n]), Fit(nd, &decoded[n]); !reflect.DeepEqual(before, after) {
				t.Fatalf("node %d: %s before encoding, %s after", n, before, after)
			}
		}
	}
}

func TestTableRejectsBadIndexes(t *testing.T) {
	for _, raw := range []string{`{"a":[],"g":[],"n":[[0]]}`, `{"a":[{}],"g":[],"n":[[0,1]]}`, `{"a":[{}],"g":[],"n":[[]]}`} {
		var table Table
		if err := json.Unmarshal([]byte(raw), &table); err != nil {
			t.Fatal(err)
		}
		if _, err := table.Usages(); err == nil {
			t.Errorf("%s read without an error", raw)
		}
	}
}
