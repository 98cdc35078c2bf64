package daemonsetpatch_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apiresource "k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8stypes "k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/testcluster"
)

func TestMain(m *testing.M) { acctest.Main(m, testcluster.DemoNodes()) }

const addr = "k8sfleet_daemonset_patch.test"

var masters = []string{"k8s-master-01", "k8s-master-02", "k8s-master-03"}

var criticalAddons = corev1.Toleration{Key: "CriticalAddonsOnly", Operator: corev1.TolerationOpExists}

// agent is a DaemonSet modelled on a node agent a cluster comes with: two containers with
// env vars, host networking, a toleration that keeps it off the tainted masters.
func agent(name, main, side string, env []corev1.EnvVar) *appsv1.DaemonSet {
	labels := map[string]string{"k8s-app": name}
	return &appsv1.DaemonSet{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "DaemonSet"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "kube-system", Labels: labels},
		Spec: appsv1.DaemonSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			UpdateStrategy: appsv1.DaemonSetUpdateStrategy{Type: appsv1.RollingUpdateDaemonSetStrategyType,
				RollingUpdate: &appsv1.RollingUpdateDaemonSet{MaxUnavailable: ptr.To(intstr.FromString("10%"))}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					HostNetwork: true,
					Tolerations: []corev1.Toleration{criticalAddons},
					Containers: []corev1.Container{
						{
							Name: main, Image: "registry.k8s.io/pause:3.10",
							Command: []string{"/usr/local/bin/" + main, "--v=2"},
							Env:     env,
							Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{
								corev1.ResourceCPU: apiresource.MustParse("25m"), corev1.ResourceMemory: apiresource.MustParse("50Mi"),
							}},
							SecurityContext: &corev1.SecurityContext{Privileged: ptr.To(true)},
						},
						{
							Name: side, Image: "registry.k8s.io/pause:3.10",
							Env: []corev1.EnvVar{{Name: "LOG_LEVEL", Value: "info"}},
						},
					},
				},
			},
		},
	}
}

// createClientSide creates ds as `kubectl apply` does the first time: a create with the
// last-applied annotation under kubectl's client-side manager.
func createClientSide(t *testing.T, ds *appsv1.DaemonSet) *appsv1.DaemonSet {
	t.Helper()
	raw, err := json.Marshal(ds)
	if err != nil {
		t.Fatal(err)
	}
	ds = ds.DeepCopy()
	ds.Annotations = map[string]string{"kubectl.kubernetes.io/last-applied-configuration": string(raw)}
	api := acctest.Cluster(t).Client.AppsV1().DaemonSets(ds.Namespace)
	created, err := api.Create(context.Background(), ds, metav1.CreateOptions{FieldManager: "kubectl-client-side-apply"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = api.Delete(context.Background(), ds.Name, metav1.DeleteOptions{}) })
	return created
}

// createServerSide creates ds as an installer using server-side apply does.
func createServerSide(t *testing.T, ds *appsv1.DaemonSet, manager string) *appsv1.DaemonSet {
	t.Helper()
	raw, err := json.Marshal(ds)
	if err != nil {
		t.Fatal(err)
	}
	api := acctest.Cluster(t).Client.AppsV1().DaemonSets(ds.Namespace)
	created, err := api.Patch(context.Background(), ds.Name, k8stypes.ApplyPatchType, raw, metav1.PatchOptions{FieldManager: manager})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = api.Delete(context.Background(), ds.Name, metav1.DeleteOptions{}) })
	return created
}

func get(t *testing.T, name string) *appsv1.DaemonSet {
	t.Helper()
	ds, err := acctest.Cluster(t).Client.AppsV1().DaemonSets("kube-system").Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// specIs compares the whole live spec with want.
func specIs(t *testing.T, name string, want func() appsv1.DaemonSetSpec) error {
	live := get(t, name).Spec
	w := want()
	if !equality.Semantic.DeepEqual(live, w) {
		got, _ := json.Marshal(live)
		exp, _ := json.Marshal(w)
		return fmt.Errorf("spec of %s:\n got %s\nwant %s", name, got, exp)
	}
	return nil
}

// managers are the managers of the object's fields.
func managers(ds *appsv1.DaemonSet) []string {
	var out []string
	for _, e := range ds.ManagedFields {
		out = append(out, e.Manager+"/"+string(e.Operation))
	}
	return out
}

// patchHCL adds the masters' toleration to the agent's, an env var to one container and
// raises its memory request.
func patchHCL(name, container, env string) string {
	return fmt.Sprintf(`
resource "k8sfleet_daemonset_patch" "test" {
  metadata = { name = %q, namespace = "kube-system" }
  force    = true
  spec = {
    template = {
      spec = {
        tolerations = [
          { key = "CriticalAddonsOnly", operator = "Exists" },
          { key = "node-role.kubernetes.io/master", operator = "Exists", effect = "NoSchedule" },
        ]
        containers = [{
          name      = %q
          env       = [{ name = %q, value = "1" }]
          resources = { requests = { memory = "100Mi" } }
        }]
      }
    }
  }
}
`, name, container, env)
}

// patched is spec with the patch of patchHCL applied, as Kubernetes merges it.
func patched(spec appsv1.DaemonSetSpec, container, env string) appsv1.DaemonSetSpec {
	out := *spec.DeepCopy()
	pod := &out.Template.Spec
	pod.Tolerations = append(pod.Tolerations, corev1.Toleration{Key: "node-role.kubernetes.io/master",
		Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule})
	for i := range pod.Containers {
		if pod.Containers[i].Name == container {
			pod.Containers[i].Env = append(pod.Containers[i].Env, corev1.EnvVar{Name: env, Value: "1"})
			pod.Containers[i].Resources.Requests[corev1.ResourceMemory] = apiresource.MustParse("100Mi")
		}
	}
	return out
}

// mastersGainAPod is the plan's prediction: the three masters are tolerated now.
func mastersGainAPod() []plancheck.PlanCheck {
	return []plancheck.PlanCheck{
		plancheck.ExpectKnownValue(addr, tfjsonpath.New("placement_changes"), mastersChange(`^\+1: `)),
		plancheck.ExpectKnownValue(addr, tfjsonpath.New("expected_pod_count"), knownvalue.Int64Exact(6)),
	}
}

// givenBack checks the object after destroy: it exists, its spec is the one before the
// patch, no field manager of the patch remains, and the controller is back to 3 pods.
func givenBack(t *testing.T, name string, original appsv1.DaemonSetSpec, tolerationsOwner string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		if err := specIs(t, name, func() appsv1.DaemonSetSpec { return original }); err != nil {
			return err
		}
		ds := get(t, name)
		for _, m := range managers(ds) {
			if strings.HasPrefix(m, "k8sfleet") {
				return fmt.Errorf("manager %s is left after destroy: %v", m, managers(ds))
			}
		}
		if !ownsTolerations(t, ds, tolerationsOwner) {
			return fmt.Errorf("tolerations are not %s's after destroy: %v", tolerationsOwner, managers(ds))
		}
		return acctest.DesiredIs(t, "kube-system", name, 3)(s)
	}
}

func ownsTolerations(t *testing.T, ds *appsv1.DaemonSet, manager string) bool {
	for _, e := range ds.ManagedFields {
		if e.Manager == manager && e.FieldsV1 != nil && strings.Contains(e.FieldsV1.GetRawString(), `"f:tolerations":{}`) {
			return true
		}
	}
	return false
}

// TestAccDaemonSetPatch_clientSideAgent: a kube-proxy-like agent installed by client-side
// apply gets a toleration, an env var and more memory; the plan says the masters gain a pod,
// the controller agrees; the rest of the object is untouched; kubectl's overwrite is drift
// the next plan writes again; destroy puts the object back as it was.
func TestAccDaemonSetPatch_clientSideAgent(t *testing.T) {
	name := acctest.RandomName("kube-proxy")
	original := createClientSide(t, agent(name, "kube-proxy", "conntrack", []corev1.EnvVar{
		{Name: "NODE_NAME", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "spec.nodeName"}}},
		{Name: "KUBE_PROXY_MODE", Value: "iptables"},
	})).Spec
	config := patchHCL(name, "kube-proxy", "KUBE_PROXY_EXTRA")
	ctx := context.Background()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             givenBack(t, name, original, "kubectl-client-side-apply"),
		Steps: []resource.TestStep{
			{
				PreConfig:        func() { _ = acctest.DesiredIs(t, "kube-system", name, 3)(nil) },
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: mastersGainAPod()},
				Check: resource.ComposeTestCheckFunc(
					acctest.DesiredIs(t, "kube-system", name, 6),
					func(*terraform.State) error {
						return specIs(t, name, func() appsv1.DaemonSetSpec { return patched(original, "kube-proxy", "KUBE_PROXY_EXTRA") })
					},
				),
			},
			{
				// kubectl apply of the original manifest: the tolerations and the memory request
				// are kubectl's again.
				PreConfig: func() {
					body := `{"spec":{"template":{"spec":{"tolerations":[{"key":"CriticalAddonsOnly","operator":"Exists"}],` +
						`"containers":[{"name":"kube-proxy","resources":{"requests":{"memory":"50Mi"}}}]}}}}`
					_, err := acctest.Cluster(t).Client.AppsV1().DaemonSets("kube-system").Patch(ctx, name,
						k8stypes.StrategicMergePatchType, []byte(body), metav1.PatchOptions{FieldManager: "kubectl-client-side-apply"})
					if err != nil {
						t.Fatal(err)
					}
					if err := acctest.DesiredIs(t, "kube-system", name, 3)(nil); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: append(mastersGainAPod(),
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate))},
				Check: resource.ComposeTestCheckFunc(
					acctest.DesiredIs(t, "kube-system", name, 6),
					func(*terraform.State) error {
						return specIs(t, name, func() appsv1.DaemonSetSpec { return patched(original, "kube-proxy", "KUBE_PROXY_EXTRA") })
					},
				),
			},
			{
				Config:   config,
				PlanOnly: true, // nothing left to do
			},
			{
				// The tolerations leave the configuration: kubectl's list comes back, not none.
				Config: withoutTolerations(config),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("placement_changes"), mastersChange(`^-1: `)),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("expected_pod_count"), knownvalue.Int64Exact(3)),
				}},
				Check: resource.ComposeTestCheckFunc(
					acctest.DesiredIs(t, "kube-system", name, 3),
					func(*terraform.State) error {
						return specIs(t, name, func() appsv1.DaemonSetSpec {
							spec := patched(original, "kube-proxy", "KUBE_PROXY_EXTRA")
							spec.Template.Spec.Tolerations = original.Template.Spec.Tolerations
							return spec
						})
					},
					func(*terraform.State) error {
						if ds := get(t, name); !ownsTolerations(t, ds, "kubectl-client-side-apply") {
							return fmt.Errorf("tolerations are not kubectl's again: %v", managers(ds))
						}
						return nil
					},
				),
			},
		},
	})
}

// withoutTolerations is the patch of patchHCL less its tolerations.
func withoutTolerations(config string) string {
	start := strings.Index(config, "        tolerations = [")
	end := strings.Index(config, "        containers = [")
	return config[:start] + config[end:]
}

func mastersChange(pattern string) knownvalue.Check {
	want := map[string]knownvalue.Check{}
	for _, n := range masters {
		want[n] = knownvalue.StringRegexp(regexp.MustCompile(pattern))
	}
	return knownvalue.MapExact(want)
}

// TestAccDaemonSetPatch_serverSideAgent: an aws-node-like agent installed by server-side
// apply under its installer's manager; the patch is imported by namespace/name/field_manager.
func TestAccDaemonSetPatch_serverSideAgent(t *testing.T) {
	name := acctest.RandomName("aws-node")
	original := createServerSide(t, agent(name, "aws-node", "aws-eks-nodeagent", []corev1.EnvVar{
		{Name: "AWS_VPC_K8S_CNI_LOGLEVEL", Value: "DEBUG"},
		{Name: "ENABLE_PREFIX_DELEGATION", Value: "false"},
		{Name: "WARM_ENI_TARGET", Value: "1"},
	}), "eks").Spec
	config := patchHCL(name, "aws-node", "WARM_PREFIX_TARGET")
	manager := "k8sfleet-patch-cni"
	withManager := strings.Replace(config, "force    = true", fmt.Sprintf("force    = true\n  field_manager = %q", manager), 1)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             givenBack(t, name, original, "eks"),
		Steps: []resource.TestStep{
			{
				PreConfig:        func() { _ = acctest.DesiredIs(t, "kube-system", name, 3)(nil) },
				Config:           withManager,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: mastersGainAPod()},
				Check: resource.ComposeTestCheckFunc(
					acctest.DesiredIs(t, "kube-system", name, 6),
					func(*terraform.State) error {
						return specIs(t, name, func() appsv1.DaemonSetSpec { return patched(original, "aws-node", "WARM_PREFIX_TARGET") })
					},
				),
			},
		},
	})
}

// TestAccDaemonSetPatch_import: a patch forgotten by Terraform is imported by
// namespace/name/field_manager with nothing to change, and its destroy releases its fields.
func TestAccDaemonSetPatch_import(t *testing.T) {
	name := acctest.RandomName("aws-node")
	original := createServerSide(t, agent(name, "aws-node", "aws-eks-nodeagent", nil), "eks").Spec
	config := fmt.Sprintf(`
resource "k8sfleet_daemonset_patch" "test" {
  metadata      = { name = %q, namespace = "kube-system" }
  field_manager = "k8sfleet-patch-prefixes"
  spec = {
    template = { spec = { containers = [{ name = "aws-node", env = [{ name = "ENABLE_PREFIX_DELEGATION", value = "true" }] }] } }
  }
}
`, name)
	forget := `
removed {
  from = k8sfleet_daemonset_patch.test
  lifecycle { destroy = false }
}
`
	imported := config + fmt.Sprintf(`
import {
  to = k8sfleet_daemonset_patch.test
  id = "kube-system/%s/k8sfleet-patch-prefixes"
}
`, name)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             givenBack(t, name, original, "eks"),
		Steps: []resource.TestStep{
			{Config: config},
			{Config: forget},
			{
				Config: imported,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
				}},
			},
		},
	})
}

// TestAccDaemonSetPatch_deletedUnderThePatch: the DaemonSet deleted under the patch takes the
// patch out of state (a warning); the plan then says the DaemonSet to patch does not exist.
func TestAccDaemonSetPatch_deletedUnderThePatch(t *testing.T) {
	ctx := context.Background()
	name2 := acctest.RandomName("aws-node")
	createServerSide(t, agent(name2, "aws-node", "aws-eks-nodeagent", nil), "eks")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: patchHCL(name2, "aws-node", "WARM_PREFIX_TARGET")},
			{
				PreConfig: func() {
					api := acctest.Cluster(t).Client.AppsV1().DaemonSets("kube-system")
					if err := api.Delete(ctx, name2, metav1.DeleteOptions{}); err != nil {
						t.Fatal(err)
					}
					for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
						if _, err := api.Get(ctx, name2, metav1.GetOptions{}); err != nil {
							return
						}
					}
				},
				Config:      patchHCL(name2, "aws-node", "WARM_PREFIX_TARGET"),
				ExpectError: regexp.MustCompile(`DaemonSet kube-system/` + name2 + ` does not exist`),
			},
		},
	})
}

// TestAccDaemonSetPatch_changedSinceThePatch: the installer sets other tolerations after the
// patch took the list over; destroy leaves the installer's new list (it warns, naming it) and
// still puts back the memory request and removes the env var.
func TestAccDaemonSetPatch_changedSinceThePatch(t *testing.T) {
	name := acctest.RandomName("aws-node")
	installed := agent(name, "aws-node", "aws-eks-nodeagent", nil)
	original := createServerSide(t, installed, "eks").Spec
	dedicated := corev1.Toleration{Key: "dedicated", Operator: corev1.TolerationOpExists}
	config := patchHCL(name, "aws-node", "WARM_PREFIX_TARGET")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					upgraded := installed.DeepCopy()
					upgraded.Spec.Template.Spec.Tolerations = []corev1.Toleration{criticalAddons, dedicated}
					raw, err := json.Marshal(upgraded)
					if err != nil {
						t.Fatal(err)
					}
					_, err = acctest.Cluster(t).Client.AppsV1().DaemonSets("kube-system").Patch(context.Background(), name,
						k8stypes.ApplyPatchType, raw, metav1.PatchOptions{FieldManager: "eks", Force: ptr.To(true)})
					if err != nil {
						t.Fatal(err)
					}
				},
				// The patch leaves the configuration: its destroy runs, and the step checks after it.
				Config: `terraform {}`,
				Check: func(*terraform.State) error {
					return specIs(t, name, func() appsv1.DaemonSetSpec {
						spec := *original.DeepCopy()
						spec.Template.Spec.Tolerations = []corev1.Toleration{criticalAddons, dedicated}
						return spec
					})
				},
			},
		},
	})
}

// TestAccDaemonSetPatch_savedPlan: a change planned with -out is applied after a tainted node
// joined. The plan and the re-plan during apply predict from the refresh's snapshot, so the
// saved plan applies; the next plan, refreshed, is empty.
func TestAccDaemonSetPatch_savedPlan(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	c := acctest.Cluster(t)
	name := acctest.RandomName("aws-node")
	createServerSide(t, agent(name, "aws-node", "aws-eks-nodeagent", nil), "eks")
	cli := acctest.NewCLI(t, c.Kubeconfig)
	cli.Write(t, withoutTolerations(patchHCL(name, "aws-node", "WARM_PREFIX_TARGET")))
	if out, err := cli.Run(ctx, "apply", "-auto-approve"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	t.Cleanup(func() { _, _ = cli.Run(context.Background(), "destroy", "-auto-approve") })
	cli.Write(t, patchHCL(name, "aws-node", "WARM_PREFIX_TARGET"))
	if out, err := cli.Run(ctx, "plan", "-out=change.plan"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	late := acctest.RandomName("late-master")
	node := testcluster.Node{Name: late, Taints: []corev1.Taint{testcluster.MasterTaint}}
	if err := c.CreateNodes(ctx, []testcluster.Node{node}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.DeleteNodes(context.Background(), late) })
	if out, err := cli.Run(ctx, "apply", "change.plan"); err != nil {
		t.Fatalf("apply of the saved plan failed after a node joined: %v\n%s", err, out)
	}
	if err := acctest.DesiredIs(t, "kube-system", name, 7)(nil); err != nil {
		t.Fatal(err)
	}
	if out, err := cli.Run(ctx, "plan", "-detailed-exitcode"); err != nil {
		t.Fatalf("the plan after apply is not empty: %v\n%s", err, out)
	}
}
