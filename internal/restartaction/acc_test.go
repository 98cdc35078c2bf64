package restartaction_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/sets"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/daemonset"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/restartaction"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/testcluster"
)

func TestMain(m *testing.M) { acctest.Main(m, testcluster.DemoNodes()) }

// actionsAvailable skips below Terraform 1.14, which has no actions; OpenTofu 1.12 has none either.
var actionsAvailable = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)}

// restartConfig is an agent and the configuration it reads, a terraform_data standing in for a
// ConfigMap: updating it restarts the agent through the action.
func restartConfig(name, configVersion, strategy string) string {
	return fmt.Sprintf(`
resource "k8sfleet_daemonset" "agent" {
  metadata = { name = %[1]q }
  spec = {
    selector        = { match_labels = { name = %[1]q } }
    update_strategy = { type = %[3]q }
    template = {
      metadata = { labels = { name = %[1]q } }
      spec     = { containers = [{ name = "agent", image = "registry.k8s.io/pause:3.10" }] }
    }
  }
}

action "k8sfleet_daemonset_restart" "agent" {
  config {
    name    = k8sfleet_daemonset.agent.metadata.name
    timeout = "3m"
  }
}

resource "terraform_data" "agent_config" {
  input = %[2]q
  lifecycle {
    action_trigger {
      events  = [after_update]
      actions = [action.k8sfleet_daemonset_restart.agent]
    }
  }
}
`, name, configVersion, strategy)
}

// TestAccDaemonSetRestart_action: updating the configuration an agent reads restarts it: every
// pod is replaced (new uids), the rollout is complete, the annotation belongs to the action's
// field manager, and the DaemonSet resource's next plan is empty. Under OnDelete the action
// refuses and writes nothing.
func TestAccDaemonSetRestart_action(t *testing.T) {
	c := acctest.Cluster(t).Client
	name := acctest.RandomName("restart")
	ctx := context.Background()
	var before sets.Set[string]
	var started time.Time
	podUIDs := func() sets.Set[string] {
		pods, err := c.CoreV1().Pods("default").List(ctx, metav1.ListOptions{LabelSelector: "name=" + name})
		if err != nil {
			t.Fatal(err)
		}
		uids := sets.New[string]()
		for _, p := range pods.Items {
			if p.DeletionTimestamp == nil {
				uids.Insert(string(p.UID))
			}
		}
		return uids
	}
	restarted := func(*terraform.State) error {
		ds, err := c.AppsV1().DaemonSets("default").Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		if ds.Spec.Template.Annotations[restartaction.RestartedAtAnnotation] == "" || !daemonset.RolloutDone(ds) {
			return fmt.Errorf("not restarted: annotations %v, status %+v", ds.Spec.Template.Annotations, ds.Status)
		}
		owner := ""
		for _, e := range ds.ManagedFields {
			if e.FieldsV1 != nil && regexp.MustCompile(`restartedAt`).Match(e.FieldsV1.GetRawBytes()) {
				owner = e.Manager
			}
		}
		if owner != daemonset.RestartFieldManager {
			return fmt.Errorf("restartedAt owned by %q, want %q", owner, daemonset.RestartFieldManager)
		}
		after := podUIDs()
		if after.Len() != before.Len() || after.HasAny(before.UnsortedList()...) {
			return fmt.Errorf("pods not all replaced: %d before, %d after, %d kept", before.Len(), after.Len(), after.Intersection(before).Len())
		}
		t.Logf("restart of %d pods on the demo cluster: %s (apply included)", after.Len(), time.Since(started).Round(time.Second))
		return nil
	}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   actionsAvailable,
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.DaemonSetDestroyed(t, "default", name),
		Steps: []resource.TestStep{
			{
				Config: restartConfig(name, "v1", "RollingUpdate"),
				Check:  func(*terraform.State) error { before = podUIDs(); return nil },
			},
			{
				PreConfig: func() { started = time.Now() },
				Config:    restartConfig(name, "v2", "RollingUpdate"),
				Check:     restarted,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				Config:      restartConfig(name, "v3", "OnDelete"),
				ExpectError: regexp.MustCompile(`updateStrategy OnDelete`),
			},
		},
	})
}
