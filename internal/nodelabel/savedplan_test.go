package nodelabel_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/testcluster"
)

// TestAccNodeLabel_savedPlanAfterCompaction is a pipeline: a fleet-form label change is planned
// with -out together with a DaemonSet whose node selector follows the new value; the API server
// compacts its history and a node of the fleet joins; the saved plan is applied. The plan and
// its re-plan during apply resolve the selector against the refresh's snapshot, so the apply
// changes exactly the planned nodes and the DaemonSet gets the pods it predicted; the next
// plan takes the new node in, and after that the plan is empty.
func TestAccNodeLabel_savedPlanAfterCompaction(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	pool := testcluster.FleetNodes("pool", 4)
	c := acctest.CompactingCluster(ctx, t, "label-compaction", append(testcluster.DemoNodes(), pool...))
	name := acctest.RandomName("agent")
	config := func(v string) string {
		return label{name: "pool", selector: "fleet=pool", labels: map[string]string{"logger": v}}.hcl() +
			fmt.Sprintf(`resource "k8sfleet_daemonset" "agent" {
  metadata = { name = %q, namespace = "default" }
  spec = {
    selector = { match_labels = { app = %[1]q } }
    template = {
      metadata = { labels = { app = %[1]q } }
      spec = {
        node_selector = { logger = k8sfleet_node_label.pool.labels["logger"] }
        containers    = [{ name = "agent", image = "registry.k8s.io/pause:3.10" }]
      }
    }
  }
  depends_on = [k8sfleet_node_label.pool]
}
`, name)
	}
	cli := acctest.NewCLI(t, c.Kubeconfig)
	t.Cleanup(func() { _, _ = cli.Run(context.Background(), "destroy", "-auto-approve") })
	cli.Write(t, config("a"))
	if out, err := cli.Run(ctx, "apply", "-auto-approve"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	cli.Write(t, config("b"))
	before, err := c.Client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := cli.Run(ctx, "plan", "-out=change.plan")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	acctest.WaitCompacted(ctx, t, c, before.ResourceVersion)
	late := testcluster.FleetNodes("pool", 5)[4]
	if err := c.CreateNodes(ctx, []testcluster.Node{late}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if out, err := cli.Run(ctx, "apply", "change.plan"); err != nil {
		t.Fatalf("apply of the saved plan failed after compaction and a join: %v\n%s", err, out)
	}
	t.Logf("saved plan applied after compaction and a join in %s", time.Since(start).Round(100*time.Millisecond))
	withB := func() []string {
		list, err := c.Client.CoreV1().Nodes().List(ctx, metav1.ListOptions{LabelSelector: "logger=b"})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, n := range list.Items {
			names = append(names, n.Name)
		}
		slices.Sort(names)
		return names
	}
	if got, want := withB(), []string{"pool-00001", "pool-00002", "pool-00003", "pool-00004"}; !slices.Equal(got, want) {
		t.Errorf("the apply labelled %v, want the planned %v", got, want)
	}
	desired(ctx, t, c, name, 4)
	out, err = cli.Run(ctx, "plan", "-no-color")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(out, late.Name) || !strings.Contains(out, "0 to add, 1 to change, 0 to destroy") {
		t.Errorf("the next plan does not take %s in, and only that:\n%s", late.Name, out)
	}
	if out, err := cli.Run(ctx, "apply", "-auto-approve"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	desired(ctx, t, c, name, 5)
	if out, err := cli.Run(ctx, "plan", "-detailed-exitcode"); err != nil {
		t.Fatalf("the plan after apply is not empty: %v\n%s", err, out)
	}
}

// desired waits for the controller's desiredNumberScheduled of default/name on cluster c.
func desired(ctx context.Context, t *testing.T, c *testcluster.Cluster, name string, want int32) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ds, err := c.Client.AppsV1().DaemonSets("default").Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if ds.Status.ObservedGeneration >= ds.Generation && ds.Status.DesiredNumberScheduled == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("desiredNumberScheduled %d, want %d", ds.Status.DesiredNumberScheduled, want)
		}
		time.Sleep(250 * time.Millisecond)
	}
}
