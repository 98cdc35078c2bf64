package restartaction_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
	corev1 "k8s.io/api/core/v1"
	apiresource "k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/util/retry"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/daemonset"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/restartaction"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/testcluster"
)

func TestMain(m *testing.M) { acctest.Main(m, testcluster.DemoNodes()) }

// actionsAvailable skips below Terraform 1.14, which has no actions; OpenTofu 1.12 has none either.
var actionsAvailable = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)}

// agent is a DaemonSet on the worker nodes and the configuration it reads, a terraform_data
// standing in for a ConfigMap: updating it restarts the agent through the action.
type agent struct {
	name, strategy string
	memoryRequest  string // none when empty
	timeout        string // the action's
	node           string // the one node it runs on; every worker when empty
}

func (a agent) config(configVersion string) string {
	resources := ""
	if a.memoryRequest != "" {
		resources = fmt.Sprintf(", resources = { requests = { memory = %q } }", a.memoryRequest)
	}
	placement := ""
	if a.node != "" {
		placement = fmt.Sprintf(`node_selector = { "kubernetes.io/hostname" = %q }, `, a.node)
	}
	return fmt.Sprintf(`
resource "k8sfleet_daemonset" "agent" {
  metadata = { name = %[1]q }
  spec = {
    selector        = { match_labels = { name = %[1]q } }
    update_strategy = { type = %[3]q }
    template = {
      metadata = { labels = { name = %[1]q } }
      spec     = { %[6]scontainers = [{ name = "agent", image = "registry.k8s.io/pause:3.10"%[4]s }] }
    }
  }
}

action "k8sfleet_daemonset_restart" "agent" {
  config {
    name    = k8sfleet_daemonset.agent.metadata.name
    timeout = %[5]q
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
`, a.name, configVersion, a.strategy, resources, a.timeout, placement)
}

// TestAccDaemonSetRestart_action: updating the configuration an agent reads restarts it: every
// pod is replaced (new uids), the rollout is complete, the annotation belongs to the action's
// field manager, and the DaemonSet resource's next plan is empty. Under OnDelete the action
// refuses and writes nothing.
func TestAccDaemonSetRestart_action(t *testing.T) {
	c := acctest.Cluster(t).Client
	name := acctest.RandomName("restart")
	rolling, onDelete := agent{name: name, strategy: "RollingUpdate", timeout: "3m"}, agent{name: name, strategy: "OnDelete", timeout: "3m"}
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
				Config: rolling.config("v1"),
				Check:  func(*terraform.State) error { before = podUIDs(); return nil },
			},
			{
				PreConfig: func() { started = time.Now() },
				Config:    rolling.config("v2"),
				Check:     restarted,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				Config:      onDelete.config("v3"),
				ExpectError: regexp.MustCompile(`updateStrategy OnDelete`),
			},
		},
	})
}

// TestAccDaemonSetRestart_unschedulable: a replacement pod the scheduler refuses fails the
// action at its timeout, and the error names the node and the scheduler's reason. The agent
// requests 1Gi; once its pod runs, k8s-02's allocatable memory is lowered to 512Mi under its
// pod, so the pod that replaces it stays Pending: Insufficient memory.
func TestAccDaemonSetRestart_unschedulable(t *testing.T) {
	c := acctest.Cluster(t).Client
	ctx := context.Background()
	const tight = "k8s-02"
	// On that node alone, so that its pod is the first the rollout replaces.
	a := agent{name: acctest.RandomName("restart"), strategy: "RollingUpdate", memoryRequest: "1Gi", timeout: "20s", node: tight}
	var started time.Time
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   actionsAvailable,
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.DaemonSetDestroyed(t, "default", a.name),
		Steps: []resource.TestStep{
			{
				Config: a.config("v1"),
			},
			{
				PreConfig: func() {
					setAllocatableMemory(t, tight, "512Mi")
					started = time.Now()
				},
				Config: a.config("v2"),
				ExpectError: regexp.MustCompile(`(?s)not\s+restarted\s+within\s+20s:.*` +
					acctest.Wrapped("waiting for "+tight+": pod Pending: Unschedulable 0/").String() +
					`\d+\s+nodes\s+are\s+available:\s+1\s+Insufficient\s+memory`),
			},
			{
				// The apply failed at the action's timeout, not before, nor long after, and the
				// pod it named is still Pending for that reason.
				PreConfig: func() {
					failedAfter := time.Since(started)
					t.Logf("the restart failed after %s (apply included)", failedAfter.Round(time.Second))
					if failedAfter < 20*time.Second || failedAfter > time.Minute {
						t.Errorf("the apply failed after %s, want the action's timeout of 20s and a little more", failedAfter.Round(time.Second))
					}
					if err := pendingOn(ctx, c, a.name, tight, "Insufficient memory"); err != nil {
						t.Error(err)
					}
				},
				Config:   a.config("v2"),
				PlanOnly: true,
			},
		},
	})
}

// setAllocatableMemory lowers what the scheduler may place on a node, through the status
// subresource as a kubelet reports it; the node gets its allocatable back when the test ends.
func setAllocatableMemory(t *testing.T, node, memory string) {
	t.Helper()
	api := acctest.Cluster(t).Client.CoreV1().Nodes()
	var was apiresource.Quantity
	set := func(q apiresource.Quantity) error {
		return retry.RetryOnConflict(retry.DefaultRetry, func() error {
			n, err := api.Get(context.Background(), node, metav1.GetOptions{})
			if err != nil {
				return err
			}
			was = n.Status.Allocatable[corev1.ResourceMemory]
			n.Status.Allocatable[corev1.ResourceMemory] = q
			_, err = api.UpdateStatus(context.Background(), n, metav1.UpdateOptions{})
			return err
		})
	}
	if err := set(apiresource.MustParse(memory)); err != nil {
		t.Fatalf("lowering the allocatable memory of %s: %v", node, err)
	}
	restore := was
	t.Cleanup(func() {
		if err := set(restore); err != nil {
			t.Errorf("restoring the allocatable memory of %s: %v", node, err)
		}
	})
}

// pendingOn checks, through the API server, that the agent's pod for node is Pending because
// the scheduler refused it for reason.
func pendingOn(ctx context.Context, c kubernetes.Interface, name, node, reason string) error {
	pods, err := c.CoreV1().Pods("default").List(ctx, metav1.ListOptions{LabelSelector: "name=" + name})
	if err != nil {
		return err
	}
	for i := range pods.Items {
		p := &pods.Items[i]
		if daemonset.PodNode(p) != node {
			continue
		}
		for _, cond := range p.Status.Conditions {
			if cond.Type == corev1.PodScheduled && cond.Status == corev1.ConditionFalse && strings.Contains(cond.Message, reason) {
				return nil
			}
		}
		return fmt.Errorf("pod %s for %s: %s, conditions %+v", p.Name, node, p.Status.Phase, p.Status.Conditions)
	}
	return fmt.Errorf("no pod of %s for %s", name, node)
}
