package daemonset

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
)

const pollInterval = time.Second

// rolloutDone has the semantics of `kubectl rollout status daemonset`; an OnDelete strategy
// is done once the controller has seen the generation, since it never replaces pods itself.
func rolloutDone(ds *appsv1.DaemonSet) bool {
	s := ds.Status
	if ds.Generation > s.ObservedGeneration {
		return false
	}
	if s.DesiredNumberScheduled == 0 || ds.Spec.UpdateStrategy.Type == appsv1.OnDeleteDaemonSetStrategyType {
		return true
	}
	return s.UpdatedNumberScheduled >= s.DesiredNumberScheduled && s.NumberAvailable >= s.DesiredNumberScheduled
}

// waitForRollout polls until the rollout completes or ctx ends; then it says which nodes'
// pods are not ready and why.
func (r *Resource) waitForRollout(ctx context.Context, applied *appsv1.DaemonSet) (*appsv1.DaemonSet, error) {
	api := r.client.Clientset.AppsV1().DaemonSets(applied.Namespace)
	ds := applied
	for {
		if rolloutDone(ds) {
			return ds, nil
		}
		select {
		case <-ctx.Done():
			return ds, r.notReadyError(ds, ctx.Err())
		case <-time.After(pollInterval):
		}
		latest, err := api.Get(ctx, applied.Name, metav1.GetOptions{})
		if err != nil {
			if ctx.Err() != nil {
				return ds, r.notReadyError(ds, ctx.Err())
			}
			return ds, errors.New(kube.Explain(err, "get", "daemonsets"))
		}
		ds = latest
	}
}

func (r *Resource) notReadyError(ds *appsv1.DaemonSet, cause error) error {
	s := ds.Status
	msg := fmt.Sprintf("DaemonSet %s/%s: %d of %d pods updated, %d available (%v).",
		ds.Namespace, ds.Name, s.UpdatedNumberScheduled, s.DesiredNumberScheduled, s.NumberAvailable, cause)
	if errors.Is(cause, context.Canceled) {
		return errors.New(msg + " Waiting was cancelled.")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	pods, err := r.client.Clientset.CoreV1().Pods(ds.Namespace).List(ctx, metav1.ListOptions{
		LabelSelector: metav1.FormatLabelSelector(ds.Spec.Selector),
	})
	if err != nil {
		return fmt.Errorf("%s Cannot list its pods: %s", msg, kube.Explain(err, "list", "pods"))
	}
	lines := notReadyPods(pods.Items)
	if len(lines) > 20 {
		lines = append(lines[:20], fmt.Sprintf("and %d more", len(lines)-20))
	}
	hint := " The DaemonSet exists in the cluster; if this was a create, Terraform marks the resource tainted and would " +
		"replace it (deleting every pod) on the next apply: run `terraform untaint` once the cause is fixed, or raise timeouts.create."
	if len(lines) == 0 {
		return errors.New(msg + hint)
	}
	return fmt.Errorf("%s Pods not ready:\n  %s\n%s", msg, strings.Join(lines, "\n  "), hint)
}

// notReadyPods names each pod that is not ready, by node, with the reason.
func notReadyPods(pods []corev1.Pod) []string {
	var out []string
	for _, p := range pods {
		if podReady(&p) {
			continue
		}
		node := targetNode(&p)
		out = append(out, fmt.Sprintf("node %s: pod %s %s", node, p.Name, podReason(&p)))
	}
	sort.Strings(out)
	return out
}

// targetNode is the node a daemon pod is for: its nodeName once scheduled, before that the
// metadata.name field the controller pins it to.
func targetNode(p *corev1.Pod) string {
	if node := kube.PodNode(p); node != "" {
		return node
	}
	return "(unscheduled)"
}

func podReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func podReason(p *corev1.Pod) string {
	for _, cs := range p.Status.ContainerStatuses {
		if w := cs.State.Waiting; w != nil {
			return fmt.Sprintf("container %s waiting: %s %s", cs.Name, w.Reason, w.Message)
		}
	}
	for _, c := range p.Status.Conditions {
		if c.Status != corev1.ConditionTrue && c.Reason != "" {
			return fmt.Sprintf("%s: %s %s", p.Status.Phase, c.Reason, c.Message)
		}
	}
	if p.DeletionTimestamp != nil {
		return "being deleted (evicted, e.g. by a NoExecute taint tolerated only for tolerationSeconds)"
	}
	return string(p.Status.Phase)
}

// deleteAndWait deletes the DaemonSet and waits until the API server no longer has it.
func (r *Resource) deleteAndWait(ctx context.Context, ns, name string) error {
	api := r.client.Clientset.AppsV1().DaemonSets(ns)
	err := api.Delete(ctx, name, metav1.DeleteOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return errors.New(kube.Explain(err, "delete", "daemonsets"))
	}
	for {
		_, err := api.Get(ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("DaemonSet %s/%s is still there: %w", ns, name, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}
