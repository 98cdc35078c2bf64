package nodetaint_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
)

// TestAccNodeTaint_blastRadius: the plan of a NoExecute taint warns that a DaemonSet stops on
// the node and counts the running pods it evicts; a plan that changes nothing says nothing.
func TestAccNodeTaint_blastRadius(t *testing.T) {
	c := acctest.Cluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	name := acctest.RandomName("agent")
	key := acctest.RandomName("maintenance")
	acctest.PauseDaemonSet(t, ctx, name, map[string]string{"kubernetes.io/hostname": "k8s-02"})
	cli := acctest.NewCLI(t, c.Kubeconfig)
	t.Cleanup(func() {
		_, _ = cli.Run(context.Background(), "destroy", "-auto-approve")
	})
	waitRunning(t, ctx, "app="+name, 1)

	cli.Write(t, taint{node: "k8s-02", taints: []corev1.Taint{tt(key, "", noExecute)}}.hcl())
	out, err := cli.Run(ctx, "plan")
	if err != nil {
		t.Fatalf("plan: %v\n%s", err, out)
	}
	flat := strings.Join(strings.Fields(out), " ")
	for _, want := range []string{
		"Warning: Pods start or stop",
		"Applying k8sfleet_node_taint on node k8s-02 changes where pods run:",
		"DaemonSet default/" + name + " stops on k8s-02",
		"1 running pod on node k8s-02 does not tolerate " + key + ":NoExecute and will be evicted",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("the plan does not say %q:\n%s", want, out)
		}
	}
	if out, err := cli.Run(ctx, "apply", "-auto-approve"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	out, err = cli.Run(ctx, "plan")
	if err != nil || strings.Contains(out, "Pods start or stop") {
		t.Errorf("a plan without changes warns: %v\n%s", err, out)
	}
}

// waitRunning waits until count pods matching the selector run.
func waitRunning(t *testing.T, ctx context.Context, selector string, count int) {
	t.Helper()
	for {
		pods, err := acctest.Cluster(t).Client.CoreV1().Pods("").List(ctx, metav1.ListOptions{LabelSelector: selector})
		if err != nil {
			t.Fatal(err)
		}
		running := 0
		for _, p := range pods.Items {
			if p.Status.Phase == corev1.PodRunning {
				running++
			}
		}
		if running == count {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatal(fmt.Errorf("%d of %d pods %s running: %w", running, count, selector, ctx.Err()))
		case <-time.After(250 * time.Millisecond):
		}
	}
}
