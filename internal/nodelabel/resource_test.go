package nodelabel_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/testcluster"
)

// TestAccNodeLabel_basic: create, change, import and destroy on one node.
func TestAccNodeLabel_basic(t *testing.T) {
	acctest.Cluster(t)
	team := acctest.RandomName("team")
	create := label{node: "k8s-01", labels: map[string]string{"logger": "fluentd", team: "a"}}
	update := label{node: "k8s-01", labels: map[string]string{team: "b", "tier": "gold"}}
	renamed := update
	renamed.manager = "k8sfleet-custom-" + team
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             destroyed(t, "logger", team, "tier"),
		Steps: []resource.TestStep{
			{
				Config: create.hcl(),
				Check:  checkLabels(t, "k8s-01", create.labels),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("nodes"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("k8s-01")})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("field_manager"), knownvalue.StringRegexp(regexp.MustCompile(`^k8sfleet-label-[0-9a-f]{10}$`))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("k8s-01:logger,"+team)),
				},
			},
			{
				Config: update.hcl(),
				Check:  checkLabels(t, "k8s-01", update.labels, "logger"),
			},
			{
				// A new field manager takes the labels over; the old one keeps nothing.
				Config: renamed.hcl(),
				Check: resource.ComposeTestCheckFunc(
					checkLabels(t, "k8s-01", update.labels),
					func(*terraform.State) error { return onlyManager(t, "k8s-01", "k8sfleet-custom-"+team, team, "tier") },
				),
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
			},
		},
	})
}

// TestAccNodeLabel_othersSurvive: labels of a plain client (as kubectl label writes them) and
// of another server-side apply manager survive our create, update and destroy, and so does
// a label another manager set to the same value as ours.
func TestAccNodeLabel_othersSurvive(t *testing.T) {
	acctest.Cluster(t)
	ours := acctest.RandomName("ours")
	shared := acctest.RandomName("shared")
	theirs := map[string]string{"owner": "ops", "cost": "low", shared: "yes"}
	create := label{node: "k8s-02", labels: map[string]string{ours: "1", shared: "yes"}}
	update := label{node: "k8s-02", labels: map[string]string{ours: "2"}}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			if err := hasLabels(t, "k8s-02", theirs, ours); err != nil {
				return err
			}
			setLabel(t, "k8s-02", "owner", "", "kubectl-label")
			applyLabels(t, "k8s-02", "other-tool", map[string]string{})
			return nil
		},
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					setLabel(t, "k8s-02", "owner", "ops", "kubectl-label")
					applyLabels(t, "k8s-02", "other-tool", map[string]string{"cost": "low", shared: "yes"})
				},
				Config: create.hcl(),
				Check:  checkLabels(t, "k8s-02", merge(theirs, create.labels)),
			},
			{
				Config: update.hcl(),
				Check:  checkLabels(t, "k8s-02", merge(theirs, update.labels)),
			},
		},
	})
}

// TestAccNodeLabel_conflictAndForce: a label another manager set to another value is a
// conflict that names both; force takes it over, and destroy then removes it.
func TestAccNodeLabel_conflictAndForce(t *testing.T) {
	acctest.Cluster(t)
	key := acctest.RandomName("dedicated")
	mine := label{node: "k8s-03", labels: map[string]string{key: "logging"}}
	forced := mine
	forced.force = true
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             destroyed(t, key),
		Steps: []resource.TestStep{
			{
				PreConfig:   func() { setLabel(t, "k8s-03", key, "database", "kubectl-label") },
				Config:      mine.hcl(),
				ExpectError: wrapped(`label ` + key + ` on node k8s-03 is owned by field manager kubectl-label with value "database"`),
			},
			{
				Config: forced.hcl(),
				Check:  checkLabels(t, "k8s-03", mine.labels),
			},
			{
				// Owned now: dropping force is a change of the attribute only.
				Config: mine.hcl(),
				Check:  checkLabels(t, "k8s-03", mine.labels),
			},
		},
	})
}

// TestAccNodeLabel_importAdopts: labels set by a plain client are imported, belong to the
// resource from then on, and destroy removes them.
func TestAccNodeLabel_importAdopts(t *testing.T) {
	acctest.Cluster(t)
	key := acctest.RandomName("adopt")
	cfg := label{node: "k8s-01", labels: map[string]string{key: "yes"}}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             destroyed(t, key),
		Steps: []resource.TestStep{
			{
				// An import block: the imported state is applied and kept.
				PreConfig: func() { setLabel(t, "k8s-01", key, "yes", "kubectl-label") },
				Config:    cfg.hcl() + fmt.Sprintf("import {\n  to = %s\n  id = %q\n}\n", addr, "k8s-01:"+key),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("labels").AtMapKey(key), knownvalue.StringExact("yes")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("nodes"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("k8s-01")})),
				},
			},
			{
				Config: cfg.hcl(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
		},
	})
}

// TestAccNodeLabel_disappears: a node deleted outside Terraform leaves state on refresh, the
// next plan creates the resource again, and applying it fails naming the node before any write.
func TestAccNodeLabel_disappears(t *testing.T) {
	c := acctest.Cluster(t)
	node := acctest.RandomName("gone")
	cfg := label{node: node, labels: map[string]string{"logger": "fluentd"}}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             destroyed(t, "logger"),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					if err := c.CreateNodes(context.Background(), []testcluster.Node{{Name: node}}); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg.hcl(),
				Check: resource.ComposeTestCheckFunc(
					checkLabels(t, node, cfg.labels),
					func(*terraform.State) error { deleteNode(t, node); return nil },
				),
				ExpectNonEmptyPlan: true,
			},
			{
				Config:      cfg.hcl(),
				ExpectError: wrapped(`node ` + node + ` does not exist, so nothing was changed`),
			},
		},
	})
}

// TestAccNodeLabel_invalid: rules that need no cluster fail at plan.
func TestAccNodeLabel_invalid(t *testing.T) {
	acctest.Cluster(t)
	tests := []struct {
		config string
		err    string
	}{
		{label{node: "k8s-01", labels: map[string]string{"kubernetes.io/os": "linux"}}.hcl(), `set by the kubelet`},
		{label{node: "k8s-01", labels: map[string]string{"beta.kubernetes.io/arch": "amd64"}}.hcl(), `set by the kubelet`},
		{label{node: "k8s-01", labels: map[string]string{"bad key!": "x"}}.hcl(), `not a valid label key`},
		{label{node: "k8s-01", labels: map[string]string{"ok": "bad value!"}}.hcl(), `not a valid label value`},
		{label{selector: "logger=fluentd", labels: map[string]string{"logger": "fluentd"}}.hcl(), `label_selector uses logger, which this\s+resource also sets`},
		{label{node: "k8s-01", selector: "a=b", labels: map[string]string{"x": "y"}}.hcl(), `Invalid Attribute Combination`},
		{label{labels: map[string]string{"x": "y"}}.hcl(), `Missing Attribute Configuration`},
		{label{node: "k8s-01", manager: "kubectl", labels: map[string]string{"x": "y"}}.hcl(), `must start with\s+` + "`k8sfleet`"},
		{label{selector: "a in (", labels: map[string]string{"x": "y"}}.hcl(), `Invalid label selector`},
	}
	for _, test := range tests {
		t.Run(test.err, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps:                    []resource.TestStep{{Config: test.config, PlanOnly: true, ExpectError: regexp.MustCompile(test.err)}},
			})
		})
	}
}

func merge(maps ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range maps {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

func wrapped(text string) *regexp.Regexp { return acctest.Wrapped(text) }

// TestAccNodeLabel_unconfiguredProvider: while the provider's cluster is not known yet (it is
// created in the same run), the plan succeeds with the computed values unknown.
func TestAccNodeLabel_unconfiguredProvider(t *testing.T) {
	acctest.Cluster(t)
	config := `
resource "terraform_data" "cluster" { input = "https://127.0.0.1:1" }
provider "k8sfleet" { host = terraform_data.cluster.output }
` + label{node: "k8s-01", labels: map[string]string{"logger": "fluentd"}}.hcl()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:             config,
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{
				plancheck.ExpectUnknownValue(addr, tfjsonpath.New("nodes")),
				plancheck.ExpectUnknownValue(addr, tfjsonpath.New("field_manager")),
			}},
		}},
	})
}
