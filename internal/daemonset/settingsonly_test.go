package daemonset_test

import (
	"context"
	"encoding/json"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8stypes "k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
)

// nodeAgentManifest is a DaemonSet whose env reads the node name and whose cpu request is
// written "0.1": fields the API server stores in another form (fieldRef gains apiVersion,
// 0.1 becomes 100m).
func nodeAgentManifest(name, image string) string {
	return `{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"` + name + `","namespace":"default"},` +
		`"spec":{"selector":{"matchLabels":{"name":"` + name + `"}},"template":{"metadata":{"labels":{"name":"` + name + `"}},` +
		`"spec":{"containers":[{"name":"agent","image":"` + image + `",` +
		`"env":[{"name":"NODE","valueFrom":{"fieldRef":{"fieldPath":"spec.nodeName"}}}],` +
		`"resources":{"requests":{"cpu":"0.1"}}}]}}}}`
}

// nodeAgentConfig is nodeAgentManifest in HCL, imported, with extra resource attributes.
func nodeAgentConfig(name, image string, extra ...string) string {
	return `
resource "k8sfleet_daemonset" "test" {
  metadata = { name = "` + name + `" }
  spec = {
    selector = { match_labels = { name = "` + name + `" } }
    template = {
      metadata = { labels = { name = "` + name + `" } }
      spec = {
        containers = [{
          name      = "agent"
          image     = "` + image + `"
          env       = [{ name = "NODE", value_from = { field_ref = { field_path = "spec.nodeName" } } }]
          resources = { requests = { cpu = "0.1" } }
        }]
      }
    }
  }
  ` + strings.Join(extra, "\n  ") + `
}
import {
  to = k8sfleet_daemonset.test
  id = "default/` + name + `"
}
`
}

// install writes the manifest's DaemonSet as kubectl does: apply --server-side, create, or
// client-side apply.
func install(ctx context.Context, t *testing.T, c kubernetes.Interface, how, manifest string) {
	t.Helper()
	switch how {
	case "server-side":
		var obj metav1.PartialObjectMetadata
		if err := json.Unmarshal([]byte(manifest), &obj); err != nil {
			t.Fatal(err)
		}
		if _, err := c.AppsV1().DaemonSets("default").Patch(ctx, obj.Name, k8stypes.ApplyPatchType, []byte(manifest), metav1.PatchOptions{FieldManager: "kubectl"}); err != nil {
			t.Fatal(err)
		}
	case "create":
		ds := &appsv1.DaemonSet{}
		if err := json.Unmarshal([]byte(manifest), ds); err != nil {
			t.Fatal(err)
		}
		if _, err := c.AppsV1().DaemonSets("default").Create(ctx, ds, metav1.CreateOptions{FieldManager: "kubectl-create"}); err != nil {
			t.Fatal(err)
		}
	case "client-side":
		createClientSideApplied(ctx, t, c, manifest)
	default:
		t.Fatalf("no installer %q", how)
	}
}

var conflictField = regexp.MustCompile(`field (\S+) is owned by field manager (\S+?);`)

// conflicts lists, once each, the "field F is owned by field manager M" phrases of Terraform's
// output.
func conflicts(out string) []string {
	flat := strings.Join(strings.Fields(strings.ReplaceAll(out, "│", " ")), " ")
	seen := map[string]bool{}
	var found []string
	for _, m := range conflictField.FindAllStringSubmatch(flat, -1) {
		if f := m[1] + " " + m[2]; !seen[f] {
			seen[f] = true
			found = append(found, f)
		}
	}
	sort.Strings(found)
	return found
}

// errorsOf is Terraform's output from its first error on.
func errorsOf(out string) string {
	if i := strings.Index(out, "Error: "); i >= 0 {
		return out[i:]
	}
	return ""
}

// TestAccDaemonSet_settingsOnlyWriteNothing: a DaemonSet installed by kubectl (server-side
// apply, create, client-side apply) and imported with no write keeps its object when only
// wait_for_rollout and timeouts change: the apply succeeds, the resourceVersion stays and no
// field of ours appears. For the server-side-applied object, the first real change (the
// image) then warns in the plan of exactly the fields the apply fails on, owned by kubectl.
func TestAccDaemonSet_settingsOnlyWriteNothing(t *testing.T) {
	c := acctest.Cluster(t)
	for _, how := range []string{"server-side", "create", "client-side"} {
		t.Run(how, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			name := acctest.RandomName("settings")
			install(ctx, t, c.Client, how, nodeAgentManifest(name, "agent:v1"))
			t.Cleanup(func() {
				_ = c.Client.AppsV1().DaemonSets("default").Delete(context.Background(), name, metav1.DeleteOptions{})
			})
			cli := acctest.NewCLI(t, c.Kubeconfig)
			cli.Write(t, nodeAgentConfig(name, "agent:v1"))
			if out, err := cli.Run(ctx, "apply", "-auto-approve"); err != nil || !strings.Contains(out, "1 imported, 0 added, 0 changed") {
				t.Fatalf("the import is not a no-op: %v\n%s", err, out)
			}
			before, err := c.Client.AppsV1().DaemonSets("default").Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}

			cli.Write(t, nodeAgentConfig(name, "agent:v1", "wait_for_rollout = false", `timeouts = { update = "2m" }`))
			out, err := cli.Run(ctx, "apply", "-auto-approve")
			if err != nil || !strings.Contains(out, "0 added, 1 changed") {
				t.Fatalf("the settings-only change does not apply: %v\n%s", err, out)
			}
			if strings.Contains(out, "Another field manager owns fields") {
				t.Errorf("the settings-only change warns of a conflict it cannot meet:\n%s", out)
			}
			after, err := c.Client.AppsV1().DaemonSets("default").Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if after.ResourceVersion != before.ResourceVersion {
				t.Errorf("a settings-only change wrote the DaemonSet: resourceVersion %s -> %s; managedFields %s",
					before.ResourceVersion, after.ResourceVersion, managedFieldsOf(after))
			}
			for _, e := range after.ManagedFields {
				if e.Manager == "k8sfleet" {
					t.Errorf("a settings-only change gave fields to k8sfleet: %s", managedFieldsOf(after))
				}
			}
			if out, err := cli.Run(ctx, "plan", "-detailed-exitcode"); err != nil {
				t.Fatalf("the plan after the settings-only change is not empty: %v\n%s", err, out)
			}
			if how != "server-side" {
				return
			}

			cli.Write(t, nodeAgentConfig(name, "agent:v2", "wait_for_rollout = false", `timeouts = { update = "2m" }`))
			planned, err := cli.Run(ctx, "plan")
			if err != nil {
				t.Fatalf("the plan of the image change fails: %v\n%s", err, planned)
			}
			warned := conflicts(planned)
			if len(warned) == 0 || !wrapped("The apply will fail on these fields unless force = true").MatchString(planned) {
				t.Fatalf("the plan of the image change does not say which fields kubectl holds:\n%s", planned)
			}
			applied, err := cli.Run(ctx, "apply", "-auto-approve")
			if err == nil {
				t.Fatalf("the apply of the image change succeeds against kubectl's fields:\n%s", applied)
			}
			if failed := conflicts(errorsOf(applied)); strings.Join(failed, ", ") != strings.Join(warned, ", ") {
				t.Fatalf("the plan warned of %v, the apply failed on %v:\n%s", warned, failed, applied)
			}
		})
	}
}
