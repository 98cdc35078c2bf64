package scheduling

import (
	"slices"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

const (
	systemNodeCritical = int32(2000001000)
	insufficientMemory = "Insufficient memory"
)

// list builds a resource list from name, quantity pairs.
func list(pairs ...string) corev1.ResourceList {
	l := corev1.ResourceList{}
	for i := 0; i < len(pairs); i += 2 {
		l[corev1.ResourceName(pairs[i])] = resource.MustParse(pairs[i+1])
	}
	return l
}

// node1Gi is 1 CPU, 1Gi, 10Gi of ephemeral storage and room for 110 pods.
func node1Gi(extra ...string) corev1.ResourceList {
	return list(append([]string{"cpu", "1", "memory", "1Gi", "ephemeral-storage", "10Gi", "pods", "110"}, extra...)...)
}

func requesting(pairs ...string) corev1.Container {
	return corev1.Container{Name: "c", Resources: corev1.ResourceRequirements{Requests: list(pairs...)}}
}

func limiting(pairs ...string) corev1.Container {
	return corev1.Container{Name: "c", Resources: corev1.ResourceRequirements{Limits: list(pairs...)}}
}

func sidecar(c corev1.Container) corev1.Container {
	c.RestartPolicy = ptr.To(corev1.ContainerRestartPolicyAlways)
	return c
}

func withPorts(c corev1.Container, ports ...corev1.ContainerPort) corev1.Container {
	c.Ports = ports
	return c
}

func port(hostIP string, hostPort int32, protocol corev1.Protocol) corev1.ContainerPort {
	return corev1.ContainerPort{ContainerPort: hostPort, HostPort: hostPort, HostIP: hostIP, Protocol: protocol}
}

func spec(containers ...corev1.Container) *corev1.PodSpec {
	return &corev1.PodSpec{Containers: containers}
}

func withInit(s *corev1.PodSpec, init ...corev1.Container) *corev1.PodSpec {
	s.InitContainers = init
	return s
}

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// bound is a running pod on the node with priority, started minutes after the epoch. Pods read from the
// API server have its defaults applied already: give them requests, not limits alone.
func bound(priority int32, minutes int, s *corev1.PodSpec) *corev1.Pod {
	p := &corev1.Pod{Spec: *s}
	p.Spec.NodeName = "n1"
	p.Spec.Priority = ptr.To(priority)
	p.Status.Phase = corev1.PodRunning
	p.Status.StartTime = ptr.To(metav1.NewTime(epoch.Add(time.Duration(minutes) * time.Minute)))
	return p
}

func filler(priority int32, memory string) *corev1.Pod {
	return bound(priority, 0, spec(requesting("memory", memory)))
}

func withPhase(p *corev1.Pod, phase corev1.PodPhase) *corev1.Pod {
	p.Status.Phase = phase
	return p
}

func terminating(p *corev1.Pod) *corev1.Pod {
	p.DeletionTimestamp = ptr.To(metav1.NewTime(epoch))
	return p
}

// resized is p after the kubelet allocated memory to its container "c" in an in-place resize.
func resized(p *corev1.Pod, memory string) *corev1.Pod {
	p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "c", AllocatedResources: list("memory", memory)}}
	return p
}

func critical() Admission { return Admission{Priority: ptr.To(systemNodeCritical)} }

func TestFit(t *testing.T) {
	never := corev1.PreemptNever
	tests := []struct {
		name        string
		allocatable corev1.ResourceList
		pods        []*corev1.Pod
		// withoutFirst removes pods[0] again, as the DaemonSet's own old pod under maxSurge 0.
		withoutFirst bool
		daemon       *corev1.PodSpec
		admission    Admission
		want         Outcome
		reasons      []string
		victims      int
		detail       string // of the first reason, when set
	}{
		// The shared case table, row by row.
		{name: "empty node", allocatable: node1Gi(), daemon: spec(requesting("cpu", "100m", "memory", "200Mi")),
			want: Scheduled},
		{name: "filler 900Mi, same priority", allocatable: node1Gi(), pods: []*corev1.Pod{filler(0, "900Mi")},
			daemon: spec(requesting("memory", "200Mi")), want: Pending, reasons: []string{insufficientMemory},
			detail: "requests 200Mi, 124Mi of 1Gi free"},
		{name: "larger than the node, critical: preemption does not help", allocatable: node1Gi(),
			daemon: spec(requesting("memory", "2Gi")), admission: critical(),
			want: Pending, reasons: []string{insufficientMemory}},
		{name: "larger than the node with a victim present", allocatable: node1Gi(), pods: []*corev1.Pod{filler(0, "100Mi")},
			daemon: spec(requesting("memory", "2Gi")), admission: critical(),
			want: Pending, reasons: []string{insufficientMemory}},
		{name: "init container peak", allocatable: node1Gi(), pods: []*corev1.Pod{filler(0, "524Mi")},
			daemon: withInit(spec(requesting("memory", "100Mi")), requesting("memory", "600Mi")),
			want:   Pending, reasons: []string{insufficientMemory}, detail: "requests 600Mi, 500Mi of 1Gi free"},
		{name: "init then main: the max counts", allocatable: node1Gi(), pods: []*corev1.Pod{filler(0, "524Mi")},
			daemon: withInit(spec(requesting("memory", "300Mi")), requesting("memory", "300Mi")), want: Scheduled},
		{name: "sidecar adds to main", allocatable: node1Gi(), pods: []*corev1.Pod{filler(0, "524Mi")},
			daemon: withInit(spec(requesting("memory", "300Mi")), sidecar(requesting("memory", "300Mi"))),
			want:   Pending, reasons: []string{insufficientMemory}, detail: "requests 600Mi, 500Mi of 1Gi free"},
		{name: "overhead", allocatable: node1Gi(), pods: []*corev1.Pod{filler(0, "524Mi")},
			daemon: spec(requesting("memory", "450Mi")), admission: Admission{Overhead: list("memory", "100Mi")},
			want: Pending, reasons: []string{insufficientMemory}, detail: "requests 550Mi, 500Mi of 1Gi free"},
		{name: "no GPU", allocatable: node1Gi(), daemon: spec(requesting("nvidia.com/gpu", "1")),
			want: Pending, reasons: []string{"Insufficient nvidia.com/gpu"}, detail: "requests 1, 0 of 0 free"},
		{name: "ephemeral storage", allocatable: node1Gi(),
			pods:   []*corev1.Pod{bound(0, 0, spec(requesting("ephemeral-storage", "9Gi")))},
			daemon: spec(requesting("ephemeral-storage", "2Gi")), want: Pending,
			reasons: []string{"Insufficient ephemeral-storage"}, detail: "requests 2Gi, 1Gi of 10Gi free"},
		{name: "too many pods", allocatable: list("pods", "2"),
			pods:   []*corev1.Pod{bound(0, 0, spec()), bound(0, 1, spec())},
			daemon: spec(corev1.Container{Name: "c"}), want: Pending, reasons: []string{ReasonTooManyPods},
			detail: "requests 1, 0 of 2 free"},
		{name: "host port in use", allocatable: node1Gi(),
			pods:   []*corev1.Pod{bound(0, 0, spec(withPorts(requesting(), port("", 9100, corev1.ProtocolTCP))))},
			daemon: spec(withPorts(requesting(), port("", 9100, corev1.ProtocolTCP))),
			want:   Pending, reasons: []string{ReasonPorts}, detail: "host ports in use: 9100"},
		{name: "host port: protocols differ", allocatable: node1Gi(),
			pods:   []*corev1.Pod{bound(0, 0, spec(withPorts(requesting(), port("", 9100, corev1.ProtocolUDP))))},
			daemon: spec(withPorts(requesting(), port("", 9100, corev1.ProtocolTCP))), want: Scheduled},
		{name: "host port: host IPs differ", allocatable: node1Gi(),
			pods:   []*corev1.Pod{bound(0, 0, spec(withPorts(requesting(), port("10.0.0.1", 9100, ""))))},
			daemon: spec(withPorts(requesting(), port("10.0.0.2", 9100, ""))), want: Scheduled},
		{name: "host port: wildcard in use", allocatable: node1Gi(),
			pods:   []*corev1.Pod{bound(0, 0, spec(withPorts(requesting(), port("0.0.0.0", 9100, ""))))},
			daemon: spec(withPorts(requesting(), port("10.0.0.2", 9100, ""))), want: Pending, reasons: []string{ReasonPorts}},
		{name: "host port preempted", allocatable: node1Gi(),
			pods:   []*corev1.Pod{bound(0, 0, spec(withPorts(requesting(), port("", 9100, ""))))},
			daemon: spec(withPorts(requesting(), port("", 9100, ""))), admission: critical(),
			want: Preempting, reasons: []string{ReasonPorts}, victims: 1},
		{name: "preemptionPolicy Never", allocatable: node1Gi(), pods: []*corev1.Pod{filler(0, "900Mi")},
			daemon:    spec(requesting("memory", "200Mi")),
			admission: Admission{Priority: ptr.To(systemNodeCritical), PreemptionPolicy: &never},
			want:      Pending, reasons: []string{insufficientMemory}},
		{name: "terminating pod counts", allocatable: node1Gi(), pods: []*corev1.Pod{terminating(filler(0, "900Mi"))},
			daemon: spec(requesting("memory", "200Mi")), want: Pending, reasons: []string{insufficientMemory}},
		// A cordoned node is NodeUnschedulable's business, which daemon pods tolerate; nothing here reads it.
		{name: "cordoned node", allocatable: node1Gi(), daemon: spec(requesting("memory", "100Mi")), want: Scheduled},

		// The API server's defaults.
		{name: "requests default to limits", allocatable: node1Gi(), pods: []*corev1.Pod{filler(0, "900Mi")},
			daemon: spec(limiting("memory", "200Mi")), want: Pending, reasons: []string{insufficientMemory}},
		{name: "extended resource from limits only, available", allocatable: node1Gi("nvidia.com/gpu", "2"),
			pods:   []*corev1.Pod{bound(0, 0, spec(requesting("nvidia.com/gpu", "1")))},
			daemon: spec(limiting("nvidia.com/gpu", "1")), want: Scheduled},
		{name: "extended resource used up", allocatable: node1Gi("nvidia.com/gpu", "1"),
			pods:   []*corev1.Pod{bound(0, 0, spec(requesting("nvidia.com/gpu", "1")))},
			daemon: spec(limiting("nvidia.com/gpu", "1")), want: Pending, reasons: []string{"Insufficient nvidia.com/gpu"},
			detail: "requests 1, 0 of 1 free"},
		{name: "hostNetwork: hostPort from containerPort", allocatable: node1Gi(),
			pods: []*corev1.Pod{bound(0, 0, spec(withPorts(requesting(), port("", 9100, ""))))},
			daemon: &corev1.PodSpec{HostNetwork: true,
				Containers: []corev1.Container{withPorts(requesting(), corev1.ContainerPort{ContainerPort: 9100})}},
			want: Pending, reasons: []string{ReasonPorts}},
		{name: "containerPort alone holds no host port", allocatable: node1Gi(),
			pods:   []*corev1.Pod{bound(0, 0, spec(withPorts(requesting(), port("", 9100, ""))))},
			daemon: spec(withPorts(requesting(), corev1.ContainerPort{ContainerPort: 9100})), want: Scheduled},
		{name: "host IP wildcard wanted, specific IP in use", allocatable: node1Gi(),
			pods:   []*corev1.Pod{bound(0, 0, spec(withPorts(requesting(), port("10.0.0.1", 9100, ""))))},
			daemon: spec(withPorts(requesting(), port("", 9100, ""))), want: Pending, reasons: []string{ReasonPorts},
			detail: "host ports in use: 10.0.0.1:9100"},
		{name: "sidecar ports are held, init container ports are not", allocatable: node1Gi(),
			pods: []*corev1.Pod{bound(0, 0, withInit(spec(requesting()),
				withPorts(requesting(), port("", 9200, "")), sidecar(withPorts(requesting(), port("", 9100, "")))))},
			daemon: spec(withPorts(requesting(), port("", 9100, ""), port("", 9200, ""))),
			want:   Pending, reasons: []string{ReasonPorts}, detail: "host ports in use: 9100"},

		// Pod-level requests.
		{name: "pod-level requests override containers", allocatable: node1Gi(), pods: []*corev1.Pod{filler(0, "524Mi")},
			daemon: &corev1.PodSpec{Containers: []corev1.Container{requesting("memory", "100Mi")},
				Resources: &corev1.ResourceRequirements{Requests: list("memory", "600Mi")}},
			want: Pending, reasons: []string{insufficientMemory}, detail: "requests 600Mi, 500Mi of 1Gi free"},
		{name: "pod-level limit without requests becomes the request", allocatable: node1Gi(),
			pods: []*corev1.Pod{filler(0, "524Mi")},
			daemon: &corev1.PodSpec{Containers: []corev1.Container{requesting("cpu", "10m")},
				Resources: &corev1.ResourceRequirements{Limits: list("memory", "600Mi")}},
			want: Pending, reasons: []string{insufficientMemory}},
		{name: "pod-level requests below the containers' sum", allocatable: node1Gi(), pods: []*corev1.Pod{filler(0, "524Mi")},
			daemon: &corev1.PodSpec{Containers: []corev1.Container{requesting("memory", "300Mi"), requesting("memory", "300Mi")},
				Resources: &corev1.ResourceRequirements{Requests: list("memory", "400Mi")}},
			want: Scheduled},

		// What counts on the node.
		{name: "finished pods do not count", allocatable: node1Gi(),
			pods:   []*corev1.Pod{withPhase(filler(0, "900Mi"), corev1.PodSucceeded), withPhase(filler(0, "900Mi"), corev1.PodFailed)},
			daemon: spec(requesting("memory", "200Mi")), want: Scheduled},
		{name: "a resized pod counts its larger allocated request", allocatable: node1Gi(),
			pods: []*corev1.Pod{resized(filler(0, "100Mi"), "900Mi")}, daemon: spec(requesting("memory", "200Mi")),
			want: Pending, reasons: []string{insufficientMemory}, detail: "requests 200Mi, 124Mi of 1Gi free"},
		{name: "a bound pod's init peak counts", allocatable: node1Gi(),
			pods:   []*corev1.Pod{bound(0, 0, withInit(spec(requesting("memory", "100Mi")), requesting("memory", "800Mi")))},
			daemon: spec(requesting("memory", "300Mi")), want: Pending, reasons: []string{insufficientMemory}},
		{name: "own old pod removed first (maxSurge 0)", allocatable: node1Gi(),
			pods: []*corev1.Pod{bound(0, 5, spec(requesting("memory", "300Mi"))), filler(0, "600Mi")}, withoutFirst: true,
			daemon: spec(requesting("memory", "400Mi")), want: Scheduled},
		{name: "own old pod still there (maxSurge > 0)", allocatable: node1Gi(),
			pods:   []*corev1.Pod{bound(0, 5, spec(requesting("memory", "300Mi"))), filler(0, "600Mi")},
			daemon: spec(requesting("memory", "400Mi")), want: Pending, reasons: []string{insufficientMemory}},
		{name: "every short resource, in the scheduler's order", allocatable: list("cpu", "1", "memory", "1Gi", "pods", "1", "hugepages-2Mi", "0"),
			pods:   []*corev1.Pod{bound(0, 0, spec(requesting("cpu", "900m", "memory", "900Mi")))},
			daemon: spec(requesting("cpu", "200m", "memory", "200Mi", "hugepages-2Mi", "4Mi", "example.com/dongle", "1")),
			want:   Pending, reasons: []string{ReasonTooManyPods, "Insufficient cpu", insufficientMemory,
				"Insufficient example.com/dongle", "Insufficient hugepages-2Mi"}},
		{name: "zero requests: only the pod count", allocatable: list("pods", "110"),
			pods: []*corev1.Pod{filler(0, "1Gi")}, daemon: spec(corev1.Container{Name: "c"}), want: Scheduled},
		{name: "cpu figures", allocatable: node1Gi(), pods: []*corev1.Pod{bound(0, 0, spec(requesting("cpu", "950m")))},
			daemon: spec(requesting("cpu", "100m")), want: Pending, reasons: []string{"Insufficient cpu"},
			detail: "requests 100m, 50m of 1 free"},

		// Preemption.
		{name: "equal priority is no victim", allocatable: node1Gi(), pods: []*corev1.Pod{filler(1000, "900Mi")},
			daemon: spec(requesting("memory", "200Mi")), admission: Admission{Priority: ptr.To(int32(1000))},
			want: Pending, reasons: []string{insufficientMemory}},
		{name: "victims: reprieved highest priority first", allocatable: list("memory", "1000Mi", "pods", "110"),
			pods:   []*corev1.Pod{filler(100, "300Mi"), filler(10, "400Mi"), filler(0, "200Mi"), bound(0, 1, spec(requesting("memory", "100Mi")))},
			daemon: spec(requesting("memory", "500Mi")), admission: Admission{Priority: ptr.To(int32(1000))},
			want: Preempting, reasons: []string{insufficientMemory}, victims: 2},
		{name: "victims: earlier start reprieved first, not the fewest possible", allocatable: list("memory", "1000Mi", "pods", "110"),
			pods: []*corev1.Pod{bound(0, 1, spec(requesting("memory", "500Mi"))),
				bound(0, 2, spec(requesting("memory", "200Mi"))), bound(0, 3, spec(requesting("memory", "200Mi")))},
			daemon: spec(requesting("memory", "500Mi")), admission: critical(),
			want: Preempting, reasons: []string{insufficientMemory}, victims: 2},
		{name: "victims: the large pod started last", allocatable: list("memory", "1000Mi", "pods", "110"),
			pods: []*corev1.Pod{bound(0, 4, spec(requesting("memory", "500Mi"))),
				bound(0, 2, spec(requesting("memory", "200Mi"))), bound(0, 3, spec(requesting("memory", "200Mi")))},
			daemon: spec(requesting("memory", "500Mi")), admission: critical(),
			want: Preempting, reasons: []string{insufficientMemory}, victims: 1},
		{name: "victims: identical pods", allocatable: list("memory", "1000Mi", "pods", "110"),
			pods:   []*corev1.Pod{filler(0, "250Mi"), filler(0, "250Mi"), filler(0, "250Mi"), filler(0, "250Mi")},
			daemon: spec(requesting("memory", "500Mi")), admission: critical(),
			want: Preempting, reasons: []string{insufficientMemory}, victims: 2},
		{name: "preempting for the pod count", allocatable: list("pods", "2"),
			pods:   []*corev1.Pod{bound(0, 0, spec()), bound(5, 1, spec())},
			daemon: spec(), admission: critical(), want: Preempting, reasons: []string{ReasonTooManyPods}, victims: 1},
		{name: "port held by a higher-priority pod, memory by a lower one", allocatable: node1Gi(),
			pods:   []*corev1.Pod{bound(systemNodeCritical, 0, spec(withPorts(requesting(), port("", 9100, "")))), filler(0, "900Mi")},
			daemon: spec(withPorts(requesting("memory", "200Mi"), port("", 9100, ""))), admission: Admission{Priority: ptr.To(int32(1000))},
			want: Pending, reasons: []string{ReasonPorts}},
		{name: "ports first: the resource filter is not reached", allocatable: node1Gi(),
			pods:   []*corev1.Pod{bound(0, 0, spec(withPorts(requesting("memory", "900Mi"), port("", 9100, ""))))},
			daemon: spec(withPorts(requesting("memory", "200Mi"), port("", 9100, ""))), admission: critical(),
			want: Preempting, reasons: []string{ReasonPorts}, victims: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			usage := NewNodeUsage(tt.allocatable)
			for _, p := range tt.pods {
				usage.Add(p)
			}
			if tt.withoutFirst && !usage.Remove(tt.pods[0]) {
				t.Fatal("Remove did not find the pod")
			}
			got := Fit(NeedsOf(tt.daemon, tt.admission), &usage)
			var reasons []string
			for _, r := range got.Reasons {
				reasons = append(reasons, r.Message)
			}
			if got.Outcome != tt.want || !slices.Equal(reasons, tt.reasons) || got.Victims != tt.victims {
				t.Fatalf("got %v %q victims %d; want %v %q victims %d (%s)",
					got.Outcome, reasons, got.Victims, tt.want, tt.reasons, tt.victims, got)
			}
			if tt.detail != "" && got.Reasons[0].Detail() != tt.detail {
				t.Errorf("detail %q, want %q", got.Reasons[0].Detail(), tt.detail)
			}
		})
	}
}

func TestVerdictString(t *testing.T) {
	usage := NewNodeUsage(node1Gi())
	usage.Add(filler(0, "900Mi"))
	needs := NeedsOf(spec(requesting("memory", "200Mi")), Admission{})
	for _, tt := range []struct {
		needs PodNeeds
		want  string
	}{
		{needs, "Pending: Insufficient memory (requests 200Mi, 124Mi of 1Gi free)"},
		{PodNeeds{Priority: 1, Requests: needs.Requests}, "fits by preempting 1 pod"},
		{PodNeeds{}, "scheduled"},
	} {
		if got := Fit(tt.needs, &usage).String(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}
