package nodelabel_test

import (
	"context"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
)

// TestAccNodeLabel_blastRadius: the plan of a label that a DaemonSet selects warns that the
// DaemonSet starts on those nodes; the destroy plan warns that it stops; a plan that changes
// nothing says nothing.
func TestAccNodeLabel_blastRadius(t *testing.T) {
	c := acctest.Cluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	name := acctest.RandomName("agent")
	value := acctest.RandomName("v")
	ds := &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"},
		Spec: appsv1.DaemonSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": name}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": name}},
				Spec: corev1.PodSpec{
					NodeSelector: map[string]string{"blast": value},
					Containers:   []corev1.Container{{Name: "agent", Image: "registry.k8s.io/pause:3.10"}},
				},
			},
		},
	}
	if _, err := c.Client.AppsV1().DaemonSets("default").Create(ctx, ds, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	cli := acctest.NewCLI(t, c.Kubeconfig)
	t.Cleanup(func() {
		_, _ = cli.Run(context.Background(), "destroy", "-auto-approve")
		_ = c.Client.AppsV1().DaemonSets("default").Delete(context.Background(), name, metav1.DeleteOptions{})
	})
	plan := func(args ...string) string {
		out, err := cli.Run(ctx, append([]string{"plan"}, args...)...)
		if err != nil {
			t.Fatalf("plan: %v\n%s", err, out)
		}
		return strings.Join(strings.Fields(out), " ")
	}

	cli.Write(t, label{node: "k8s-01", labels: map[string]string{"blast": value}}.hcl())
	if out := plan(); !strings.Contains(out, "Applying k8sfleet_node_label on node k8s-01 changes where pods run: - DaemonSet default/"+name+" starts on k8s-01") {
		t.Errorf("the create plan does not warn:\n%s", out)
	}
	if out, err := cli.Run(ctx, "apply", "-auto-approve"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	if out := plan(); strings.Contains(out, "Pods start or stop") {
		t.Errorf("a plan without changes warns:\n%s", out)
	}
	if out := plan("-destroy"); !strings.Contains(out, "Applying the destroy of k8sfleet_node_label on node k8s-01 changes where pods run: - DaemonSet default/"+name+" stops on k8s-01") {
		t.Errorf("the destroy plan does not warn:\n%s", out)
	}
}
