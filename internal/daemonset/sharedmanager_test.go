package daemonset_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8stypes "k8s.io/apimachinery/pkg/types"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
)

// agentBlock is a k8sfleet_daemonset named label importing default/name with env variables.
func agentBlock(label, name, extra string, env ...string) string {
	var vars []string
	for _, e := range env {
		vars = append(vars, `{ name = "`+e+`", value = "1" }`)
	}
	return `
resource "k8sfleet_daemonset" "` + label + `" {
  metadata = { name = "` + name + `" }
  spec = {
    selector = { match_labels = { name = "` + name + `" } }
    template = {
      metadata = { labels = { name = "` + name + `" } }
      spec = { containers = [{ name = "agent", image = "agent:v1", env = [` + strings.Join(vars, ", ") + `] }] }
    }
  }
  wait_for_rollout = false
  ` + extra + `
}
`
}

func importBlock(label, name string) string {
	return "import {\n  to = k8sfleet_daemonset." + label + "\n  id = \"default/" + name + "\"\n}\n"
}

// words is Terraform's output as one line of words, whatever its wrapping and box drawing.
func words(out string) string {
	var kept []string
	for _, w := range strings.Fields(out) {
		if w != "│" {
			kept = append(kept, w)
		}
	}
	return strings.Join(kept, " ")
}

// written is what a write changes in a DaemonSet and the controller's status updates do not:
// the generation and the managed fields of the object itself.
func written(t *testing.T, ds *appsv1.DaemonSet) string {
	t.Helper()
	var entries []metav1.ManagedFieldsEntry
	for _, e := range ds.ManagedFields {
		if e.Subresource == "" {
			entries = append(entries, e)
		}
	}
	raw, err := json.Marshal(entries)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("generation %d, managed fields %s", ds.Generation, raw)
}

// TestAccDaemonSet_sharedManagerSameRun: one configuration imports a DaemonSet into two
// resources with the default field manager, one with env A (as the object is), one with env B.
// Each apply would remove the other's variable; the plan is refused naming both, and nothing
// is written.
func TestAccDaemonSet_sharedManagerSameRun(t *testing.T) {
	c := acctest.Cluster(t).Client
	ctx := context.Background()
	name := acctest.RandomName("shared")
	ds, err := c.AppsV1().DaemonSets("default").Patch(ctx, name, k8stypes.ApplyPatchType, []byte(agentManifest(name, "A")), metav1.PatchOptions{FieldManager: "kubectl"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = c.AppsV1().DaemonSets("default").Delete(context.Background(), name, metav1.DeleteOptions{})
	})
	id := regexp.QuoteMeta("k8sfleet_daemonset default/" + name)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: agentBlock("a", name, "", "A") + importBlock("a", name) + agentBlock("b", name, "", "B") + importBlock("b", name),
			ExpectError: regexp.MustCompile(`DaemonSet applied by two resources(?s:.*)` + id + `\s+\(configuration\s+[0-9a-f]{8}\)\s+and\s+` +
				id + `\s+\(configuration\s+[0-9a-f]{8}\)\s+both\s+apply\s+DaemonSet\s+default/` + name + `\s+with\s+field\s+manager\s+k8sfleet`),
		}},
	})
	after, err := c.AppsV1().DaemonSets("default").Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if written(t, after) != written(t, ds) {
		t.Errorf("the refused plan wrote the DaemonSet: %s, was %s", written(t, after), written(t, ds))
	}
}

// TestAccDaemonSet_sharedManagerTwoWorkspaces: workspace one applies a DaemonSet with env A;
// workspace two imports it with env B under the same (default) field manager and applies,
// which removes A. Workspace one's next plan is refused, naming the manager and B, and writes
// nothing; its refresh-only plan warns. Giving workspace one its own field_manager is the fix: the
// DaemonSet then has both variables, and both plans are empty.
func TestAccDaemonSet_sharedManagerTwoWorkspaces(t *testing.T) {
	c := acctest.Cluster(t).Client
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	name := acctest.RandomName("shared")
	one, two := acctest.NewCLI(t, os.Getenv("KUBE_CONFIG_PATH")), acctest.NewCLI(t, os.Getenv("KUBE_CONFIG_PATH"))
	t.Cleanup(func() {
		_, _ = one.Run(context.Background(), "destroy", "-auto-approve")
		_ = c.AppsV1().DaemonSets("default").Delete(context.Background(), name, metav1.DeleteOptions{})
	})
	mustRun := func(cli *acctest.CLI, args ...string) string {
		t.Helper()
		out, err := cli.Run(ctx, args...)
		if err != nil {
			t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	one.Write(t, agentBlock("test", name, "", "A"))
	mustRun(one, "apply", "-auto-approve")
	two.Write(t, agentBlock("test", name, "", "B")+importBlock("test", name))
	mustRun(two, "apply", "-auto-approve")
	before, err := c.AppsV1().DaemonSets("default").Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	out, err := one.Run(ctx, "apply", "-auto-approve")
	t.Logf("refused apply of workspace one in %s", time.Since(start).Round(time.Millisecond))
	refused := `Field manager k8sfleet owns fields of DaemonSet default/` + name + ` that this resource's last apply did not set, or set to another value: ` +
		`spec.template.spec.containers[name="agent"].env[name="B"]`
	if err == nil || !strings.Contains(words(out), refused) || !strings.Contains(words(out), "Give each resource its own field_manager") {
		t.Errorf("workspace one's apply is not refused with %q: %v\n%s", refused, err, out)
	}
	now, err := c.AppsV1().DaemonSets("default").Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if written(t, now) != written(t, before) {
		t.Errorf("the refused apply wrote the DaemonSet: %s, was %s", written(t, now), written(t, before))
	}

	out = mustRun(one, "plan", "-refresh-only")
	if !strings.Contains(words(out), "Warning: Field manager shared") || !strings.Contains(words(out), refused) {
		t.Errorf("workspace one's refresh-only plan does not warn with %q:\n%s", refused, out)
	}

	one.Write(t, agentBlock("test", name, `field_manager = "workspace-one"`, "A"))
	mustRun(one, "apply", "-auto-approve")
	mustRun(two, "apply", "-auto-approve")
	ds, err := c.AppsV1().DaemonSets("default").Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, e := range ds.Spec.Template.Spec.Containers[0].Env {
		env = append(env, e.Name)
	}
	if strings.Join(env, ",") != "A,B" && strings.Join(env, ",") != "B,A" {
		t.Errorf("with a field manager each, the DaemonSet's env is %v, want A and B", env)
	}
	for _, cli := range []*acctest.CLI{one, two} {
		if out, err := cli.Run(ctx, "plan", "-detailed-exitcode"); err != nil {
			t.Errorf("a workspace's plan is not empty once each has its field manager: %v\n%s", err, out)
		}
	}
}

// TestAccDaemonSet_sharedManagerOtherValue: workspace two imports workspace one's DaemonSet
// with the same fields and another image, and applies under the same field manager. The
// manager owns no field workspace one did not send, but holds the image with another value:
// workspace one's next apply is refused naming it, and writes nothing.
func TestAccDaemonSet_sharedManagerOtherValue(t *testing.T) {
	c := acctest.Cluster(t).Client
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	name := acctest.RandomName("shared")
	one, two := acctest.NewCLI(t, os.Getenv("KUBE_CONFIG_PATH")), acctest.NewCLI(t, os.Getenv("KUBE_CONFIG_PATH"))
	t.Cleanup(func() {
		_, _ = one.Run(context.Background(), "destroy", "-auto-approve")
		_ = c.AppsV1().DaemonSets("default").Delete(context.Background(), name, metav1.DeleteOptions{})
	})
	for _, step := range []struct {
		cli    *acctest.CLI
		config string
	}{
		{one, agentBlock("test", name, "", "A")},
		{two, strings.Replace(agentBlock("test", name, "", "A"), "agent:v1", "agent:v2", 1) + importBlock("test", name)},
	} {
		step.cli.Write(t, step.config)
		if out, err := step.cli.Run(ctx, "apply", "-auto-approve"); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
	}
	before, err := c.AppsV1().DaemonSets("default").Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := one.Run(ctx, "apply", "-auto-approve")
	refused := `Field manager k8sfleet owns fields of DaemonSet default/` + name + ` that this resource's last apply did not set, ` +
		`or set to another value: spec.template.spec.containers[name="agent"].image.`
	if err == nil || !strings.Contains(words(out), refused) {
		t.Errorf("workspace one's apply is not refused with %q: %v\n%s", refused, err, out)
	}
	after, err := c.AppsV1().DaemonSets("default").Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if written(t, after) != written(t, before) {
		t.Errorf("the refused apply wrote the DaemonSet: %s, was %s", written(t, after), written(t, before))
	}
}
