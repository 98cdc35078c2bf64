package nodefield_test

import (
	"context"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/testcluster"
)

// TestAccNodeFields_recreatedNode: what a resource owns belongs to the node object, not its
// name. A field adopted with force on a node that is then deleted and registered again under
// the same name, carrying that field of its own (as a kubelet's --register-with-taints or
// --node-labels does), is not ours: the plan shows it, apply does not overwrite another value
// without force, and destroy leaves it.
func TestAccNodeFields_recreatedNode(t *testing.T) {
	forEachKind(t, func(t *testing.T, k kind) {
		ctx := ctxFor(t, 5*time.Minute)
		cluster := acctest.Cluster(t)
		node := acctest.RandomName("recreated")
		key := acctest.RandomName("dedicated")
		register := func(value string) {
			t.Helper()
			n := testcluster.Node{Name: node}
			if k.resource == "k8sfleet_node_label" {
				n.Labels = map[string]string{key: value}
			} else {
				n.Taints = []corev1.Taint{{Key: key, Value: value, Effect: corev1.TaintEffectNoSchedule}}
			}
			if err := cluster.CreateNodes(ctx, []testcluster.Node{n}); err != nil {
				t.Fatal(err)
			}
		}
		live := func() (string, bool) {
			t.Helper()
			n, err := cluster.Client.CoreV1().Nodes().Get(ctx, node, metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			return k.value(n, key)
		}
		c := cli(t)
		t.Cleanup(func() {
			_, _ = c.Run(context.Background(), "destroy", "-auto-approve")
			_ = cluster.DeleteNodes(context.Background(), node)
		})
		register("old")
		target := `node_name = "` + node + `"`
		c.Write(t, k.block(target, key, "x", "force = true"))
		run(t, ctx, c, "apply", "-auto-approve") // adopts key=old, sets x
		c.Write(t, k.block(target, key, "x", ""))
		run(t, ctx, c, "apply", "-auto-approve")

		register("y")
		out := flat(fails(t, ctx, c, "apply", "-auto-approve"))
		if !strings.Contains(out, k.conflict) {
			t.Errorf("the apply on the new node does not report a conflict:\n%s", out)
		}
		if v, _ := live(); v != "y" {
			t.Errorf("the new node's %s is %q, want its own y", key, v)
		}

		register("x")
		if out, err := c.Run(ctx, "plan", "-detailed-exitcode"); err == nil {
			t.Errorf("the plan takes the new node's own %s=x for ours:\n%s", key, out)
		}
		run(t, ctx, c, "destroy", "-auto-approve")
		if v, ok := live(); !ok || v != "x" {
			t.Errorf("destroy removed the new node's own %s (now %q, present %t)", key, v, ok)
		}
	})
}

// TestAccNodeLabel_twoWorkspaces: two workspaces with the very same node_label each get a
// field manager of their own, so destroying one leaves the label the other manages.
func TestAccNodeLabel_twoWorkspaces(t *testing.T) {
	acctest.Cluster(t)
	ctx := ctxFor(t, 5*time.Minute)
	k := kinds[0]
	config := k.block(`node_name = "k8s-03"`, "monitoring", "enabled", "") +
		"output \"manager\" { value = k8sfleet_node_label.test.field_manager }\n"
	a, b := cli(t), cli(t)
	t.Cleanup(func() {
		_, _ = a.Run(context.Background(), "destroy", "-auto-approve")
		_, _ = b.Run(context.Background(), "destroy", "-auto-approve")
	})
	a.Write(t, config)
	b.Write(t, config)
	run(t, ctx, a, "apply", "-auto-approve")
	run(t, ctx, b, "apply", "-auto-approve")
	managerA := strings.TrimSpace(run(t, ctx, a, "output", "-raw", "manager"))
	managerB := strings.TrimSpace(run(t, ctx, b, "output", "-raw", "manager"))
	if managerA == managerB {
		t.Errorf("both workspaces use field manager %s", managerA)
	}
	run(t, ctx, a, "destroy", "-auto-approve")
	if got := k.carrying(t, "monitoring"); len(got) != 1 || got[0] != "k8s-03" {
		t.Errorf("destroying one workspace removed the label the other manages (nodes with it: %v)", got)
	}
	if out, err := b.Run(ctx, "plan", "-detailed-exitcode"); err != nil {
		t.Errorf("the other workspace's plan is not empty: %v\n%s", err, out)
	}
}
