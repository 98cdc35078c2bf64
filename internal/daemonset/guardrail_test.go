package daemonset_test

import (
	"context"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
)

// TestAccDaemonSet_guardrail applies examples/guides/guardrails: a node selector that takes the
// DaemonSet off four nodes fails the plan with the postcondition's message and writes nothing.
func TestAccDaemonSet_guardrail(t *testing.T) {
	c := acctest.Cluster(t).Client
	dir := config.StaticDirectory("../../examples/guides/guardrails")
	const ns, name = "kube-system", "fluentd-elasticsearch"
	selected := config.Variables{"node_selector": config.MapVariable(map[string]config.Variable{"logger": config.StringVariable("fluentd")})}
	unchanged := func(*terraformState) error {
		ds, err := c.AppsV1().DaemonSets(ns).Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		if sel := ds.Spec.Template.Spec.NodeSelector; len(sel) != 0 {
			return errorf("the failed plan wrote the node selector %v", sel)
		}
		return nil
	}
	t.Cleanup(func() { labelNodes(t, "null", "k8s-01", "k8s-02") })
	resource.Test(t, resource.TestCase{
		CheckDestroy: acctest.DaemonSetDestroyed(t, ns, name),
		Steps: []resource.TestStep{
			{
				// The labels are there before the refresh that the plan of the next step predicts from
				// (that step plans with -refresh=false first).
				PreConfig:                func() { labelNodes(t, `"fluentd"`, "k8s-01", "k8s-02") },
				ProtoV6ProviderFactories: acctest.ProviderFactories, ConfigDirectory: dir, Check: acctest.DesiredIs(t, ns, name, 6),
			},
			{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				ConfigDirectory:          dir,
				ConfigVariables:          selected,
				PlanOnly:                 true,
				ExpectError: wrapped("Resource postcondition failed", "This change takes fluentd off 4 nodes (at most 2 allowed):",
					"k8s-03 (-1: node selector does not match (logger=fluentd))"),
			},
			{
				// The refresh and plan of the failed step wrote nothing.
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				ConfigDirectory:          dir,
				Check:                    unchanged,
			},
		},
	})
}

// wrapped matches the phrases in order, wherever Terraform wraps the lines of its message.
func wrapped(phrases ...string) *regexp.Regexp {
	expr := "(?s)"
	for i, p := range phrases {
		if i > 0 {
			expr += ".*"
		}
		expr += regexp.MustCompile(` +`).ReplaceAllString(regexp.QuoteMeta(p), `\s+`)
	}
	return regexp.MustCompile(expr)
}
