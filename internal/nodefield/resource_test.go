package nodefield_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/testcluster"
)

// TestAccNodeFields_conflictAndForce: a field another client set to another value is a
// conflict that names it; force adopts it, and destroy then removes it.
func TestAccNodeFields_conflictAndForce(t *testing.T) {
	forEachKind(t, func(t *testing.T, k kind) {
		key := acctest.RandomName("dedicated")
		target := `node_name = "k8s-03"`
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			CheckDestroy:             k.destroyed(t, key),
			Steps: []resource.TestStep{
				{
					PreConfig:   func() { k.putAs(t, "k8s-03", key, "database") },
					Config:      k.block(target, key, "logging", ""),
					ExpectError: acctest.Wrapped(k.foreign("k8s-03", key, "database")),
				},
				{
					Config: k.block(target, key, "logging", "force = true"),
					Check:  k.has(t, "k8s-03", key, "logging"),
				},
				{
					// Owned now: dropping force is a change of the attribute only.
					Config: k.block(target, key, "logging", ""),
					Check:  k.has(t, "k8s-03", key, "logging"),
				},
			},
		})
	})
}

// TestAccNodeFields_importAdopts: a field set by a plain client is imported, belongs to the
// resource from then on, and destroy removes it.
func TestAccNodeFields_importAdopts(t *testing.T) {
	forEachKind(t, func(t *testing.T, k kind) {
		key := acctest.RandomName("adopt")
		config := k.block(`node_name = "k8s-02"`, key, "yes", "")
		addr := k.resource + ".test"
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			CheckDestroy:             k.destroyed(t, key),
			Steps: []resource.TestStep{
				{
					PreConfig: func() { k.putAs(t, "k8s-02", key, "yes") },
					Config:    config + fmt.Sprintf("import {\n  to = %s\n  id = %q\n}\n", addr, "k8s-02:"+k.item(key)),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
					}},
				},
				{
					Config: config,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectEmptyPlan(),
					}},
				},
			},
		})
	})
}

// TestAccNodeFields_disappears: a node deleted outside Terraform takes the resource out of
// state on refresh, and applying it again fails naming the node before any write.
func TestAccNodeFields_disappears(t *testing.T) {
	forEachKind(t, func(t *testing.T, k kind) {
		c := acctest.Cluster(t)
		node := acctest.RandomName("gone")
		key := acctest.RandomName("t")
		config := k.block(`node_name = "`+node+`"`, key, "x", "")
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			CheckDestroy:             k.destroyed(t, key),
			Steps: []resource.TestStep{
				{
					PreConfig: func() {
						if err := c.CreateNodes(context.Background(), []testcluster.Node{{Name: node}}); err != nil {
							t.Fatal(err)
						}
					},
					Config: config,
					Check: resource.ComposeTestCheckFunc(
						k.has(t, node, key, "x"),
						func(*terraform.State) error { acctest.DeleteNode(t, node); return nil },
					),
					ExpectNonEmptyPlan: true,
				},
				{
					Config:      config,
					ExpectError: acctest.Wrapped("node " + node + " does not exist, so nothing was changed"),
				},
			},
		})
	})
}

// TestAccNodeFields_unconfiguredProvider: while the provider's cluster is not known yet (it
// is created in the same run), the plan succeeds with the computed values unknown.
func TestAccNodeFields_unconfiguredProvider(t *testing.T) {
	forEachKind(t, func(t *testing.T, k kind) {
		config := `
resource "terraform_data" "cluster" { input = "https://127.0.0.1:1" }
provider "k8sfleet" { host = terraform_data.cluster.output }
` + k.block(`node_name = "k8s-01"`, "logger", "fluentd", "")
		checks := []plancheck.PlanCheck{plancheck.ExpectUnknownValue(k.resource+".test", tfjsonpath.New("nodes"))}
		if k.resource == "k8sfleet_node_label" {
			checks = append(checks, plancheck.ExpectUnknownValue(k.resource+".test", tfjsonpath.New("field_manager")))
		}
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			Steps: []resource.TestStep{{
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks:   resource.ConfigPlanChecks{PostApplyPreRefresh: checks},
			}},
		})
	})
}
