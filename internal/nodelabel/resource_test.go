package nodelabel_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
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
