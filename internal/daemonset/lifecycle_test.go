package daemonset_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8stypes "k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
)

// TestAccDaemonSet_driftAndDisappears: an image changed by another writer shows in the next
// plan and is put back; a DaemonSet deleted outside Terraform is planned for creation.
func TestAccDaemonSet_driftAndDisappears(t *testing.T) {
	c := acctest.Cluster(t).Client
	name := acctest.RandomName("drift")
	f := fluentd{name: name, namespace: "default", podSpec: []string{tolerateMasters}}
	forced := f
	forced.resourceExtra = []string{"force = true"}
	ctx := context.Background()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.DaemonSetDestroyed(t, "default", name),
		Steps: []resource.TestStep{
			{Config: f.hcl()},
			{
				PreConfig: func() {
					patch := `{"apiVersion":"apps/v1","kind":"DaemonSet","spec":{"template":{"spec":{"containers":[{"name":"fluentd-elasticsearch","image":"fluentd:other"}]}}}}`
					_, err := c.AppsV1().DaemonSets("default").Patch(ctx, name, k8stypes.ApplyPatchType, []byte(patch),
						metav1.PatchOptions{FieldManager: "other-tool", Force: ptr.To(true)})
					if err != nil {
						t.Fatal(err)
					}
				},
				// The field now belongs to other-tool: the plan warns, the apply fails naming it.
				Config:      f.hcl(),
				ExpectError: regexp.MustCompile(`(?s)image is owned\s+by field manager other-tool;.*force = true`),
			},
			{
				Config: forced.hcl(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: func(_ *terraformState) error {
					ds, err := c.AppsV1().DaemonSets("default").Get(ctx, name, metav1.GetOptions{})
					if err != nil {
						return err
					}
					if img := ds.Spec.Template.Spec.Containers[0].Image; img != "quay.io/fluentd_elasticsearch/fluentd:v2.5.2" {
						return errorf("image is %q after apply", img)
					}
					return nil
				},
			},
			{
				PreConfig: func() {
					if err := c.AppsV1().DaemonSets("default").Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
						t.Fatal(err)
					}
					waitGone(t, "default", name)
				},
				Config: forced.hcl(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				Check: acctest.DesiredIs(t, "default", name, 6),
			},
		},
	})
}

// TestAccDaemonSet_import: a DaemonSet written by kubectl (server-side apply, or client-side
// apply with its last-applied annotation) is imported; the matching configuration then plans
// no change.
func TestAccDaemonSet_import(t *testing.T) {
	c := acctest.Cluster(t).Client
	for _, how := range []string{"server-side", "client-side"} {
		t.Run(how, func(t *testing.T) {
			name := acctest.RandomName("imported")
			manifest := `{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"` + name + `","namespace":"default"},` +
				`"spec":{"selector":{"matchLabels":{"name":"` + name + `"}},"template":{"metadata":{"labels":{"name":"` + name + `"}},` +
				`"spec":{"containers":[{"name":"agent","image":"agent:v1"}]}}}}`
			ctx := context.Background()
			var err error
			if how == "server-side" {
				_, err = c.AppsV1().DaemonSets("default").Patch(ctx, name, k8stypes.ApplyPatchType, []byte(manifest), metav1.PatchOptions{FieldManager: "kubectl"})
			} else {
				ds := &appsv1.DaemonSet{}
				if err := json.Unmarshal([]byte(manifest), ds); err != nil {
					t.Fatal(err)
				}
				ds.Annotations = map[string]string{"kubectl.kubernetes.io/last-applied-configuration": manifest}
				_, err = c.AppsV1().DaemonSets("default").Create(ctx, ds, metav1.CreateOptions{FieldManager: "kubectl-client-side-apply"})
			}
			if err != nil {
				t.Fatal(err)
			}
			config := `
resource "k8sfleet_daemonset" "test" {
  metadata = { name = "` + name + `" }
  spec = {
    selector = { match_labels = { name = "` + name + `" } }
    template = {
      metadata = { labels = { name = "` + name + `" } }
      spec = { containers = [{ name = "agent", image = "agent:v1" }] }
    }
  }
}
import {
  to = k8sfleet_daemonset.test
  id = "default/` + name + `"
}
`
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				CheckDestroy:             acctest.DaemonSetDestroyed(t, "default", name),
				Steps: []resource.TestStep{{
					Config: config,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("expected_pod_count"), knownvalue.Int64Exact(3)),
					}},
				}},
			})
		})
	}
}

// TestAccDaemonSet_replaceOnSelectorChange: spec.selector is immutable.
func TestAccDaemonSet_replaceOnSelectorChange(t *testing.T) {
	name := acctest.RandomName("selector")
	before := fluentd{name: name, namespace: "default"}
	cfgAfter := regexp.MustCompile(`selector = \{ match_labels = \{ name = "[^"]+" \} \}`).
		ReplaceAllString(before.hcl(), `selector = { match_labels = { name = "`+name+`", tier = "agents" } }`)
	cfgAfter = regexp.MustCompile(`metadata = \{ labels = \{ name = "([^"]+)" \} \}`).
		ReplaceAllString(cfgAfter, `metadata = { labels = { name = "$1", tier = "agents" } }`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.DaemonSetDestroyed(t, "default", name),
		Steps: []resource.TestStep{
			{Config: before.hcl()},
			{
				Config: cfgAfter,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionReplace),
				}},
				Check: acctest.DesiredIs(t, "default", name, 3),
			},
		},
	})
}

// TestAccDaemonSet_rollout: a DaemonSet that selects no node is done at once; one whose pods
// cannot be scheduled times out with the nodes and the reason.
func TestAccDaemonSet_rollout(t *testing.T) {
	name := acctest.RandomName("rollout")
	none := fluentd{name: name, namespace: "default", podSpec: []string{`node_selector = { nothing = "matches" }`}}
	huge := fluentd{name: name + "-huge", namespace: "default", resourceExtra: []string{`timeouts = { create = "8s" }`}}
	hugeHCL := regexp.MustCompile(`requests = \{ cpu = "100m"`).ReplaceAllString(huge.hcl(), `requests = { cpu = "1000"`)
	hugeHCL = regexp.MustCompile(`limits   = \{ memory = "200Mi" \}`).ReplaceAllString(hugeHCL, `limits = { memory = "200Mi", cpu = "1000" }`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: none.hcl(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("expected_pod_count"), knownvalue.Int64Exact(0)),
				}},
				Check: acctest.DesiredIs(t, "default", name, 0),
			},
			{
				Config:      hugeHCL,
				ExpectError: regexp.MustCompile(`(?s)Pods not ready:.*node k8s-0.*Insufficient cpu.*terraform untaint`),
			},
		},
	})
}

// TestAccDaemonSet_badInputFailsAtPlan: rules checked without the cluster fail the plan.
func TestAccDaemonSet_badInputFailsAtPlan(t *testing.T) {
	acctest.Cluster(t)
	name := acctest.RandomName("bad")
	cases := map[string]struct {
		f    fluentd
		want string
	}{
		"restart policy": {fluentd{name: name, podSpec: []string{`restart_policy = "Never"`}}, `restart_policy must be Always`},
		"quantity":       {fluentd{name: name, podSpec: []string{`overhead = { cpu = "12xyz" }`}}, `invalid quantity "12xyz"`},
		"negative":       {fluentd{name: name, specExtra: []string{`min_ready_seconds = -1`}}, `must not be negative`},
		"name":           {fluentd{name: "Bad_Name"}, `is not a valid name`},
	}
	for label, tc := range cases {
		t.Run(label, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      tc.f.hcl(),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(regexp.QuoteMeta(tc.want)),
				}},
			})
		})
	}
}

// TestAccDaemonSet_quantitiesCompareByMeaning: "0.1" CPU is stored as "100m" by the server,
// "0.15625Gi" as "160Mi", and an int-or-string 1 as 1; none of them is a perpetual diff.
func TestAccDaemonSet_quantitiesCompareByMeaning(t *testing.T) {
	name := acctest.RandomName("quantity")
	cfg := strings.NewReplacer(
		`requests = { cpu = "100m", memory = "200Mi" }`, `requests = { cpu = "0.1", memory = "0.15625Gi" }`,
	).Replace(fluentd{name: name, namespace: "default",
		specExtra: []string{`update_strategy = { type = "RollingUpdate", rolling_update = { max_unavailable = "1", max_surge = "0" } }`}}.hcl())
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.DaemonSetDestroyed(t, "default", name),
		Steps: []resource.TestStep{
			{Config: cfg},
			{Config: cfg, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
}
