package daemonset_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
)

// TestAccDaemonSetPlacement_dataSource reads the placement of a DaemonSet whose pods really
// run: each worker should run one and runs it, each master is excluded by its taint and has none.
func TestAccDaemonSetPlacement_dataSource(t *testing.T) {
	acctest.Cluster(t)
	name := acctest.RandomName("placement")
	f := fluentd{name: name, namespace: "default"}
	withData := f.hcl() + fmt.Sprintf(`
data "k8sfleet_daemonset_placement" "test" {
  namespace  = "default"
  name       = %q
  depends_on = [k8sfleet_daemonset.test]
}
`, name)
	const ds = "data.k8sfleet_daemonset_placement.test"
	node := func(i int) tfjsonpath.Path { return tfjsonpath.New("nodes").AtSliceIndex(i) }
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.DaemonSetDestroyed(t, "default", name),
		Steps: []resource.TestStep{
			{Config: f.hcl()},
			{
				Config: withData,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("expected_pod_count"), knownvalue.Int64Exact(3)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("nodes"), knownvalue.ListSizeExact(6)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("status").AtMapKey("desired_number_scheduled"), knownvalue.Int64Exact(3)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("status").AtMapKey("number_available"), knownvalue.Int64Exact(3)),
					statecheck.ExpectKnownValue(ds, node(0).AtMapKey("name"), knownvalue.StringExact("k8s-01")),
					statecheck.ExpectKnownValue(ds, node(0).AtMapKey("should_run"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(ds, node(0).AtMapKey("reason"), knownvalue.Null()),
					statecheck.ExpectKnownValue(ds, node(0).AtMapKey("pod_name"), knownvalue.StringRegexp(regexpMust("^"+name+"-"))),
					statecheck.ExpectKnownValue(ds, node(0).AtMapKey("pod_phase"), knownvalue.StringExact("Running")),
					statecheck.ExpectKnownValue(ds, node(3).AtMapKey("name"), knownvalue.StringExact("k8s-master-01")),
					statecheck.ExpectKnownValue(ds, node(3).AtMapKey("should_run"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(ds, node(3).AtMapKey("reason"), knownvalue.StringExact(masterTaint)),
					statecheck.ExpectKnownValue(ds, node(3).AtMapKey("pod_name"), knownvalue.Null()),
					statecheck.ExpectKnownValue(ds, node(3).AtMapKey("pod_phase"), knownvalue.Null()),
				},
			},
		},
	})
}

func regexpMust(s string) *regexp.Regexp { return regexp.MustCompile(s) }
