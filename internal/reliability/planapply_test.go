package reliability

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/testcluster"
)

// TestAccNodeJoinsBetweenPlanAndApply_update: the plan of a changed DaemonSet and the re-plan
// during apply predict from the same node snapshot (the refresh's resource version), so a
// node joining in between does not break the apply.
func TestAccNodeJoinsBetweenPlanAndApply_update(t *testing.T) {
	c := adminCluster(t)
	ctx := ctxFor(t, 5*time.Minute)
	cli := acctest.NewCLI(t, restrictedKubeconfig(t))
	name := acctest.RandomName("join")
	// The test is about the re-plan, not the rollout: an earlier fault test of this package
	// can leave one fake kubelet slow to report its pod available.
	noWait := "wait_for_rollout = false"
	cli.Write(t, fluentd(name, "agent:v1", "10m", noWait))
	if out, err := cli.Apply(ctx, t); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	t.Cleanup(func() { _, _ = cli.Destroy(ctx, t) })
	cli.Write(t, fluentd(name, "agent:v2", "10m", noWait))
	_, out, err := cli.Plan(ctx, t, tfexec.Out("change.plan"))
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	mustContain(t, out, "56 pods")
	before := desired(t, name)

	late := testcluster.Node{Name: "late-update"}
	if err := c.CreateNodes(ctx, []testcluster.Node{late}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.DeleteNodes(ctx, late.Name) })

	if out, err := cli.Apply(ctx, t, tfexec.DirOrPlan("change.plan")); err != nil {
		t.Fatalf("apply of the saved plan failed after a node joined: %v\n%s", err, out)
	}
	if got := desired(t, name); got != before+1 {
		t.Fatalf("desired %d after the join, want %d", got, before+1)
	}
	// The next refresh sees the new node; the plan stays empty.
	if changes, out, err := cli.Plan(ctx, t); err != nil || changes {
		t.Fatalf("plan after apply is not empty: %v\n%s", err, out)
	}
}

// TestAccNodeJoinsBetweenPlanAndApply_create documents the one case that cannot be made safe:
// a new DaemonSet has no refreshed state to carry the node snapshot, so Terraform stops the
// apply before anything is written and asks for a new plan.
func TestAccNodeJoinsBetweenPlanAndApply_create(t *testing.T) {
	c := adminCluster(t)
	ctx := ctxFor(t, 5*time.Minute)
	cli := acctest.NewCLI(t, restrictedKubeconfig(t))
	name := acctest.RandomName("joincreate")
	cli.Write(t, fluentd(name, "agent:v1", "10m", ""))
	if _, out, err := cli.Plan(ctx, t, tfexec.Out("create.plan")); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	late := testcluster.Node{Name: "late-create"}
	if err := c.CreateNodes(ctx, []testcluster.Node{late}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.DeleteNodes(ctx, late.Name) })
	out, err := cli.Apply(ctx, t, tfexec.DirOrPlan("create.plan"))
	t.Cleanup(func() { _, _ = cli.Destroy(ctx, t) })
	if err == nil {
		t.Fatalf("apply succeeded; the docs say it stops:\n%s", out)
	}
	mustContain(t, out, "inconsistent final plan", "expected_pod")
	if _, getErr := c.Client.AppsV1().DaemonSets("default").Get(ctx, name, metavOpts); getErr == nil {
		t.Fatalf("the DaemonSet was written although the apply stopped")
	}
	// A new plan includes the node and applies.
	if out, err := cli.Apply(ctx, t); err != nil || !strings.Contains(out, "Apply complete") {
		t.Fatalf("re-plan and apply: %v\n%s", err, out)
	}
}
