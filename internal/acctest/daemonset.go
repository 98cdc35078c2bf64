package acctest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// PauseDaemonSet creates a DaemonSet of pause containers in default on the nodes that match
// nodeSelector, outside Terraform; it is deleted when the test ends.
func PauseDaemonSet(t *testing.T, ctx context.Context, name string, nodeSelector map[string]string) {
	t.Helper()
	api := Cluster(t).Client.AppsV1().DaemonSets("default")
	ds := &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"},
		Spec: appsv1.DaemonSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": name}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": name}},
				Spec: corev1.PodSpec{
					NodeSelector: nodeSelector,
					Containers:   []corev1.Container{{Name: "agent", Image: "registry.k8s.io/pause:3.10"}},
				},
			},
		},
	}
	if _, err := api.Create(ctx, ds, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = api.Delete(context.Background(), name, metav1.DeleteOptions{}) })
}

// DesiredIs checks the real DaemonSet controller's desiredNumberScheduled, once it has
// observed the DaemonSet's current generation.
func DesiredIs(t *testing.T, namespace, name string, want int32) resource.TestCheckFunc {
	return func(*terraform.State) error {
		c := Cluster(t).Client
		deadline := time.Now().Add(30 * time.Second)
		for {
			ds, err := c.AppsV1().DaemonSets(namespace).Get(context.Background(), name, metav1.GetOptions{})
			if err != nil {
				return err
			}
			if ds.Status.ObservedGeneration >= ds.Generation && ds.Status.DesiredNumberScheduled == want {
				return nil
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("desiredNumberScheduled = %d, want %d", ds.Status.DesiredNumberScheduled, want)
			}
			time.Sleep(250 * time.Millisecond)
		}
	}
}

// DaemonSetDestroyed is a CheckDestroy that asks the API server.
func DaemonSetDestroyed(t *testing.T, namespace, name string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		_, err := Cluster(t).Client.AppsV1().DaemonSets(namespace).Get(context.Background(), name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return nil
		}
		return fmt.Errorf("DaemonSet %s/%s still exists (err %v)", namespace, name, err)
	}
}
