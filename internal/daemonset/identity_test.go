package daemonset_test

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8stypes "k8s.io/apimachinery/pkg/types"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
)

// identityAvailable skips below Terraform 1.12 and OpenTofu 1.12, which have no resource identity.
var identityAvailable = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)}

// TestAccDaemonSet_identity: the identity is namespace and name; an import block names an
// existing DaemonSet by identity, and a managed one imports back by identity unchanged.
func TestAccDaemonSet_identity(t *testing.T) {
	c := acctest.Cluster(t).Client
	name := acctest.RandomName("identity")
	manifest := `{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"` + name + `","namespace":"default"},` +
		`"spec":{"selector":{"matchLabels":{"name":"` + name + `"}},"template":{"metadata":{"labels":{"name":"` + name + `"}},` +
		`"spec":{"containers":[{"name":"agent","image":"agent:v1"}]}}}}`
	// The import step writes its own configuration, which needs the provider's source.
	config := `
terraform {
  required_providers {
    k8sfleet = { source = "k8sfleet/k8sfleet" }
  }
}
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
`
	// Namespace left out of the identity: it defaults to "default", as in the resource.
	importBlock := `
import {
  to       = k8sfleet_daemonset.test
  identity = { name = "` + name + `" }
}
`
	identity := map[string]knownvalue.Check{"namespace": knownvalue.StringExact("default"), "name": knownvalue.StringExact(name)}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   identityAvailable,
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.DaemonSetDestroyed(t, "default", name),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					_, err := c.AppsV1().DaemonSets("default").Patch(context.Background(), name, k8stypes.ApplyPatchType,
						[]byte(manifest), metav1.PatchOptions{FieldManager: "kubectl"})
					if err != nil {
						t.Fatal(err)
					}
				},
				Config: config + importBlock,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectIdentity(addr, identity)},
			},
			{
				ResourceName:    addr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
				Config:          config,
			},
		},
	})
}
