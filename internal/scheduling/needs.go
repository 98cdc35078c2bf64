package scheduling

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	resourcehelper "k8s.io/component-helpers/resource"
)

// Resources is a set of resource amounts in the scheduler's units: millicores, bytes, counts.
type Resources struct {
	MilliCPU         int64 `json:"c,omitempty"`
	Memory           int64 `json:"m,omitempty"`
	EphemeralStorage int64 `json:"e,omitempty"`
	// Scalar holds hugepages-* and extended resources such as nvidia.com/gpu.
	Scalar map[corev1.ResourceName]int64 `json:"x,omitempty"`
}

// resourcesOf converts a list as the scheduler's Resource.Add does: names it does not count are dropped.
func resourcesOf(list corev1.ResourceList) Resources {
	var r Resources
	for name, q := range list {
		switch name {
		case corev1.ResourceCPU:
			r.MilliCPU = q.MilliValue()
		case corev1.ResourceMemory:
			r.Memory = q.Value()
		case corev1.ResourceEphemeralStorage:
			r.EphemeralStorage = q.Value()
		default:
			if isScalar(name) && q.Value() != 0 {
				if r.Scalar == nil {
					r.Scalar = map[corev1.ResourceName]int64{}
				}
				r.Scalar[name] = q.Value()
			}
		}
	}
	return r
}

// isScalar is the scheduler's IsScalarResourceName for names the API server accepts: extended
// (domain-prefixed) and prefixed native resources, hugepages and attachable volumes.
func isScalar(name corev1.ResourceName) bool {
	s := string(name)
	return strings.Contains(s, "/") || strings.HasPrefix(s, corev1.ResourceHugePagesPrefix) ||
		strings.HasPrefix(s, corev1.ResourceAttachableVolumesPrefix)
}

// add adds times o to r (times may be negative); a scalar that reaches zero is dropped.
func (r *Resources) add(o Resources, times int64) {
	r.MilliCPU += times * o.MilliCPU
	r.Memory += times * o.Memory
	r.EphemeralStorage += times * o.EphemeralStorage
	for name, v := range o.Scalar {
		if r.Scalar == nil {
			r.Scalar = map[corev1.ResourceName]int64{}
		}
		r.Scalar[name] += times * v
		if r.Scalar[name] == 0 {
			delete(r.Scalar, name)
		}
	}
}

func (r Resources) equal(o Resources) bool {
	if r.MilliCPU != o.MilliCPU || r.Memory != o.Memory || r.EphemeralStorage != o.EphemeralStorage ||
		len(r.Scalar) != len(o.Scalar) {
		return false
	}
	for name, v := range r.Scalar {
		if o.Scalar[name] != v {
			return false
		}
	}
	return true
}

// HostPort is a host port held on a node, with the scheduler's defaults applied: protocol TCP, host IP 0.0.0.0.
// Its text form is "[hostIP:]port[/protocol]" with the defaults left out ("9100", "10.0.0.1:53/UDP").
type HostPort struct {
	IP       string
	Protocol corev1.Protocol
	Port     int32
}

const (
	anyIP     = "0.0.0.0"
	protocolD = corev1.ProtocolTCP
)

func hostPortOf(p corev1.ContainerPort) HostPort {
	h := HostPort{IP: p.HostIP, Protocol: p.Protocol, Port: p.HostPort}
	if h.IP == "" {
		h.IP = anyIP
	}
	if h.Protocol == "" {
		h.Protocol = protocolD
	}
	return h
}

// conflicts is the scheduler's HostPortInfo.CheckConflict for one pair.
func (h HostPort) conflicts(o HostPort) bool {
	return h.Port == o.Port && h.Protocol == o.Protocol && (h.IP == o.IP || h.IP == anyIP || o.IP == anyIP)
}

func (h HostPort) String() string {
	var b strings.Builder
	if h.IP != anyIP {
		b.WriteString(h.IP)
		b.WriteByte(':')
	}
	b.WriteString(strconv.Itoa(int(h.Port)))
	if h.Protocol != protocolD {
		b.WriteByte('/')
		b.WriteString(string(h.Protocol))
	}
	return b.String()
}

// MarshalText writes the text form, which keeps a serialized usage small.
func (h HostPort) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText reads the text form of String.
func (h *HostPort) UnmarshalText(text []byte) error {
	s := string(text)
	*h = HostPort{IP: anyIP, Protocol: protocolD}
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		h.Protocol = corev1.Protocol(s[i+1:])
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		h.IP = s[:i]
		if net.ParseIP(h.IP) == nil {
			return fmt.Errorf("host port %q: %q is not an IP address", text, h.IP)
		}
		s = s[i+1:]
	}
	port, err := strconv.ParseInt(s, 10, 32)
	if err != nil || port <= 0 {
		return fmt.Errorf("host port %q: %q is not a port number", text, s)
	}
	h.Port = int32(port)
	return nil
}

// hostPortsOf is the scheduler's GetHostPorts: the containers' and sidecars' ports with a hostPort.
func hostPortsOf(spec *corev1.PodSpec) []HostPort {
	var ports []HostPort
	collect := func(c *corev1.Container) {
		for _, p := range c.Ports {
			if p.HostPort > 0 {
				ports = append(ports, hostPortOf(p))
			}
		}
	}
	for i := range spec.InitContainers {
		if isSidecar(&spec.InitContainers[i]) {
			collect(&spec.InitContainers[i])
		}
	}
	for i := range spec.Containers {
		collect(&spec.Containers[i])
	}
	return ports
}

func isSidecar(c *corev1.Container) bool {
	return c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways
}

// PodNeeds is what a pod asks of a node: its requests, host ports and the priority it preempts with.
type PodNeeds struct {
	Requests Resources
	Ports    []HostPort
	Priority int32
	// PreemptNever is preemptionPolicy Never: the pod waits for room and evicts no one.
	PreemptNever bool
}

// Admission holds what admission adds to a pod as it is created. A nil field keeps the spec's own value.
type Admission struct {
	// Overhead is the RuntimeClass's pod overhead.
	Overhead corev1.ResourceList
	// Priority is the value of the PriorityClass the pod names, or of the global default one.
	Priority *int32
	// PreemptionPolicy is the PriorityClass's preemption policy.
	PreemptionPolicy *corev1.PreemptionPolicy
}

// NeedsOf is what a pod created from spec needs, with the API server's defaults and adm applied.
// spec is not modified and may be nil.
func NeedsOf(spec *corev1.PodSpec, adm Admission) PodNeeds {
	pod := &corev1.Pod{}
	if spec != nil {
		spec.DeepCopyInto(&pod.Spec)
	}
	applyDefaults(&pod.Spec)
	if adm.Overhead != nil {
		pod.Spec.Overhead = adm.Overhead
	}
	if adm.Priority != nil {
		pod.Spec.Priority = adm.Priority
	}
	if adm.PreemptionPolicy != nil {
		pod.Spec.PreemptionPolicy = adm.PreemptionPolicy
	}
	return PodNeeds{
		Requests:     resourcesOf(resourcehelper.PodRequests(pod, resourcehelper.PodResourcesOptions{})),
		Ports:        hostPortsOf(&pod.Spec),
		Priority:     priorityOf(&pod.Spec),
		PreemptNever: pod.Spec.PreemptionPolicy != nil && *pod.Spec.PreemptionPolicy == corev1.PreemptNever,
	}
}

func priorityOf(spec *corev1.PodSpec) int32 {
	if spec.Priority == nil {
		return 0
	}
	return *spec.Priority
}

// applyDefaults is the part of the API server's SetDefaults_Pod that changes what the scheduler sees.
func applyDefaults(spec *corev1.PodSpec) {
	for _, list := range [][]corev1.Container{spec.InitContainers, spec.Containers} {
		for i := range list {
			defaultRequestsFromLimits(&list[i].Resources)
			if spec.HostNetwork {
				for j := range list[i].Ports {
					if list[i].Ports[j].HostPort == 0 {
						list[i].Ports[j].HostPort = list[i].Ports[j].ContainerPort
					}
				}
			}
		}
	}
	defaultPodLevelRequests(spec)
}

func defaultRequestsFromLimits(r *corev1.ResourceRequirements) {
	for name, limit := range r.Limits {
		if _, set := r.Requests[name]; !set {
			if r.Requests == nil {
				r.Requests = corev1.ResourceList{}
			}
			r.Requests[name] = limit.DeepCopy()
		}
	}
}

// defaultPodLevelRequests: a pod-level limit without a request, for a resource no container requests,
// becomes the pod-level request (where containers request cpu or memory, the default is their sum, which
// the scheduler computes anyway; hugepages default to the limit).
func defaultPodLevelRequests(spec *corev1.PodSpec) {
	if spec.Resources == nil || len(spec.Resources.Limits) == 0 {
		return
	}
	containers := resourcehelper.AggregateContainerRequests(&corev1.Pod{Spec: *spec}, resourcehelper.PodResourcesOptions{})
	for name, limit := range spec.Resources.Limits {
		_, requested := spec.Resources.Requests[name]
		_, inContainers := containers[name]
		hugePages := strings.HasPrefix(string(name), corev1.ResourceHugePagesPrefix)
		if !requested && (!inContainers || hugePages) && resourcehelper.IsSupportedPodLevelResource(name) {
			if spec.Resources.Requests == nil {
				spec.Resources.Requests = corev1.ResourceList{}
			}
			spec.Resources.Requests[name] = limit.DeepCopy()
		}
	}
}
