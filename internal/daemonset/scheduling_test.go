package daemonset

import (
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8stypes "k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/placement"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/scheduling"
)

func boundPod(node, memory string, priority int32, owner k8stypes.UID, hostPort int32) *corev1.Pod {
	c := corev1.Container{Name: "c", Resources: corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse(memory)}}}
	if hostPort != 0 {
		c.Ports = []corev1.ContainerPort{{ContainerPort: hostPort, HostPort: hostPort}}
	}
	p := &corev1.Pod{Spec: corev1.PodSpec{NodeName: node, Priority: &priority, Containers: []corev1.Container{c}}}
	if owner != "" {
		yes := true
		p.OwnerReferences = []metav1.OwnerReference{{Kind: "DaemonSet", UID: owner, Controller: &yes}}
	}
	return p
}

// usageOf folds pods as kube.Client.PodUsage does, on nodes of 1Gi and 110 pods.
func usageOf(nodes []string, pods ...*corev1.Pod) *kube.PodUsage {
	u := &kube.PodUsage{Nodes: map[string]*scheduling.NodeUsage{}, Daemon: map[string]map[k8stypes.UID]scheduling.PodGroup{}}
	for _, n := range nodes {
		nu := scheduling.NewNodeUsage(corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("1Gi"), corev1.ResourcePods: resource.MustParse("110")})
		u.Nodes[n] = &nu
	}
	for _, p := range pods {
		u.Nodes[p.Spec.NodeName].Add(p)
		if ref := metav1.GetControllerOf(p); ref != nil {
			g, _ := scheduling.GroupOf(p)
			if u.Daemon[p.Spec.NodeName] == nil {
				u.Daemon[p.Spec.NodeName] = map[k8stypes.UID]scheduling.PodGroup{}
			}
			u.Daemon[p.Spec.NodeName][ref.UID] = g
		}
	}
	return u
}

func TestJudgeStarts(t *testing.T) {
	const ours = k8stypes.UID("ours")
	nodes := []string{"n-1", "n-2", "n-3", "n-4"}
	usage := usageOf(nodes,
		boundPod("n-1", "600Mi", 0, "", 0), boundPod("n-1", "200Mi", 0, ours, 0), // our old pod: 200Mi
		boundPod("n-2", "900Mi", 0, "", 0),
		boundPod("n-3", "100Mi", 0, "", 9100),
		boundPod("n-4", "900Mi", -10, "", 0), // lower priority: preempted
	)
	spec := &corev1.PodSpec{Containers: []corev1.Container{{Name: "agent", Resources: corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("300Mi")}}}}}
	needs := scheduling.NeedsOf(spec, scheduling.Admission{})
	starts := []placement.Start{{Node: "n-1", Replaces: true}, {Node: "n-2"}, {Node: "n-4"}}

	got := judgeStarts(needs, usage, ours, false, starts).text(20)
	want := "scheduler: 1 pod will stay Pending: Insufficient memory: n-2 (requests 300Mi, 124Mi of 1Gi free)\n" +
		"scheduler: 1 pod placed by preempting 1 pod of lower priority: n-4"
	if got != want {
		t.Errorf("without surge:\n%s\nwant\n%s", got, want)
	}

	// With maxSurge the old pod stays beside its replacement, which no longer fits on n-1.
	got = judgeStarts(needs, usage, ours, true, starts).text(20)
	if !strings.Contains(got, "2 pods will stay Pending: Insufficient memory: n-1 (requests 300Mi, 224Mi of 1Gi free), n-2") ||
		!strings.Contains(got, "the old pods keep running beside their Pending replacements") {
		t.Errorf("with surge:\n%s", got)
	}

	spec.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 9100, HostPort: 9100}}
	spec.Containers[0].Resources = corev1.ResourceRequirements{}
	got = judgeStarts(scheduling.NeedsOf(spec, scheduling.Admission{}), usage, ours, false, []placement.Start{{Node: "n-3"}, {Node: "n-1", Replaces: true}}).text(20)
	if want := "scheduler: 1 pod will stay Pending: " + scheduling.ReasonPorts + ": n-3 (host ports in use: 9100)"; got != want {
		t.Errorf("host port:\n%s\nwant\n%s", got, want)
	}
	if got := judgeStarts(needs, usage, ours, false, nil).text(20); got != "" {
		t.Errorf("no pod to place: %q", got)
	}
}

func TestSurgeProblems(t *testing.T) {
	surge := intstr.FromString("25%")
	zero := intstr.FromInt32(0)
	for _, c := range []struct {
		name        string
		maxSurge    *intstr.IntOrString
		hostNetwork bool
		hostPort    int32
		want        bool
	}{
		{"host port with surge", &surge, false, 9100, true},
		{"host network port with surge", &surge, true, 0, true},
		{"host port without surge", &zero, false, 9100, false},
		{"surge without host port", &surge, false, 0, false},
		{"host port, no rolling update settings", nil, false, 9100, false},
	} {
		ds := &appsv1.DaemonSet{}
		ds.Spec.Template.Spec.HostNetwork = c.hostNetwork
		ds.Spec.Template.Spec.Containers = []corev1.Container{{Name: "a", Ports: []corev1.ContainerPort{{ContainerPort: 9100, HostPort: c.hostPort}}}}
		if c.maxSurge != nil {
			ds.Spec.UpdateStrategy.RollingUpdate = &appsv1.RollingUpdateDaemonSet{MaxSurge: c.maxSurge}
		}
		got := surgeProblems(&desired{ds: ds})
		if (len(got) > 0) != c.want {
			t.Errorf("%s: %v", c.name, got)
		}
		if len(got) > 0 && (!strings.Contains(got[0].msg, "host port 9100 ") || got[0].path.String() != "spec.update_strategy.rolling_update.max_surge") {
			t.Errorf("%s: %s at %s", c.name, got[0].msg, got[0].path)
		}
	}
}
