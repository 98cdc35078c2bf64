package manifestfunc_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8stypes "k8s.io/apimachinery/pkg/types"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/manifestfunc"
)

// creators make a DaemonSet from a manifest the way other tools do, by the requests those
// tools send.
var creators = map[string]func(ctx context.Context, c kubernetes.Interface, ds *appsv1.DaemonSet, manifest []byte) error{
	// kubectl create: a create by an update manager, no last-applied annotation.
	"kubectl-create": func(ctx context.Context, c kubernetes.Interface, ds *appsv1.DaemonSet, _ []byte) error {
		_, err := c.AppsV1().DaemonSets(ds.Namespace).Create(ctx, ds, metav1.CreateOptions{FieldManager: "kubectl-create"})
		return err
	},
	// kubectl apply (client-side): the manifest as JSON in the last-applied annotation.
	"kubectl-apply": func(ctx context.Context, c kubernetes.Interface, ds *appsv1.DaemonSet, manifest []byte) error {
		last, err := daemonSetJSON(manifest)
		if err != nil {
			return err
		}
		ds = ds.DeepCopy()
		ds.Annotations = map[string]string{"kubectl.kubernetes.io/last-applied-configuration": string(last)}
		_, err = c.AppsV1().DaemonSets(ds.Namespace).Create(ctx, ds, metav1.CreateOptions{FieldManager: "kubectl-client-side-apply"})
		return err
	},
	// A server-side apply by another tool.
	"server-side-apply": func(ctx context.Context, c kubernetes.Interface, ds *appsv1.DaemonSet, manifest []byte) error {
		body, err := daemonSetJSON(manifest)
		if err != nil {
			return err
		}
		_, err = c.AppsV1().DaemonSets(ds.Namespace).Patch(ctx, ds.Name, k8stypes.ApplyPatchType, body,
			metav1.PatchOptions{FieldManager: "gitops-controller", Force: ptr.To(true)})
		return err
	},
}

// daemonSetJSON is the manifest's DaemonSet document as JSON, as kubectl sends it.
func daemonSetJSON(manifest []byte) ([]byte, error) {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(manifest)))
	for {
		doc, err := reader.Read()
		if err != nil {
			return nil, fmt.Errorf("no DaemonSet document: %w", err)
		}
		raw, err := yaml.YAMLToJSON(doc)
		if err != nil {
			return nil, err
		}
		var meta metav1.TypeMeta
		if err := json.Unmarshal(raw, &meta); err == nil && meta.Kind == "DaemonSet" {
			return raw, nil
		}
	}
}

// TestAccAdopt_threeWays walks the guide "Adopting existing agents": DaemonSets created by
// kubectl create, kubectl apply and another server-side apply manager are adopted with an
// import block, their configuration being the manifest through daemonset_manifest, or
// the live object as `kubectl get -o yaml` prints it. The adopting apply must not write
// the object (generation, resourceVersion and ControllerRevisions unchanged) and the
// next plan is empty.
func TestAccAdopt_threeWays(t *testing.T) {
	c := acctest.Cluster(t).Client
	template, err := os.ReadFile(filepath.Join("testdata", "adopt", "agent.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ways := []string{"kubectl-create", "kubectl-apply", "server-side-apply"}
	for _, way := range ways {
		for _, source := range []string{"manifest", "kubectl-get"} {
			t.Run(way+"/"+source, func(t *testing.T) {
				name := acctest.RandomName("adopt")
				manifest := []byte(strings.ReplaceAll(string(template), "NAME", name))
				ds, err := manifestfunc.ParseText(string(manifest))
				if err != nil {
					t.Fatal(err)
				}
				ctx := context.Background()
				if err := creators[way](ctx, c, ds, manifest); err != nil {
					t.Fatal(err)
				}
				live := settle(t, c, "default", name)
				file := filepath.Join(t.TempDir(), "agent.yaml")
				input := manifest
				if source == "kubectl-get" {
					input = kubectlGetYAML(t, live)
				}
				if err := os.WriteFile(file, input, 0o600); err != nil {
					t.Fatal(err)
				}
				revisions := revisionCount(t, c, name)
				config := manifestConfig(file) + fmt.Sprintf("import {\n  to = %s\n  id = \"default/%s\"\n}\n", addr, name)
				resource.Test(t, resource.TestCase{
					TerraformVersionChecks:   functionsAvailable,
					ProtoV6ProviderFactories: acctest.ProviderFactories,
					CheckDestroy:             acctest.DaemonSetDestroyed(t, "default", name),
					Steps: []resource.TestStep{{
						Config: config,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply:             []plancheck.PlanCheck{noopPlan{addr}},
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						Check: unchanged(t, c, live, revisions),
					}},
				})
			})
		}
	}
}

// settle waits until the controller has observed the DaemonSet and its pods are available,
// so that the resourceVersion changes only if someone writes.
func settle(t *testing.T, c kubernetes.Interface, namespace, name string) *appsv1.DaemonSet {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	var last string
	for {
		ds, err := c.AppsV1().DaemonSets(namespace).Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		s := ds.Status
		done := s.ObservedGeneration == ds.Generation && s.DesiredNumberScheduled > 0 &&
			s.NumberAvailable == s.DesiredNumberScheduled && s.UpdatedNumberScheduled == s.DesiredNumberScheduled
		if done && ds.ResourceVersion == last {
			return ds
		}
		if done {
			last = ds.ResourceVersion // stable over two reads a second apart
		}
		if time.Now().After(deadline) {
			t.Fatalf("DaemonSet %s did not settle: %+v", name, s)
		}
		time.Sleep(time.Second)
	}
}

// kubectlGetYAML is the object as `kubectl get -o yaml` prints it: kind and apiVersion
// set, managed fields hidden, status included.
func kubectlGetYAML(t *testing.T, ds *appsv1.DaemonSet) []byte {
	t.Helper()
	out := ds.DeepCopy()
	out.APIVersion, out.Kind = "apps/v1", "DaemonSet"
	out.ManagedFields = nil
	b, err := yaml.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func revisionCount(t *testing.T, c kubernetes.Interface, name string) int {
	t.Helper()
	list, err := c.AppsV1().ControllerRevisions("default").List(context.Background(),
		metav1.ListOptions{LabelSelector: "app.kubernetes.io/name=" + name})
	if err != nil {
		t.Fatal(err)
	}
	return len(list.Items)
}

// unchanged checks that the adopting apply wrote nothing: same generation, same
// resourceVersion, same number of ControllerRevisions.
func unchanged(t *testing.T, c kubernetes.Interface, before *appsv1.DaemonSet, revisions int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		after, err := c.AppsV1().DaemonSets("default").Get(context.Background(), before.Name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		var problems []string
		if after.Generation != before.Generation {
			problems = append(problems, fmt.Sprintf("generation %d -> %d", before.Generation, after.Generation))
		}
		if after.ResourceVersion != before.ResourceVersion {
			problems = append(problems, fmt.Sprintf("resourceVersion %s -> %s (managers now %s)",
				before.ResourceVersion, after.ResourceVersion, managers(after)))
		}
		if n := revisionCount(t, c, before.Name); n != revisions {
			problems = append(problems, fmt.Sprintf("ControllerRevisions %d -> %d", revisions, n))
		}
		if len(problems) > 0 {
			return fmt.Errorf("the adopting apply wrote the DaemonSet: %s", strings.Join(problems, "; "))
		}
		t.Logf("no-op, nothing written: resourceVersion %s, generation %d, %d ControllerRevisions", after.ResourceVersion, after.Generation, revisions)
		return nil
	}
}

func managers(ds *appsv1.DaemonSet) string {
	var out []string
	for _, e := range ds.ManagedFields {
		out = append(out, e.Manager+"/"+string(e.Operation))
	}
	return strings.Join(out, ", ")
}

// noopPlan fails unless the resource's planned action is a no-op, and then names every
// attribute whose planned value differs from the imported state.
type noopPlan struct{ addr string }

func (p noopPlan) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != p.addr {
			continue
		}
		if rc.Change.Actions.NoOp() {
			return
		}
		var diffs []string
		diffPaths("", rc.Change.Before, rc.Change.After, &diffs)
		unknown, _ := json.Marshal(rc.Change.AfterUnknown)
		resp.Error = fmt.Errorf("%s plans %v; changed: %s; unknown after apply: %s",
			p.addr, rc.Change.Actions, strings.Join(diffs, ", "), unknown)
		return
	}
	resp.Error = fmt.Errorf("%s is not in the plan", p.addr)
}

func diffPaths(at string, before, after any, out *[]string) {
	bm, bok := before.(map[string]any)
	am, aok := after.(map[string]any)
	if bok && aok {
		keys := map[string]bool{}
		for k := range bm {
			keys[k] = true
		}
		for k := range am {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			diffPaths(strings.TrimPrefix(at+"."+k, "."), bm[k], am[k], out)
		}
		return
	}
	bl, bok := before.([]any)
	al, aok := after.([]any)
	if bok && aok && len(bl) == len(al) {
		for i := range bl {
			diffPaths(fmt.Sprintf("%s[%d]", at, i), bl[i], al[i], out)
		}
		return
	}
	if !reflect.DeepEqual(before, after) {
		b, _ := json.Marshal(before)
		a, _ := json.Marshal(after)
		*out = append(*out, fmt.Sprintf("%s: %s -> %s", at, b, a))
	}
}

// TestAccAdopt_changeAfterKubectlGet: a DaemonSet made by kubectl apply and adopted with its
// `kubectl get -o yaml` output (nothing written), then changed in one field: the apply writes
// the change and the plans after it, with and without refresh, are empty.
func TestAccAdopt_changeAfterKubectlGet(t *testing.T) {
	c := acctest.Cluster(t).Client
	template, err := os.ReadFile(filepath.Join("testdata", "adopt", "agent.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	name := acctest.RandomName("adopt-change")
	manifest := []byte(strings.ReplaceAll(string(template), "NAME", name))
	ds, err := manifestfunc.ParseText(string(manifest))
	if err != nil {
		t.Fatal(err)
	}
	if err := creators["kubectl-apply"](context.Background(), c, ds, manifest); err != nil {
		t.Fatal(err)
	}
	live := kubectlGetYAML(t, settle(t, c, "default", name))
	adopted, changed := filepath.Join(t.TempDir(), "agent.yaml"), filepath.Join(t.TempDir(), "agent.yaml")
	if err := os.WriteFile(adopted, live, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(changed, []byte(strings.ReplaceAll(string(live), "node-agent:v2.3.0", "node-agent:v2.3.1")), 0o600); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   functionsAvailable,
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.DaemonSetDestroyed(t, "default", name),
		Steps: []resource.TestStep{
			{
				Config:           manifestConfig(adopted) + fmt.Sprintf("import {\n  to = %s\n  id = \"default/%s\"\n}\n", addr, name),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{noopPlan{addr}}},
			},
			{
				Config: manifestConfig(changed),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					PostApplyPreRefresh:  []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					got, err := c.AppsV1().DaemonSets("default").Get(context.Background(), name, metav1.GetOptions{})
					if err != nil {
						return err
					}
					if image := got.Spec.Template.Spec.Containers[0].Image; image != "cr.example/node-agent:v2.3.1" {
						return fmt.Errorf("image after the change is %s", image)
					}
					return nil
				},
			},
		},
	})
}
