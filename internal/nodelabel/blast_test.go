package nodelabel_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
)

// TestAccNodeLabel_blastRadius: the plan of a label that a DaemonSet selects warns that the
// DaemonSet starts on those nodes; the destroy plan warns that it stops; a plan that changes
// nothing says nothing.
func TestAccNodeLabel_blastRadius(t *testing.T) {
	c := acctest.Cluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	name := acctest.RandomName("agent")
	value := acctest.RandomName("v")
	acctest.PauseDaemonSet(t, ctx, name, map[string]string{"blast": value})
	cli := acctest.NewCLI(t, c.Kubeconfig)
	t.Cleanup(func() {
		_, _ = cli.Run(context.Background(), "destroy", "-auto-approve")
	})
	plan := func(args ...string) string {
		out, err := cli.Run(ctx, append([]string{"plan"}, args...)...)
		if err != nil {
			t.Fatalf("plan: %v\n%s", err, out)
		}
		return strings.Join(strings.Fields(out), " ")
	}

	cli.Write(t, label{node: "k8s-01", labels: map[string]string{"blast": value}}.hcl())
	if out := plan(); !strings.Contains(out, "Applying k8sfleet_node_label on node k8s-01 changes where pods run: - DaemonSet default/"+name+" starts on k8s-01") {
		t.Errorf("the create plan does not warn:\n%s", out)
	}
	if out, err := cli.Run(ctx, "apply", "-auto-approve"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	if out := plan(); strings.Contains(out, "Pods start or stop") {
		t.Errorf("a plan without changes warns:\n%s", out)
	}
	if out := plan("-destroy"); !strings.Contains(out, "Applying the destroy of k8sfleet_node_label on node k8s-01 changes where pods run: - DaemonSet default/"+name+" stops on k8s-01") {
		t.Errorf("the destroy plan does not warn:\n%s", out)
	}
}
