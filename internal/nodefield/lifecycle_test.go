package nodefield_test

import (
	"context"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/testcluster"
)

// TestAccNodeFields_failedFleetCreateLeavesNothing: the API server refuses the write on one of
// the 50 nodes; the apply fails naming that node, no node keeps the field, nothing is in state,
// and the next apply (the refusal lifted) creates the resource cleanly.
func TestAccNodeFields_failedFleetCreateLeavesNothing(t *testing.T) {
	forEachKind(t, func(t *testing.T, k kind) {
		ctx := ctxFor(t, 5*time.Minute)
		key := acctest.RandomName("refused")
		var mu sync.Mutex
		refuse := true
		acctest.NodeWebhook(t, func(w acctest.NodeWrite) string {
			mu.Lock()
			defer mu.Unlock()
			if _, ok := k.value(w.Node, key); ok && refuse && w.Provider && w.Node.Name == "fleet-00017" {
				return "node fleet-00017 is frozen"
			}
			return ""
		})
		c := cli(t)
		t.Cleanup(func() { _, _ = c.Run(context.Background(), "destroy", "-auto-approve") })
		c.Write(t, k.block(`label_selector = "fleet=fleet"`, key, "x", ""))
		start := time.Now()
		out := flat(fails(t, ctx, c, "apply", "-auto-approve"))
		t.Logf("failed create: %s", time.Since(start).Round(100*time.Millisecond))
		for _, want := range []string{"fleet-00017", "node fleet-00017 is frozen", "Nothing was created"} {
			if !strings.Contains(out, want) {
				t.Errorf("the error does not say %q:\n%s", want, out)
			}
		}
		if left := k.carrying(t, key); len(left) > 0 {
			t.Errorf("the failed create left %s on %d nodes: %v", key, len(left), left)
		}
		if state, _ := c.Run(ctx, "state", "list"); strings.TrimSpace(state) != "" {
			t.Errorf("the failed create saved state: %s", state)
		}
		mu.Lock()
		refuse = false
		mu.Unlock()
		run(t, ctx, c, "apply", "-auto-approve")
		if got := k.carrying(t, key); len(got) != 50 {
			t.Errorf("the second apply set %s on %d nodes, want 50", key, len(got))
		}
	})
}

// TestAccNodeFields_interruptedFleetCreateLeavesNothing: an interrupt (the first Ctrl-C) while
// one node's write hangs in admission and the others are done: the undo runs anyway, and no
// node keeps the field.
func TestAccNodeFields_interruptedFleetCreateLeavesNothing(t *testing.T) {
	forEachKind(t, func(t *testing.T, k kind) {
		ctx := ctxFor(t, 5*time.Minute)
		key := acctest.RandomName("interrupted")
		reached := make(chan struct{})
		release := make(chan struct{})
		var once sync.Once
		acctest.NodeWebhook(t, func(w acctest.NodeWrite) string {
			if _, ok := k.value(w.Node, key); !ok || !w.Provider || w.Node.Name != "fleet-00025" {
				return ""
			}
			once.Do(func() { close(reached) })
			select {
			case <-release:
			case <-time.After(25 * time.Second):
			}
			return "interrupted" // the write the interrupt cancelled never lands
		})
		c := cli(t)
		t.Cleanup(func() { _, _ = c.Run(context.Background(), "destroy", "-auto-approve") })
		c.Write(t, k.block(`label_selector = "fleet=fleet"`, key, "x", ""))
		cmd := c.Command(ctx, nil, "apply", "-auto-approve")
		wait := background(t, cmd)
		select {
		case <-reached:
		case <-time.After(2 * time.Minute):
			t.Fatal("the apply never reached fleet-00025")
		}
		time.Sleep(time.Second) // the other writes finish
		written := len(k.carrying(t, key))
		start := time.Now()
		if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
			t.Fatal(err)
		}
		out, err := wait(90 * time.Second)
		close(release)
		t.Logf("interrupt with %d of 50 nodes written: terraform exited %s after the signal", written, time.Since(start).Round(100*time.Millisecond))
		if err == nil {
			t.Fatalf("the interrupted apply succeeded:\n%s", out)
		}
		if left := k.carrying(t, key); len(left) > 0 {
			t.Errorf("the interrupted create left %s on %d nodes: %v\n%s", key, len(left), left, out)
		}
	})
}

// TestAccNodeFields_nodeDeletedDuringFleetUpdate: a node is deleted while the update writes to
// it; the apply succeeds with a warning naming it, every other node is updated, and the next
// plan is empty (the refresh drops the node).
func TestAccNodeFields_nodeDeletedDuringFleetUpdate(t *testing.T) {
	forEachKind(t, func(t *testing.T, k kind) {
		ctx := ctxFor(t, 5*time.Minute)
		cluster := acctest.Cluster(t)
		key := acctest.RandomName("moving")
		c := cli(t)
		t.Cleanup(func() {
			_ = cluster.CreateNodes(context.Background(), []testcluster.Node{fleetNode(31)})
			_, _ = c.Run(context.Background(), "destroy", "-auto-approve")
		})
		c.Write(t, k.block(`label_selector = "fleet=fleet"`, key, "a", ""))
		run(t, ctx, c, "apply", "-auto-approve")
		var once sync.Once
		acctest.NodeWebhook(t, func(w acctest.NodeWrite) string {
			if v, _ := k.value(w.Node, key); v == "b" && w.Provider && w.Node.Name == "fleet-00031" {
				once.Do(func() {
					_ = cluster.Client.CoreV1().Nodes().Delete(context.Background(), "fleet-00031", metav1.DeleteOptions{})
				})
			}
			return ""
		})
		c.Write(t, k.block(`label_selector = "fleet=fleet"`, key, "b", ""))
		out := flat(run(t, ctx, c, "apply", "-auto-approve"))
		if !strings.Contains(out, "Warning: Node gone") || !strings.Contains(out, "fleet-00031") {
			t.Errorf("the apply does not warn about fleet-00031:\n%s", out)
		}
		for _, name := range k.carrying(t, key) {
			if n, err := cluster.Client.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{}); err == nil {
				if v, _ := k.value(n, key); v != "b" {
					t.Errorf("node %s has %s=%s, want b", name, key, v)
				}
			}
		}
		if got := len(k.carrying(t, key)); got != 49 {
			t.Errorf("%d nodes carry %s, want 49", got, key)
		}
		if out, err := c.Run(ctx, "plan", "-detailed-exitcode"); err != nil {
			t.Errorf("the plan after the apply is not empty: %v\n%s", err, out)
		}
	})
}

// background starts terraform and returns a function that waits for it.
func background(t *testing.T, cmd *exec.Cmd) func(time.Duration) (string, error) {
	t.Helper()
	var out strings.Builder
	var mu sync.Mutex
	cmd.Stdout, cmd.Stderr = lockedWriter{&out, &mu}, lockedWriter{&out, &mu}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	return func(limit time.Duration) (string, error) {
		select {
		case err := <-done:
			mu.Lock()
			defer mu.Unlock()
			return out.String(), err
		case <-time.After(limit):
			_ = cmd.Process.Kill()
			err := <-done
			t.Fatalf("terraform did not exit within %s (%v):\n%s", limit, err, out.String())
			return "", nil
		}
	}
}

type lockedWriter struct {
	b  *strings.Builder
	mu *sync.Mutex
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}
