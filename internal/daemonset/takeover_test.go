package daemonset_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8stypes "k8s.io/apimachinery/pkg/types"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
)

func agentManifest(name string, env ...string) string {
	var vars []string
	for _, e := range env {
		vars = append(vars, fmt.Sprintf(`{"name":%q,"value":"1"}`, e))
	}
	return `{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"` + name + `","namespace":"default"},` +
		`"spec":{"selector":{"matchLabels":{"name":"` + name + `"}},"template":{"metadata":{"labels":{"name":"` + name + `"}},` +
		`"spec":{"containers":[{"name":"agent","image":"agent:v1","env":[` + strings.Join(vars, ",") + `]}]}}}}`
}

func agentConfig(name string, env ...string) string {
	var vars []string
	for _, e := range env {
		vars = append(vars, fmt.Sprintf(`{ name = %q, value = "1" }`, e))
	}
	return `
resource "k8sfleet_daemonset" "test" {
  metadata = { name = "` + name + `" }
  spec = {
    selector = { match_labels = { name = "` + name + `" } }
    template = {
      metadata = { labels = { name = "` + name + `" } }
      spec = { containers = [{ name = "agent", image = "agent:v1", env = [` + strings.Join(vars, ", ") + `] }] }
    }
  }
  wait_for_rollout = false
}
import {
  to = k8sfleet_daemonset.test
  id = "default/` + name + `"
}
`
}

// TestAccDaemonSet_takeover: a DaemonSet written by kubectl (server-side apply, or create) with
// env A and DEBUG is imported with a configuration that lists only A: the plan changes the
// DaemonSet, and the apply leaves exactly A. The same object imported with a configuration
// that matches it (defaults left out) plans no change and writes no revision.
func TestAccDaemonSet_takeover(t *testing.T) {
	c := acctest.Cluster(t).Client
	ctx := context.Background()
	for _, how := range []string{"server-side", "create"} {
		write := func(t *testing.T, name string) {
			t.Helper()
			manifest := agentManifest(name, "A", "DEBUG")
			var err error
			if how == "server-side" {
				_, err = c.AppsV1().DaemonSets("default").Patch(ctx, name, k8stypes.ApplyPatchType, []byte(manifest), metav1.PatchOptions{FieldManager: "kubectl"})
			} else {
				ds := &appsv1.DaemonSet{}
				if err := json.Unmarshal([]byte(manifest), ds); err != nil {
					t.Fatal(err)
				}
				_, err = c.AppsV1().DaemonSets("default").Create(ctx, ds, metav1.CreateOptions{FieldManager: "kubectl-create"})
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		t.Run(how+"/drops DEBUG", func(t *testing.T) {
			name := acctest.RandomName("takeover")
			write(t, name)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				CheckDestroy:             checkDestroyed(t, "default", name),
				Steps: []resource.TestStep{{
					Config: agentConfig(name, "A"),
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
						PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					},
					Check: func(*terraformState) error {
						ds, err := c.AppsV1().DaemonSets("default").Get(ctx, name, metav1.GetOptions{})
						if err != nil {
							return err
						}
						env := ds.Spec.Template.Spec.Containers[0].Env
						if len(env) != 1 || env[0].Name != "A" {
							return fmt.Errorf("env after the apply is %v, want only A", env)
						}
						return nil
					},
				}},
			})
		})
		t.Run(how+"/unchanged", func(t *testing.T) {
			name := acctest.RandomName("adopt")
			write(t, name)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				CheckDestroy:             checkDestroyed(t, "default", name),
				Steps: []resource.TestStep{{
					// wait_for_rollout keeps the default the import sets: the plan must be a no-op.
					Config: strings.Replace(agentConfig(name, "A", "DEBUG"), "wait_for_rollout = false", "", 1),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
					}},
					Check: func(*terraformState) error {
						ds, err := c.AppsV1().DaemonSets("default").Get(ctx, name, metav1.GetOptions{})
						if err != nil {
							return err
						}
						if ds.Generation != 1 {
							return fmt.Errorf("generation %d after adoption, want 1", ds.Generation)
						}
						return nil
					},
				}},
			})
		})
	}
}
