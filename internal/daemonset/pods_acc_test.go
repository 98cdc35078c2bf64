package daemonset_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/testcluster"
)

// podsTaint is the dedicated-node taint of these tests' "masters".
var podsTaint = corev1.Taint{Key: "pods.k8sfleet.io/dedicated", Value: "infra", Effect: corev1.TaintEffectNoSchedule}

const podsTaintText = "pods.k8sfleet.io/dedicated=infra:NoSchedule"

// podsFleet creates workers w-01.. and tainted masters m-01.., all labeled with the fleet's
// name so that the DaemonSet selects only them; it returns the node names by role.
func podsFleet(t *testing.T, prefix string, workers, masters int) (w, m []string) {
	t.Helper()
	var nodes []testcluster.Node
	for i := 1; i <= workers; i++ {
		name := fmt.Sprintf("%s-w-%02d", prefix, i)
		w = append(w, name)
		nodes = append(nodes, testcluster.Node{Name: name, Labels: map[string]string{"pods.k8sfleet.io/fleet": prefix}})
	}
	for i := 1; i <= masters; i++ {
		name := fmt.Sprintf("%s-m-%02d", prefix, i)
		m = append(m, name)
		nodes = append(nodes, testcluster.Node{Name: name, Labels: map[string]string{"pods.k8sfleet.io/fleet": prefix},
			Taints: []corev1.Taint{podsTaint}})
	}
	c := acctest.Cluster(t)
	t.Cleanup(func() { _ = c.DeleteNodes(context.Background(), append(slices.Clone(w), m...)...) })
	if err := c.CreateNodes(context.Background(), nodes); err != nil {
		t.Fatal(err)
	}
	return w, m
}

// agent is a DaemonSet on one podsFleet.
type agent struct {
	name, fleet, image, strategy string
	tolerate                     bool
}

func (a agent) hcl() string {
	tolerations := ""
	if a.tolerate {
		tolerations = fmt.Sprintf(`tolerations = [{ key = %q, operator = "Exists", effect = "NoSchedule" }]`, podsTaint.Key)
	}
	strategy := ""
	if a.strategy != "" {
		strategy = fmt.Sprintf(`update_strategy = { type = %q }`, a.strategy)
	}
	return fmt.Sprintf(`
resource "k8sfleet_daemonset" "test" {
  metadata = { name = %q, namespace = "default" }
  spec = {
    selector = { match_labels = { app = %[1]q } }
    %[2]s
    template = {
      metadata = { labels = { app = %[1]q } }
      spec = {
        node_selector = { "pods.k8sfleet.io/fleet" = %[3]q }
        %[4]s
        containers = [{ name = "agent", image = %[5]q }]
      }
    }
  }
}
`, a.name, strategy, a.fleet, tolerations, a.image)
}

const (
	pauseImage = "registry.k8s.io/pause:3.10"
	nextImage  = "registry.k8s.io/pause:3.9"
)

// podsOn waits until the DaemonSet's pods run on exactly nodes (any template), and returns
// an error naming where they run instead.
func podsOn(t *testing.T, name string, nodes ...string) resource.TestCheckFunc {
	want := slices.Sorted(slices.Values(nodes))
	return func(*terraform.State) error {
		deadline := time.Now().Add(60 * time.Second)
		for {
			got, err := podNodes(t, name)
			if err != nil {
				return err
			}
			if slices.Equal(got, want) {
				return nil
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%s: pods run on %v, want %v", name, got, want)
			}
			time.Sleep(500 * time.Millisecond)
		}
	}
}

// waitStatus waits until the controller's status of the DaemonSet satisfies ok.
func waitStatus(t *testing.T, name string, what string, ok func(*appsv1.DaemonSet) bool) {
	t.Helper()
	c := acctest.Cluster(t).Client
	deadline := time.Now().Add(60 * time.Second)
	for {
		ds, err := c.AppsV1().DaemonSets("default").Get(context.Background(), name, metav1.GetOptions{})
		if err == nil && ds.Status.ObservedGeneration >= ds.Generation && ok(ds) {
			return
		}
		if time.Now().After(deadline) {
			if err == nil {
				t.Fatalf("%s: status never showed %s: %+v", name, what, ds.Status)
			}
			t.Fatalf("%s: status never showed %s: %v", name, what, err)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

func taintNode(t *testing.T, node string, taint corev1.Taint) {
	t.Helper()
	acctest.EditNode(t, node, "kubectl-taint", func(n *corev1.Node) { n.Spec.Taints = append(n.Spec.Taints, taint) })
}

// TestAccDaemonSet_keptPodLeavesOnRollout: a pod the controller kept on a node tainted
// NoSchedule after it started is deleted by the next rollout and not recreated; the plan says
// so, and counts the pods that run, not the controller's desired count.
func TestAccDaemonSet_keptPodLeavesOnRollout(t *testing.T) {
	acctest.Cluster(t)
	name := acctest.RandomName("kept")
	w, _ := podsFleet(t, name, 5, 0)
	a := agent{name: name, fleet: name, image: pauseImage}
	rolled := a
	rolled.image = nextImage
	later := corev1.Taint{Key: "foo", Value: "bar", Effect: corev1.TaintEffectNoSchedule}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.DaemonSetDestroyed(t, "default", name),
		Steps: []resource.TestStep{
			{Config: a.hcl(), Check: podsOn(t, name, w...)},
			{
				// The taint leaves the pod on w-05 running. The controller does not even sync the
				// DaemonSet for it (syncNodeUpdate: the node keeps a pod it may keep), so its
				// status still says 5 desired, 0 misscheduled: the refresh sees its own count differ.
				PreConfig: func() { taintNode(t, w[4], later) },
				Config:    rolled.hcl(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: expectChanges(4,
					each("-1: rollout removes the pod (taint foo=bar:NoSchedule is not tolerated)", w[4]))},
				Check: podsOn(t, name, w[:4]...),
			},
		},
	})
}

// TestAccDaemonSet_onDelete: with OnDelete a template change replaces no pod, so taking away a
// toleration leaves the pods on the tainted nodes; switching to RollingUpdate with the template
// unchanged then removes them, and both plans say what the controller does.
func TestAccDaemonSet_onDelete(t *testing.T) {
	acctest.Cluster(t)
	name := acctest.RandomName("ondelete")
	w, m := podsFleet(t, name, 2, 3)
	a := agent{name: name, fleet: name, image: pauseImage, strategy: "OnDelete", tolerate: true}
	narrowed := a
	narrowed.tolerate = false
	switched := narrowed
	switched.strategy = "RollingUpdate"
	all := append(slices.Clone(w), m...)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.DaemonSetDestroyed(t, "default", name),
		Steps: []resource.TestStep{
			{Config: a.hcl(), Check: podsOn(t, name, all...)},
			{
				Config:           narrowed.hcl(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: expectChanges(2, nil)},
				Check: resource.ComposeAggregateTestCheckFunc(
					acctest.DesiredIs(t, "default", name, 2),
					stillOn(t, name, all...),
				),
			},
			{
				PreConfig: func() {
					waitStatus(t, name, "3 misscheduled pods", func(ds *appsv1.DaemonSet) bool { return ds.Status.NumberMisscheduled == 3 })
				},
				Config: switched.hcl(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: expectChanges(2,
					each("-1: rollout removes the pod (taint "+podsTaintText+" is not tolerated)", m...))},
				Check: podsOn(t, name, w...),
			},
		},
	})
}

// stillOn checks for a while that the pods keep running on exactly nodes.
func stillOn(t *testing.T, name string, nodes ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for range 6 {
			if err := podsOn(t, name, nodes...)(s); err != nil {
				return err
			}
			time.Sleep(time.Second)
		}
		return nil
	}
}

// TestAccDaemonSet_replacedSincePlan: an update applies only to the object its plan was made
// for. Deleted, or deleted and created again, between plan and apply: the apply fails, says
// so, and writes nothing.
func TestAccDaemonSet_replacedSincePlan(t *testing.T) {
	acctest.Cluster(t)
	for _, recreate := range []bool{false, true} {
		t.Run(fmt.Sprintf("recreate=%v", recreate), func(t *testing.T) {
			name := acctest.RandomName("uid")
			w, _ := podsFleet(t, name, 1, 0)
			a := agent{name: name, fleet: name, image: pauseImage}
			changed := a
			changed.image = nextImage
			api := acctest.Cluster(t).Client.AppsV1().DaemonSets("default")
			t.Cleanup(func() { _ = api.Delete(context.Background(), name, metav1.DeleteOptions{}) })
			want := regexp.MustCompile(`no longer exists; nothing was written`)
			if recreate {
				want = regexp.MustCompile(`deleted and created again since the plan`)
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{
					{Config: a.hcl(), Check: podsOn(t, name, w...)},
					{
						Config: changed.hcl(),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							replaceObject{t: t, name: name, recreate: recreate},
						}},
						ExpectError: want,
					},
					{
						// The next plan drops the old object; with the new one there, the
						// create says to import it.
						Config:      changed.hcl(),
						SkipFunc:    func() (bool, error) { return !recreate, nil },
						ExpectError: regexp.MustCompile(`already exists`),
					},
				},
				CheckDestroy: func(*terraform.State) error {
					ds, err := api.Get(context.Background(), name, metav1.GetOptions{})
					switch {
					case !recreate && err == nil:
						return fmt.Errorf("the apply created the DaemonSet deleted since the plan")
					case !recreate:
						return nil
					case err != nil:
						return fmt.Errorf("the DaemonSet made outside Terraform is gone: %v", err)
					}
					for _, f := range ds.ManagedFields {
						if strings.HasPrefix(f.Manager, "k8sfleet") {
							return fmt.Errorf("the apply wrote to the object made outside Terraform (manager %s)", f.Manager)
						}
					}
					if img := ds.Spec.Template.Spec.Containers[0].Image; img != pauseImage {
						return fmt.Errorf("the object made outside Terraform has image %s", img)
					}
					return nil
				},
			})
		})
	}
}

// replaceObject deletes the DaemonSet between plan and apply and, with recreate, makes
// another one under its name, as another tool would.
type replaceObject struct {
	t        *testing.T
	name     string
	recreate bool
}

func (r replaceObject) CheckPlan(ctx context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	api := acctest.Cluster(r.t).Client.AppsV1().DaemonSets("default")
	ds, err := api.Get(ctx, r.name, metav1.GetOptions{})
	if err != nil {
		resp.Error = err
		return
	}
	fg := metav1.DeletePropagationForeground
	if err := api.Delete(ctx, r.name, metav1.DeleteOptions{PropagationPolicy: &fg}); err != nil {
		resp.Error = err
		return
	}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(250 * time.Millisecond) {
		if _, err := api.Get(ctx, r.name, metav1.GetOptions{}); err != nil {
			break
		}
		if time.Now().After(deadline) {
			resp.Error = fmt.Errorf("DaemonSet %s not deleted", r.name)
			return
		}
	}
	if !r.recreate {
		return
	}
	other := &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Name: r.name, Namespace: "default"},
		Spec: appsv1.DaemonSetSpec{
			Selector: ds.Spec.Selector,
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: ds.Spec.Template.Labels},
				Spec: corev1.PodSpec{
					NodeSelector: ds.Spec.Template.Spec.NodeSelector,
					Containers:   []corev1.Container{{Name: "agent", Image: pauseImage}},
				},
			},
		},
	}
	if _, err := api.Create(ctx, other, metav1.CreateOptions{FieldManager: "kubectl-create"}); err != nil {
		resp.Error = err
	}
}

// TestAccDaemonSet_podListOnlyWhenPodsMayDiffer: the refresh lists a DaemonSet's pods only
// when its status cannot tell where they run; then one LIST for each read of the object.
func TestAccDaemonSet_podListOnlyWhenPodsMayDiffer(t *testing.T) {
	acctest.Cluster(t)
	name := acctest.RandomName("podlist")
	w, _ := podsFleet(t, name, 3, 0)
	a := agent{name: name, fleet: name, image: pauseImage}
	logs := t.TempDir()
	logTo := func(file string) func() {
		return func() { t.Setenv(kube.RequestLogEnv, filepath.Join(logs, file)) }
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.DaemonSetDestroyed(t, "default", name),
		Steps: []resource.TestStep{
			{Config: a.hcl(), Check: podsOn(t, name, w...)},
			{PreConfig: logTo("agreeing.log"), Config: a.hcl(), PlanOnly: true},
			{
				PreConfig: func() {
					gets, lists := requestsIn(t, filepath.Join(logs, "agreeing.log"))
					if gets == 0 || lists != 0 {
						t.Fatalf("status agrees with the rule: %d DaemonSet reads made %d pod LISTs, want none", gets, lists)
					}
					taintNode(t, w[2], corev1.Taint{Key: "foo", Value: "bar", Effect: corev1.TaintEffectNoSchedule})
					logTo("kept.log")()
				},
				Config:   a.hcl(),
				PlanOnly: true,
			},
			{
				PreConfig: func() {
					gets, lists := requestsIn(t, filepath.Join(logs, "kept.log"))
					if gets == 0 || lists != gets {
						t.Fatalf("a pod kept under a taint: %d DaemonSet reads made %d pod LISTs, want one each", gets, lists)
					}
					t.Logf("pod LISTs: none in %s; %d for %d reads with a kept pod", "the agreeing plans", lists, gets)
					t.Setenv(kube.RequestLogEnv, "")
				},
				Config: a.hcl(), PlanOnly: true,
			},
		},
	})
}

// requestsIn counts the GETs of DaemonSets and the LISTs of pods in a request log.
func requestsIn(t *testing.T, file string) (gets, lists int) {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		switch {
		case strings.HasPrefix(line, "get daemonsets "):
			gets++
		case strings.HasPrefix(line, "list pods "):
			lists++
		}
	}
	return gets, lists
}
