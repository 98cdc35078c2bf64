package daemonset_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8stypes "k8s.io/apimachinery/pkg/types"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
)

// writtenForms is a DaemonSet in HCL with every form the API server stores differently from
// how it is written: explicit zero values and empty collections it drops, structs it
// completes with defaults (fieldRef's apiVersion, resourceFieldRef's divisor), and a
// template metadata name.
func writtenForms(name, image string) string {
	return fmt.Sprintf(`
resource "k8sfleet_daemonset" "test" {
  metadata = { name = %[1]q, namespace = "default", labels = {}, annotations = {} }
  spec = {
    min_ready_seconds = 0
    selector = { match_labels = { name = %[1]q } }
    template = {
      metadata = { name = "agent", labels = { name = %[1]q }, annotations = {} }
      spec = {
        host_network  = false
        host_pid      = false
        node_selector = {}
        overhead      = {}
        tolerations   = []
        host_aliases  = []
        security_context = { sysctls = [] }
        containers = [{
          name  = "agent"
          image = %[2]q
          args  = []
          ports = [{ container_port = 8080, host_port = 0, name = "http" }]
          env = [
            { name = "EMPTY", value = "" },
            { name = "NODE", value_from = { field_ref = { field_path = "spec.nodeName" } } },
            { name = "MEM", value_from = { resource_field_ref = { resource = "limits.memory" } } },
          ]
          security_context = { capabilities = { add = [], drop = ["ALL"] }, privileged = false }
          liveness_probe = {
            initial_delay_seconds = 0
            grpc = { port = 8080 }
          }
          readiness_probe = { tcp_socket = { port = "http" }, initial_delay_seconds = 0 }
          volume_mounts = [
            { name = "podinfo", mount_path = "/etc/podinfo", read_only = false },
          ]
        }]
        volumes = [{
          name = "podinfo"
          downward_api = {
            items = [
              { path = "labels", field_ref = { field_path = "metadata.labels" } },
              { path = "cpu", resource_field_ref = { container_name = "agent", resource = "limits.cpu" } },
            ]
          }
        }]
      }
    }
  }
  wait_for_rollout = false
}
`, name, image)
}

// TestAccDaemonSet_writtenForms: those forms apply and plan empty, import into an empty state
// with a no-op plan, and a one-field change plans that field alone.
func TestAccDaemonSet_writtenForms(t *testing.T) {
	acctest.Cluster(t)
	name := acctest.RandomName("forms")
	var exact atomic.Int32
	withDefaultWait := requiredProvider + strings.Replace(writtenForms(name, "agent:v1"), "wait_for_rollout = false", "", 1)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.DaemonSetDestroyed(t, "default", name),
		Steps: []resource.TestStep{
			{
				Config: writtenForms(name, "agent:v1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{
				Config:          withDefaultWait,
				ResourceName:    addr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   "default/" + name,
			},
			{
				Config: writtenForms(name, "agent:v2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{onlyChanged(&exact, "spec.template.spec.containers.0.image")},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// TestAccDaemonSet_destroyAfterDrift: another manager changes a field we set, as
// `kubectl set image` does; the plan warns about the conflict instead of failing, and
// destroy removes the DaemonSet.
func TestAccDaemonSet_destroyAfterDrift(t *testing.T) {
	c := acctest.Cluster(t).Client
	name := acctest.RandomName("setimage")
	f := fluentd{name: name, namespace: "default", resourceExtra: []string{"wait_for_rollout = false"}}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.DaemonSetDestroyed(t, "default", name),
		Steps: []resource.TestStep{
			{Config: f.hcl()},
			{
				PreConfig: func() {
					patch := `{"spec":{"template":{"spec":{"containers":[{"name":"fluentd-elasticsearch","image":"fluentd:set"}]}}}}`
					_, err := c.AppsV1().DaemonSets("default").Patch(context.Background(), name, k8stypes.StrategicMergePatchType,
						[]byte(patch), metav1.PatchOptions{FieldManager: "kubectl-set"})
					if err != nil {
						t.Fatal(err)
					}
				},
				// The plan shows the image drift; destroy, which plans with this configuration
				// first, must go through.
				Config:  f.hcl(),
				Destroy: true,
			},
		},
	})
}
