package daemonset_test

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
)

// exactDiffPaths lists the paths where a and b differ, an empty object and null included.
func exactDiffPaths(at string, a, b any) []string {
	if (a == nil) != (b == nil) {
		return []string{at}
	}
	am, aIsMap := a.(map[string]any)
	bm, bIsMap := b.(map[string]any)
	if aIsMap && bIsMap {
		keys := map[string]bool{}
		for k := range am {
			keys[k] = true
		}
		for k := range bm {
			keys[k] = true
		}
		var out []string
		for k := range keys {
			out = append(out, exactDiffPaths(at+"."+k, am[k], bm[k])...)
		}
		return out
	}
	al, aIsList := a.([]any)
	bl, bIsList := b.([]any)
	if aIsList && bIsList && len(al) == len(bl) {
		var out []string
		for i := range al {
			out = append(out, exactDiffPaths(fmt.Sprintf("%s.%d", at, i), al[i], bl[i])...)
		}
		return out
	}
	if !reflect.DeepEqual(a, b) {
		return []string{at}
	}
	return nil
}

// planChangesOnly checks that the plan of the DaemonSet changes exactly the given path of
// metadata and spec, and nothing else, not even an empty object to null.
func planChangesOnly(want string) plancheck.PlanCheck {
	return planCheckFunc(func(req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
		for _, rc := range req.Plan.ResourceChanges {
			if rc.Address != addr {
				continue
			}
			before, _ := rc.Change.Before.(map[string]any)
			after, _ := rc.Change.After.(map[string]any)
			var paths []string
			for _, key := range []string{"metadata", "spec"} {
				paths = append(paths, exactDiffPaths(key, before[key], after[key])...)
			}
			sort.Strings(paths)
			if len(paths) != 1 || paths[0] != want {
				resp.Error = fmt.Errorf("the plan changes %v, want only %s", paths, want)
			}
			return
		}
		resp.Error = fmt.Errorf("no change of %s in the plan", addr)
	})
}

// TestAccDaemonSet_importKeepsDefaultsUnshown: a DaemonSet installed by kubectl (server-side
// apply, create, client-side apply) from a manifest that sets no defaults, imported with no
// change, then given a new image: the plan changes the image and nothing else (no server
// default that kubectl's manager holds shows as a removal), the apply changes the image, and
// the next plan is empty.
func TestAccDaemonSet_importKeepsDefaultsUnshown(t *testing.T) {
	c := acctest.Cluster(t).Client
	ctx := context.Background()
	for _, how := range []string{"server-side", "create", "client-side"} {
		t.Run(how, func(t *testing.T) {
			name := acctest.RandomName("defaults")
			install(ctx, t, c, how, agentManifest(name, "A"))
			adopt := strings.Replace(agentConfig(name, "A"), "wait_for_rollout = false", "", 1)
			bump := strings.Replace(adopt, `image = "agent:v1"`, `image = "agent:v2"`, 1)
			if how == "server-side" {
				bump = strings.Replace(bump, `metadata = { name = "`+name+`" }`, `metadata = { name = "`+name+`" }`+"\n  force = true", 1)
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				CheckDestroy:             acctest.DaemonSetDestroyed(t, "default", name),
				Steps: []resource.TestStep{
					{
						Config: adopt,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
						}},
					},
					{
						Config: bump,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply:             []plancheck.PlanCheck{planChangesOnly("spec.template.spec.containers.0.image")},
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						Check: func(*terraformState) error {
							ds, err := c.AppsV1().DaemonSets("default").Get(ctx, name, metav1.GetOptions{})
							if err != nil {
								return err
							}
							if img := ds.Spec.Template.Spec.Containers[0].Image; img != "agent:v2" {
								return fmt.Errorf("image after the apply is %q, want agent:v2", img)
							}
							return nil
						},
					},
				},
			})
		})
	}
}
