package reliability

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
)

// background starts a terraform command and returns a function that waits for it, and one
// that interrupts it as Ctrl-C does (terraform-exec sends the interrupt when the command's
// context ends).
func background(ctx context.Context, t *testing.T, run func(ctx context.Context) (string, error)) (wait func(time.Duration) (string, error), interrupt func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(ctx)
	type result struct {
		out string
		err error
	}
	done := make(chan result, 1)
	go func() {
		out, err := run(ctx)
		done <- result{out, err}
	}()
	wait = func(limit time.Duration) (string, error) {
		select {
		case r := <-done:
			cancel()
			return r.out, r.err
		case <-time.After(limit):
			cancel()
			r := <-done
			t.Fatalf("terraform did not exit within %s (interrupted: %v):\n%s", limit, r.err, r.out)
			return "", nil
		}
	}
	t.Cleanup(cancel)
	return wait, cancel
}

// waitForDaemonSet returns once the DaemonSet exists, i.e. the apply is waiting for rollout.
func waitForDaemonSet(t *testing.T, name string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if _, err := adminCluster(t).Client.AppsV1().DaemonSets("default").Get(context.Background(), name, metav1.GetOptions{}); err == nil {
			time.Sleep(2 * time.Second)
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("DaemonSet %s never appeared", name)
}

func resumeCluster(t *testing.T) {
	t.Helper()
	ctx := ctxFor(t, 3*time.Minute)
	c := adminCluster(t)
	if err := c.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	var names []string
	for i := 1; i <= 50; i++ {
		names = append(names, fmt.Sprintf("fleet-%05d", i))
	}
	if err := c.WaitNodesReady(ctx, names); err != nil {
		t.Fatal(err)
	}
}

// TestAccFaultAPIServerStoppedDuringRollout: the API server stops while apply waits for the
// rollout. The apply fails with a clear error, the state holds only what exists, and the
// next apply converges with one DaemonSet.
func TestAccFaultAPIServerStoppedDuringRollout(t *testing.T) {
	ctx := ctxFor(t, 8*time.Minute)
	cli := acctest.NewCLI(t, restrictedKubeconfig(t))
	name := acctest.RandomName("fault")
	cli.Write(t, fluentd(name, "agent:v1", "1000", `timeouts = { create = "4m" }`))
	wait, _ := background(ctx, t, func(ctx context.Context) (string, error) { return cli.Apply(ctx, t) })
	waitForDaemonSet(t, name)
	if err := adminCluster(t).Pause(ctx); err != nil {
		t.Fatal(err)
	}
	out, err := wait(2 * time.Minute)
	resumeCluster(t)
	if err == nil {
		t.Fatalf("apply succeeded while the API server was down:\n%s", out)
	}
	mustContain(t, out, "DaemonSet rollout did not complete")
	state, err := cli.StateAddresses(ctx, t)
	if err != nil || !slices.Contains(state, "k8sfleet_daemonset.test") {
		t.Fatalf("the created DaemonSet is not in state (%v): %q", err, state)
	}
	t.Cleanup(func() { _, _ = cli.Destroy(context.Background(), t) })

	// Convergence is the point here, not a second rollout of 56 pods after the restart.
	cli.Write(t, fluentd(name, "agent:v1", "10m", `wait_for_rollout = false`))
	if out, err := cli.Apply(ctx, t); err != nil {
		t.Fatalf("second apply: %v\n%s", err, out)
	}
	list, err := adminCluster(t).Client.AppsV1().DaemonSets("default").List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	count := 0
	for _, ds := range list.Items {
		if ds.Name == name {
			count++
		}
	}
	if count != 1 {
		t.Fatalf("%d DaemonSets named %s", count, name)
	}
	if changes, out, err := cli.Plan(ctx, t); err != nil || changes {
		t.Fatalf("plan after convergence is not empty: %v\n%s", err, out)
	}
}

// TestAccFaultAPIServerStoppedDuringLabelApply: the API server stops in the middle of a
// for_each over 50 node labels; the next apply converges with every label present.
func TestAccFaultAPIServerStoppedDuringLabelApply(t *testing.T) {
	ctx := ctxFor(t, 8*time.Minute)
	cli := acctest.NewCLI(t, restrictedKubeconfig(t))
	value := acctest.RandomName("v")
	cli.Write(t, `
data "k8sfleet_nodes" "fleet" { label_selector = "fleet=fleet" }
resource "k8sfleet_node_label" "fault" {
  for_each  = toset(data.k8sfleet_nodes.fleet.names)
  node_name = each.key
  labels    = { "fault-test" = "`+value+`" }
}`)
	wait, _ := background(ctx, t, func(ctx context.Context) (string, error) { return cli.Apply(ctx, t, tfexec.Parallelism(4)) })
	time.Sleep(2500 * time.Millisecond)
	if err := adminCluster(t).Pause(ctx); err != nil {
		t.Fatal(err)
	}
	out, err := wait(3 * time.Minute)
	resumeCluster(t)
	t.Cleanup(func() { _, _ = cli.Destroy(context.Background(), t) })
	if err == nil {
		t.Logf("the first apply finished before the API server stopped")
	} else if !strings.Contains(out, "Error") {
		t.Fatalf("failed apply without an error message:\n%s", out)
	}
	if out, err := cli.Apply(ctx, t); err != nil {
		t.Fatalf("second apply: %v\n%s", err, out)
	}
	nodes, err := adminCluster(t).Client.CoreV1().Nodes().List(ctx, metav1.ListOptions{LabelSelector: "fleet=fleet"})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes.Items {
		if n.Labels["fault-test"] != value {
			t.Errorf("node %s lacks fault-test=%s", n.Name, value)
		}
	}
	if changes, out, err := cli.Plan(ctx, t); err != nil || changes {
		t.Fatalf("plan after convergence is not empty: %v\n%s", err, out)
	}
}

// TestAccCtrlCDuringRollout: an interrupt while apply waits for the rollout stops it promptly.
func TestAccCtrlCDuringRollout(t *testing.T) {
	ctx := ctxFor(t, 5*time.Minute)
	cli := acctest.NewCLI(t, restrictedKubeconfig(t))
	name := acctest.RandomName("interrupt")
	cli.Write(t, fluentd(name, "agent:v1", "1000", `timeouts = { create = "4m" }`))
	wait, interrupt := background(ctx, t, func(ctx context.Context) (string, error) { return cli.Apply(ctx, t) })
	t.Cleanup(func() { _, _ = cli.Destroy(context.Background(), t) })
	waitForDaemonSet(t, name)
	start := time.Now()
	interrupt()
	out, err := wait(30 * time.Second)
	elapsed := time.Since(start)
	if err == nil {
		t.Fatalf("apply succeeded after an interrupt:\n%s", out)
	}
	mustContain(t, out, "Waiting was cancelled")
	t.Logf("apply stopped %s after the interrupt", elapsed.Round(100*time.Millisecond))
	if elapsed > 15*time.Second {
		t.Fatalf("apply took %s to stop", elapsed)
	}
}
