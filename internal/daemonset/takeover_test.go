package daemonset_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8stypes "k8s.io/apimachinery/pkg/types"

	"k8s.io/client-go/kubernetes"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
)

func agentManifest(name string, env ...string) string {
	var vars []string
	for _, e := range env {
		vars = append(vars, fmt.Sprintf(`{"name":%q,"value":"1"}`, e))
	}
	return `{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"` + name + `","namespace":"default"},` +
		`"spec":{"selector":{"matchLabels":{"name":"` + name + `"}},"template":{"metadata":{"labels":{"name":"` + name + `"}},` +
		`"spec":{"containers":[{"name":"agent","image":"agent:v1","env":[` + strings.Join(vars, ",") + `]}]}}}}`
}

func agentConfig(name string, env ...string) string {
	var vars []string
	for _, e := range env {
		vars = append(vars, fmt.Sprintf(`{ name = %q, value = "1" }`, e))
	}
	return `
resource "k8sfleet_daemonset" "test" {
  metadata = { name = "` + name + `" }
  spec = {
    selector = { match_labels = { name = "` + name + `" } }
    template = {
      metadata = { labels = { name = "` + name + `" } }
      spec = { containers = [{ name = "agent", image = "agent:v1", env = [` + strings.Join(vars, ", ") + `] }] }
    }
  }
  wait_for_rollout = false
}
import {
  to = k8sfleet_daemonset.test
  id = "default/` + name + `"
}
`
}

// TestAccDaemonSet_takeover: a DaemonSet written by kubectl (server-side apply, or create) with
// env A and DEBUG is imported with a configuration that lists only A: the plan changes the
// DaemonSet, and the apply leaves exactly A. The same object imported with a configuration
// that matches it (defaults left out) plans no change and writes no revision.
func TestAccDaemonSet_takeover(t *testing.T) {
	c := acctest.Cluster(t).Client
	ctx := context.Background()
	for _, how := range []string{"server-side", "create"} {
		write := func(t *testing.T, name string) {
			t.Helper()
			manifest := agentManifest(name, "A", "DEBUG")
			var err error
			if how == "server-side" {
				_, err = c.AppsV1().DaemonSets("default").Patch(ctx, name, k8stypes.ApplyPatchType, []byte(manifest), metav1.PatchOptions{FieldManager: "kubectl"})
			} else {
				ds := &appsv1.DaemonSet{}
				if err := json.Unmarshal([]byte(manifest), ds); err != nil {
					t.Fatal(err)
				}
				_, err = c.AppsV1().DaemonSets("default").Create(ctx, ds, metav1.CreateOptions{FieldManager: "kubectl-create"})
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		t.Run(how+"/drops DEBUG", func(t *testing.T) {
			name := acctest.RandomName("takeover")
			write(t, name)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				CheckDestroy:             acctest.DaemonSetDestroyed(t, "default", name),
				Steps: []resource.TestStep{{
					Config: agentConfig(name, "A"),
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
						PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					},
					Check: func(*terraformState) error {
						ds, err := c.AppsV1().DaemonSets("default").Get(ctx, name, metav1.GetOptions{})
						if err != nil {
							return err
						}
						env := ds.Spec.Template.Spec.Containers[0].Env
						if len(env) != 1 || env[0].Name != "A" {
							return fmt.Errorf("env after the apply is %v, want only A", env)
						}
						return nil
					},
				}},
			})
		})
		t.Run(how+"/unchanged", func(t *testing.T) {
			name := acctest.RandomName("adopt")
			write(t, name)
			revisions := -1
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				CheckDestroy:             acctest.DaemonSetDestroyed(t, "default", name),
				Steps: []resource.TestStep{{
					PreConfig: func() {
						n, err := settledRevisions(ctx, c, "default", name, 1)
						if err != nil {
							t.Fatal(err)
						}
						revisions = n
					},
					// wait_for_rollout keeps the default the import sets: the plan must be a no-op.
					Config: strings.Replace(agentConfig(name, "A", "DEBUG"), "wait_for_rollout = false", "", 1),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
					}},
					Check: func(*terraformState) error {
						ds, err := c.AppsV1().DaemonSets("default").Get(ctx, name, metav1.GetOptions{})
						if err != nil {
							return err
						}
						if ds.Generation != 1 {
							return fmt.Errorf("generation %d after adoption, want 1", ds.Generation)
						}
						n, err := settledRevisions(ctx, c, "default", name, 1)
						if err != nil {
							return err
						}
						if n != revisions {
							return fmt.Errorf("%d ControllerRevisions after adoption, %d before", n, revisions)
						}
						return nil
					},
				}},
			})
		})
	}
}

// kubectl's client-side apply keeps the manifest it sent in this annotation.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// managedConfig is agentConfig without the import, under the given field manager.
func managedConfig(name, manager string, env ...string) string {
	cfg, _, _ := strings.Cut(agentConfig(name, env...), "import {")
	return strings.Replace(cfg, "wait_for_rollout = false", "wait_for_rollout = false\n  field_manager = \""+manager+"\"", 1)
}

// settledRevisions waits until the DaemonSet controller has seen the DaemonSet's generation and
// at least min ControllerRevisions exist, then counts the ControllerRevisions the DaemonSet owns.
func settledRevisions(ctx context.Context, c kubernetes.Interface, ns, name string, min int) (int, error) {
	deadline := time.Now().Add(30 * time.Second)
	for {
		ds, err := c.AppsV1().DaemonSets(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return 0, err
		}
		list, err := c.AppsV1().ControllerRevisions(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return 0, err
		}
		n := 0
		for _, r := range list.Items {
			for _, o := range r.OwnerReferences {
				if o.UID == ds.UID {
					n++
					break
				}
			}
		}
		if ds.Status.ObservedGeneration >= ds.Generation && n >= min {
			return n, nil
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("%d ControllerRevisions of %s, observed generation %d of %d", n, name, ds.Status.ObservedGeneration, ds.Generation)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// liveEnv is the env of the live DaemonSet's container.
func liveEnv(ctx context.Context, c kubernetes.Interface, name string) (*appsv1.DaemonSet, []corev1.EnvVar, error) {
	ds, err := c.AppsV1().DaemonSets("default").Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, nil, err
	}
	return ds, ds.Spec.Template.Spec.Containers[0].Env, nil
}

// holds tells whether manager's managedFields entries list the field (a "f:" key).
func holds(ds *appsv1.DaemonSet, manager, field string) bool {
	for _, e := range ds.ManagedFields {
		if (manager == "" || e.Manager == manager) && e.FieldsV1 != nil && strings.Contains(e.FieldsV1.GetRawString(), `"f:`+field+`"`) {
			return true
		}
	}
	return false
}

// onlyEnvDropped checks that the plan removes the env var drop of the container and changes
// nothing else of metadata and spec.
func onlyEnvDropped(drop string) plancheck.PlanCheck {
	return planCheckFunc(func(req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
		for _, rc := range req.Plan.ResourceChanges {
			if rc.Address != addr {
				continue
			}
			before, _ := rc.Change.Before.(map[string]any)
			after, _ := rc.Change.After.(map[string]any)
			names := func(obj map[string]any) []string {
				var out []string
				spec, _ := obj["spec"].(map[string]any)
				tmpl, _ := spec["template"].(map[string]any)
				pod, _ := tmpl["spec"].(map[string]any)
				containers, _ := pod["containers"].([]any)
				if len(containers) == 0 {
					return nil
				}
				env, _ := containers[0].(map[string]any)["env"].([]any)
				for _, e := range env {
					n, _ := e.(map[string]any)["name"].(string)
					out = append(out, n)
				}
				return out
			}
			was, is := names(before), names(after)
			at := -1
			for i, n := range was {
				if n == drop {
					at = i
				}
			}
			var want []string
			for _, n := range was {
				if n != drop {
					want = append(want, n)
				}
			}
			if at < 0 || fmt.Sprint(is) != fmt.Sprint(want) {
				resp.Error = fmt.Errorf("the plan changes env %v to %v, want %s dropped", was, is, drop)
				return
			}
			// Entries after the dropped one move up: the differences start at its index.
			prefix := fmt.Sprintf("spec.template.spec.containers.0.env.%d", at)
			var paths []string
			for _, key := range []string{"metadata", "spec"} {
				paths = append(paths, diffPaths(key, before[key], after[key])...)
			}
			for _, p := range paths {
				if !strings.HasPrefix(p, "spec.template.spec.containers.0.env.") || p < prefix {
					resp.Error = fmt.Errorf("the plan changes %v, want only env %s dropped", paths, drop)
					return
				}
			}
			return
		}
		resp.Error = fmt.Errorf("no change of %s in the plan", addr)
	})
}

// TestAccDaemonSet_takeoverRename: after field_manager changes, the previous manager holds
// nothing of the spec, so removing env B removes it as planned, and a later change of A
// meets no conflict with our own old manager.
func TestAccDaemonSet_takeoverRename(t *testing.T) {
	c := acctest.Cluster(t).Client
	ctx := context.Background()
	name := acctest.RandomName("rename")
	oldGone := func(*terraformState) error {
		ds, _, err := liveEnv(ctx, c, name)
		if err != nil {
			return err
		}
		if holds(ds, "k8sfleet", "spec") {
			return fmt.Errorf("the previous field manager k8sfleet still holds fields of the spec: %s", managedFieldsOf(ds))
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.DaemonSetDestroyed(t, "default", name),
		Steps: []resource.TestStep{
			{Config: managedConfig(name, "k8sfleet", "A", "B")},
			{
				Config: managedConfig(name, "k8sfleet-new", "A", "B"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: oldGone,
			},
			{
				Config: managedConfig(name, "k8sfleet-new", "A"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate), onlyEnvDropped("B")},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraformState) error {
					_, env, err := liveEnv(ctx, c, name)
					if err != nil {
						return err
					}
					if len(env) != 1 || env[0].Name != "A" {
						return fmt.Errorf("env after removing B is %v, want only A", env)
					}
					return nil
				},
			},
			{
				Config: strings.Replace(managedConfig(name, "k8sfleet-new", "A"), `value = "1"`, `value = "2"`, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(s *terraformState) error {
					_, env, err := liveEnv(ctx, c, name)
					if err != nil {
						return err
					}
					if len(env) != 1 || env[0].Name != "A" || env[0].Value != "2" {
						return fmt.Errorf("env after changing A is %v, want only A=2", env)
					}
					return oldGone(s)
				},
			},
		},
	})
}

// TestAccDaemonSet_takeoverClientSideApply: a DaemonSet as `kubectl apply` (client-side) makes
// it, with env A and DEBUG, imported with a configuration of A alone, loses exactly DEBUG as
// planned. The last-applied annotation stays as kubectl wrote it, held by kubectl alone, as
// the ownership guide documents.
func TestAccDaemonSet_takeoverClientSideApply(t *testing.T) {
	c := acctest.Cluster(t).Client
	ctx := context.Background()
	name := acctest.RandomName("csa")
	manifest := agentManifest(name, "A", "DEBUG")
	createClientSideApplied(ctx, t, c, manifest)
	cfg := agentConfig(name, "A")
	withoutImport, _, _ := strings.Cut(cfg, "import {")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.DaemonSetDestroyed(t, "default", name),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate), onlyEnvDropped("DEBUG")},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraformState) error {
					live, env, err := liveEnv(ctx, c, name)
					if err != nil {
						return err
					}
					if len(env) != 1 || env[0].Name != "A" {
						return fmt.Errorf("env after the apply is %v, want only A", env)
					}
					if got := live.Annotations[lastApplied]; got != manifest+"\n" {
						return fmt.Errorf("last-applied annotation after the apply is %q, want it kept as kubectl wrote it", got)
					}
					if err := lastAppliedKubectls(live); err != nil {
						return err
					}
					if holds(live, "kubectl-client-side-apply", "spec") {
						return fmt.Errorf("kubectl-client-side-apply still holds fields of the spec: %s", managedFieldsOf(live))
					}
					return nil
				},
			},
			{Config: withoutImport, PlanOnly: true},
		},
	})
}

func managedFieldsOf(ds *appsv1.DaemonSet) string {
	var out []string
	for _, e := range ds.ManagedFields {
		raw := ""
		if e.FieldsV1 != nil {
			raw = e.FieldsV1.GetRawString()
		}
		out = append(out, fmt.Sprintf("%s (%s%s): %s", e.Manager, e.Operation, e.Subresource, raw))
	}
	return strings.Join(out, "; ")
}

// TestAccDaemonSet_takeoverClientSideApplyAnnotation: a DaemonSet that `kubectl apply`
// (client-side) made from a manifest with an annotation of its own, foo, imported with a
// configuration that sets no annotations (left out, or `annotations = {}`), loses foo as
// planned and nothing else: the last-applied annotation stays as kubectl wrote it, held by
// kubectl alone, and the next plan is empty.
func TestAccDaemonSet_takeoverClientSideApplyAnnotation(t *testing.T) {
	c := acctest.Cluster(t).Client
	ctx := context.Background()
	for _, form := range []string{"left out", "empty map"} {
		t.Run(form, func(t *testing.T) {
			name := acctest.RandomName("csa-annotation")
			manifest := strings.Replace(agentManifest(name, "A"), `"namespace":"default"}`, `"namespace":"default","annotations":{"foo":"bar"}}`, 1)
			createClientSideApplied(ctx, t, c, manifest)
			cfg := agentConfig(name, "A")
			if form == "empty map" {
				cfg = strings.Replace(cfg, `metadata = { name = "`+name+`" }`, `metadata = { name = "`+name+`", annotations = {} }`, 1)
			}
			withoutImport, _, _ := strings.Cut(cfg, "import {")
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				CheckDestroy:             acctest.DaemonSetDestroyed(t, "default", name),
				Steps: []resource.TestStep{
					{
						Config: cfg,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate), onlyAnnotationDropped("foo")},
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						Check: func(*terraformState) error {
							live, err := c.AppsV1().DaemonSets("default").Get(ctx, name, metav1.GetOptions{})
							if err != nil {
								return err
							}
							if _, ok := live.Annotations["foo"]; ok {
								return fmt.Errorf("annotation foo is still there: %v", live.Annotations)
							}
							if got := live.Annotations[lastApplied]; got != manifest+"\n" {
								return fmt.Errorf("last-applied annotation after the apply is %q, want it kept as kubectl wrote it (annotations %v)", got, live.Annotations)
							}
							return lastAppliedKubectls(live)
						},
					},
					{Config: withoutImport, PlanOnly: true},
				},
			})
		})
	}
}

// onlyAnnotationDropped checks that the plan removes the annotation key and changes nothing
// else of metadata and spec.
func onlyAnnotationDropped(key string) plancheck.PlanCheck {
	return planCheckFunc(func(req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
		for _, rc := range req.Plan.ResourceChanges {
			if rc.Address != addr {
				continue
			}
			before, _ := rc.Change.Before.(map[string]any)
			after, _ := rc.Change.After.(map[string]any)
			var paths []string
			for _, k := range []string{"metadata", "spec"} {
				paths = append(paths, diffPaths(k, before[k], after[k])...)
			}
			meta, _ := before["metadata"].(map[string]any)
			was, _ := meta["annotations"].(map[string]any)
			afterMeta, _ := after["metadata"].(map[string]any)
			is, _ := afterMeta["annotations"].(map[string]any)
			if _, ok := was[key]; !ok || len(is) != len(was)-1 {
				resp.Error = fmt.Errorf("the plan changes annotations %v to %v, want %s dropped", was, is, key)
				return
			}
			for _, p := range paths {
				if !strings.HasPrefix(p, "metadata.annotations") {
					resp.Error = fmt.Errorf("the plan changes %v, want only annotation %s dropped", paths, key)
					return
				}
			}
			return
		}
		resp.Error = fmt.Errorf("no change of %s in the plan", addr)
	})
}

// lastAppliedKubectls checks that kubectl's client-side apply, and no other manager, holds the
// last-applied annotation.
func lastAppliedKubectls(ds *appsv1.DaemonSet) error {
	var by []string
	for _, e := range ds.ManagedFields {
		if e.FieldsV1 != nil && strings.Contains(e.FieldsV1.GetRawString(), `"f:`+lastApplied+`"`) {
			by = append(by, e.Manager)
		}
	}
	if len(by) != 1 || by[0] != "kubectl-client-side-apply" {
		return fmt.Errorf("the last-applied annotation is held by %v, want kubectl-client-side-apply alone: %s", by, managedFieldsOf(ds))
	}
	return nil
}

// createClientSideApplied creates the manifest's DaemonSet as client-side `kubectl apply`
// does: under its field manager, with the manifest in the last-applied annotation.
func createClientSideApplied(ctx context.Context, t *testing.T, c kubernetes.Interface, manifest string) {
	t.Helper()
	ds := &appsv1.DaemonSet{}
	if err := json.Unmarshal([]byte(manifest), ds); err != nil {
		t.Fatal(err)
	}
	if ds.Annotations == nil {
		ds.Annotations = map[string]string{}
	}
	ds.Annotations[lastApplied] = manifest + "\n" // kubectl ends it with a newline
	if _, err := c.AppsV1().DaemonSets("default").Create(ctx, ds, metav1.CreateOptions{FieldManager: "kubectl-client-side-apply"}); err != nil {
		t.Fatal(err)
	}
}
