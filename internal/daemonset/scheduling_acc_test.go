package daemonset_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/daemonset"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/testcluster"
)

// TestAccDaemonSet_schedulerVerdict: the plan says which new pods the real kube-scheduler will
// leave Pending, and why, and where a pod preempts one of lower priority; after apply the
// scheduler agrees node by node. s-01 has room; s-02 too little memory; s-03 a pod of equal
// priority on the agent's host port; s-04 a pod of lower priority in the way.
func TestAccDaemonSet_schedulerVerdict(t *testing.T) {
	c := acctest.Cluster(t)
	ctx := context.Background()
	name := acctest.RandomName("sched")
	node := func(i int) string { return fmt.Sprintf("%s-s-%02d", name, i) }
	gib := corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("1Gi")}
	nodes := []testcluster.Node{
		{Name: node(1)},
		{Name: node(2), Allocatable: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("256Mi")}},
		{Name: node(3)},
		{Name: node(4), Allocatable: gib},
	}
	for i := range nodes {
		nodes[i].Labels = map[string]string{"sched.k8sfleet.io/fleet": name}
	}
	names := []string{node(1), node(2), node(3), node(4)}
	t.Cleanup(func() { _ = c.DeleteNodes(context.Background(), names...) })
	if err := c.CreateNodes(ctx, nodes); err != nil {
		t.Fatal(err)
	}
	low := &schedulingv1.PriorityClass{ObjectMeta: metav1.ObjectMeta{Name: name + "-low"}, Value: -100}
	if _, err := c.Client.SchedulingV1().PriorityClasses().Create(ctx, low, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = c.Client.SchedulingV1().PriorityClasses().Delete(context.Background(), low.Name, metav1.DeleteOptions{})
	})
	filler(t, name+"-port", node(3), "", "10Mi", 9100)
	filler(t, name+"-low", node(4), low.Name, "900Mi", 0)

	cli := acctest.NewCLI(t, c.Kubeconfig)
	config := func(memory string) string {
		return fmt.Sprintf(`
resource "k8sfleet_daemonset" "agent" {
  metadata = { name = %[1]q, namespace = "default" }
  spec = {
    selector = { match_labels = { app = %[1]q } }
    template = {
      metadata = { labels = { app = %[1]q } }
      spec = {
        node_selector = { "sched.k8sfleet.io/fleet" = %[1]q }
        containers = [{
          name      = "exporter"
          image     = "registry.k8s.io/pause:3.10"
          ports     = [{ container_port = 9100, host_port = 9100 }]
          resources = { requests = { memory = %[2]q } }
        }]
      }
    }
  }
  wait_for_rollout = false
}

data "k8sfleet_daemonset_placement" "agent" {
  namespace  = "default"
  name       = k8sfleet_daemonset.agent.metadata.name
  depends_on = [k8sfleet_daemonset.agent]
}

output "verdicts" {
  value = { for n in data.k8sfleet_daemonset_placement.agent.nodes : n.name => coalesce(n.pending_reason, tostring(n.schedulable)) if n.should_run }
}
`, name, memory)
	}
	cli.Write(t, config("512Mi"))
	out, err := cli.Run(ctx, "plan", "-no-color")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if i := strings.Index(out, "Warning: DaemonSet"); i >= 0 {
		t.Logf("the create's plan warning:\n%s", out[i:min(len(out), i+900)])
	}
	for _, want := range []string{
		"scheduler: 1 pod will stay Pending: Insufficient memory: " + node(2) + " (requests 512Mi, 256Mi of 256Mi free)",
		"scheduler: 1 pod will stay Pending: node(s) didn't have free ports for the requested pod ports: " + node(3) + " (host ports in use: 9100)",
		"scheduler: 1 pod placed by preempting 1 pod of lower priority: " + node(4),
	} {
		if !acctest.Wrapped(want).MatchString(out) {
			t.Errorf("the plan does not say\n  %s\n%s", want, out)
		}
	}
	if out, err := cli.Run(ctx, "apply", "-auto-approve", "-no-color"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	t.Cleanup(func() { _, _ = cli.Run(context.Background(), "destroy", "-auto-approve") })

	// The scheduler's view: the pods on s-02 and s-03 stay unschedulable for the planned
	// reasons, s-01 and s-04 run theirs, and the low-priority pod on s-04 was preempted.
	verdicts(ctx, t, cli, map[string]string{node(1): "true", node(2): "Insufficient memory (requests 512Mi, 256Mi of 256Mi free)",
		node(3): "node(s) didn't have free ports for the requested pod ports (host ports in use: 9100)", node(4): "true"})
	want := map[string]string{node(1): "", node(2): "Insufficient memory", node(3): "didn't have free ports", node(4): ""}
	waitSchedulerView(ctx, t, name, want)
	if _, err := c.Client.CoreV1().Pods("default").Get(ctx, name+"-low", metav1.GetOptions{}); err == nil {
		t.Errorf("the low-priority pod on %s was not preempted", node(4))
	}

	// Raising the request past s-04's allocatable, once s-02 and s-03 have left the fleet (their
	// Pending pods would hold the rollout's budget of one unavailable pod): the replacement is
	// judged with the old pod gone (no surge) and stays Pending; the rollout stalls there.
	for _, n := range []string{node(2), node(3)} {
		acctest.EditNode(t, n, "sched-test", func(n *corev1.Node) { delete(n.Labels, "sched.k8sfleet.io/fleet") })
	}
	// A Pending daemon pod has no node name, so the controller's node handler does not find it
	// on the node and leaves the DaemonSet unsynced until it changes: make it sync.
	resync(t, name)
	waitSchedulerView(ctx, t, name, map[string]string{node(1): "", node(4): ""})
	cli.Write(t, config("2Gi"))
	if out, err = cli.Run(ctx, "plan", "-no-color"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{
		"scheduler: 1 pod will stay Pending: Insufficient memory: " + node(4) + " (requests 2Gi, 1Gi of 1Gi free)",
		"up to max_unavailable of these nodes are left without a running pod",
	} {
		if !acctest.Wrapped(want).MatchString(out) {
			t.Errorf("the update's plan does not say\n  %s\n%s", want, out)
		}
	}
	if out, err := cli.Run(ctx, "apply", "-auto-approve", "-no-color"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	// Whichever node the controller takes first, s-04 ends without a running pod: its
	// replacement waits for memory. s-01's pod is replaced or not, by the controller's order.
	deadline := time.Now().Add(60 * time.Second)
	for {
		got, err := schedulerView(ctx, t, name)
		if err == nil && strings.Contains(got[node(4)], "Insufficient memory") {
			t.Logf("after the update: %v", got)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the update the scheduler's view is %v (err %v); the plan said %s stays Pending", got, err, node(4))
		}
		time.Sleep(time.Second)
	}
}

// waitSchedulerView waits until the scheduler's view of the DaemonSet's pods agrees with want.
func waitSchedulerView(ctx context.Context, t *testing.T, app string, want map[string]string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		got, err := schedulerView(ctx, t, app)
		if err == nil && agrees(got, want) {
			t.Logf("the scheduler agrees: %v", got)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the scheduler's view %v (err %v), the plan said %v", got, err, want)
		}
		time.Sleep(time.Second)
	}
}

// filler binds a pod to node directly, as the scheduler would have, to use its room.
func filler(t *testing.T, name, node, priorityClass, memory string, hostPort int32) {
	t.Helper()
	c := acctest.Cluster(t).Client
	container := corev1.Container{Name: "filler", Image: "registry.k8s.io/pause:3.10", Resources: corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse(memory)}}}
	if hostPort != 0 {
		container.Ports = []corev1.ContainerPort{{ContainerPort: hostPort, HostPort: hostPort}}
	}
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"},
		Spec: corev1.PodSpec{NodeName: node, PriorityClassName: priorityClass, Containers: []corev1.Container{container}}}
	if _, err := c.CoreV1().Pods("default").Create(context.Background(), pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		zero := int64(0)
		_ = c.CoreV1().Pods("default").Delete(context.Background(), name, metav1.DeleteOptions{GracePeriodSeconds: &zero})
	})
}

// schedulerView maps each node of the DaemonSet's pods to the message of its pod's false
// PodScheduled condition, "" for a pod bound to its node.
func schedulerView(ctx context.Context, t *testing.T, app string) (map[string]string, error) {
	pods, err := acctest.Cluster(t).Client.CoreV1().Pods("default").List(ctx, metav1.ListOptions{LabelSelector: "app=" + app})
	if err != nil {
		return nil, err
	}
	view := map[string]string{}
	for i := range pods.Items {
		p := &pods.Items[i]
		if p.DeletionTimestamp != nil {
			continue
		}
		msg := ""
		if p.Spec.NodeName == "" {
			msg = "not scheduled yet"
			for _, cond := range p.Status.Conditions {
				if cond.Type == corev1.PodScheduled && cond.Status == corev1.ConditionFalse {
					msg = cond.Message
				}
			}
		}
		view[daemonset.PodNode(p)] = msg
	}
	return view, nil
}

// agrees: the same nodes, each "" where want is "", else a message containing want's.
func agrees(got, want map[string]string) bool {
	if !slices.Equal(slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want))) {
		return false
	}
	for n, w := range want {
		if (w == "") != (got[n] == "") || !strings.Contains(got[n], w) {
			return false
		}
	}
	return true
}

// verdicts checks the data source's per-node verdicts, read at the apply, against want.
func verdicts(ctx context.Context, t *testing.T, cli *acctest.CLI, want map[string]string) {
	t.Helper()
	out, err := cli.Run(ctx, "output", "-json", "verdicts")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var got map[string]string
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !maps.Equal(got, want) {
		t.Errorf("k8sfleet_daemonset_placement says %v, want %v", got, want)
	}
}
