package daemonset_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/testcluster"
)

// TestAccDaemonSet_savedPlanAfterCompaction is a pipeline: plan -out on a change, the API server
// compacts its history and a node joins, then the saved plan is applied. The plan and the
// re-plan during apply predict from the refresh's snapshot, so the apply goes through; the
// next plan, refreshed, is empty. Replacement (a selector change) is the hardest case:
// Terraform deletes the old DaemonSet before it plans the create again.
func TestAccDaemonSet_savedPlanAfterCompaction(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	c := acctest.CompactingCluster(ctx, t, "compaction", testcluster.DemoNodes())
	selectorChange := regexp.MustCompile(`selector = \{ match_labels = \{ name = ("[^"]+") \} \}`)
	templateLabels := regexp.MustCompile(`metadata = \{ labels = \{ name = ("[^"]+") \} \}`)
	for _, tc := range []struct {
		name    string
		change  func(f fluentd) string
		desired int32 // after the join: three workers and the new node, masters as configured
	}{
		{"image bump", func(f fluentd) string { f.image = "fluentd:v2.6.0"; return f.hcl() }, 4},
		{"toleration", func(f fluentd) string { f.podSpec = []string{tolerateMasters}; return f.hcl() }, 7},
		{"replacement", func(f fluentd) string {
			out := selectorChange.ReplaceAllString(f.hcl(), `selector = { match_labels = { name = $1, tier = "agents" } }`)
			return templateLabels.ReplaceAllString(out, `metadata = { labels = { name = $1, tier = "agents" } }`)
		}, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := acctest.RandomName("saved")
			f := fluentd{name: name, namespace: "default"}
			cli := acctest.NewCLI(t, c.Kubeconfig)
			cli.Write(t, f.hcl())
			if out, err := cli.Run(ctx, "apply", "-auto-approve"); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			t.Cleanup(func() { _, _ = cli.Run(context.Background(), "destroy", "-auto-approve") })
			cli.Write(t, tc.change(f))
			before, err := c.Client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
			if err != nil {
				t.Fatal(err)
			}
			out, err := cli.Run(ctx, "plan", "-out=change.plan")
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			t.Logf("plan warning: %s", warningLine(out))
			acctest.WaitCompacted(ctx, t, c, before.ResourceVersion)
			late := acctest.RandomName("late")
			if err := c.CreateNodes(ctx, []testcluster.Node{{Name: late}}); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = c.DeleteNodes(context.Background(), late) })

			out, err = cli.Run(ctx, "apply", "change.plan")
			if err != nil {
				t.Fatalf("apply of the saved plan failed after compaction and a join: %v\n%s", err, out)
			}
			ds, err := c.Client.AppsV1().DaemonSets("default").Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				t.Fatalf("the DaemonSet is gone after apply: %v", err)
			}
			deadline := time.Now().Add(30 * time.Second)
			for ds.Status.ObservedGeneration < ds.Generation || ds.Status.DesiredNumberScheduled != tc.desired {
				if time.Now().After(deadline) {
					t.Fatalf("desiredNumberScheduled %d, want %d", ds.Status.DesiredNumberScheduled, tc.desired)
				}
				time.Sleep(250 * time.Millisecond)
				if ds, err = c.Client.AppsV1().DaemonSets("default").Get(ctx, name, metav1.GetOptions{}); err != nil {
					t.Fatal(err)
				}
			}
			if out, err := cli.Run(ctx, "plan", "-detailed-exitcode"); err != nil {
				t.Fatalf("the plan after apply is not empty: %v\n%s", err, out)
			}
		})
	}
}

func warningLine(out string) string {
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, " -> ") && strings.Contains(line, "pods") {
			return strings.TrimSpace(strings.Trim(line, "│ "))
		}
	}
	return "(none)"
}
