package nodelabel_test

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/testcluster"
)

// TestAccNodeLabel_nodeJoinsBetweenPlanAndApply: a saved plan of the fleet form applies
// exactly the nodes it listed even when a node joins before the apply (the re-plan resolves
// the selector against the refresh's node snapshot); the next plan adds the new node. A
// create has no refresh to pin, so Terraform stops it before anything is written.
func TestAccNodeLabel_nodeJoinsBetweenPlanAndApply(t *testing.T) {
	c := acctest.Cluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cli := acctest.NewCLI(t, c.Kubeconfig)
	key := acctest.RandomName("joins")
	late := []string{acctest.RandomName("fleet-late"), acctest.RandomName("fleet-late")}
	t.Cleanup(func() {
		_, _ = cli.Run(context.Background(), "destroy", "-auto-approve")
		_ = c.DeleteNodes(context.Background(), late...)
	})
	join := func(name string) {
		if err := c.CreateNodes(ctx, []testcluster.Node{{Name: name, Labels: map[string]string{"fleet": "fleet"}}}); err != nil {
			t.Fatal(err)
		}
	}
	run := func(args ...string) string {
		out, err := cli.Run(ctx, args...)
		if err != nil {
			t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	fleet := func(extra ...string) []string {
		var names []string
		for i := 1; i <= 50; i++ {
			names = append(names, fmt.Sprintf("fleet-%05d", i))
		}
		return sorted(append(names, extra...))
	}

	// Create: the plan lists 50 nodes, a node joins, the apply's re-plan sees 51 and stops.
	cli.Write(t, label{selector: "fleet=fleet", labels: map[string]string{key: "v1"}}.hcl())
	run("plan", "-out=create.plan")
	join(late[0])
	out, err := cli.Run(ctx, "apply", "create.plan")
	if err == nil || !strings.Contains(out, "inconsistent final plan") {
		t.Fatalf("apply of a stale create plan: %v\n%s", err, out)
	}
	if on := nodesWith(t, key); len(on) > 0 {
		t.Fatalf("the stopped create wrote labels on %v", on)
	}
	run("apply", "-auto-approve")
	if got := nodesWith(t, key); !reflect.DeepEqual(got, fleet(late[0])) {
		t.Fatalf("after create: %d nodes labeled, want 51", len(got))
	}

	// Update: the plan lists 51 nodes, a node joins, the apply labels exactly those 51.
	cli.Write(t, label{selector: "fleet=fleet", labels: map[string]string{key: "v2"}}.hcl())
	run("plan", "-out=update.plan")
	join(late[1])
	run("apply", "update.plan")
	for _, name := range fleet(late[0]) {
		if err := hasLabels(t, name, map[string]string{key: "v2"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := hasLabels(t, late[1], nil, key); err != nil {
		t.Fatalf("the apply went beyond the plan: %v", err)
	}
	// The next plan shows the node that joined.
	cmd := cli.Command(ctx, nil, "plan", "-detailed-exitcode")
	raw, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 || !strings.Contains(string(raw), late[1]) {
		t.Fatalf("plan after the join should add %s: %v\n%s", late[1], err, raw)
	}
	run("apply", "-auto-approve")
	if got := nodesWith(t, key); !reflect.DeepEqual(got, fleet(late...)) {
		t.Fatalf("after the second apply: %v", got)
	}
	run("destroy", "-auto-approve")
	if on := nodesWith(t, key); len(on) > 0 {
		t.Fatalf("destroy left labels on %v", on)
	}
}
