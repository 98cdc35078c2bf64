package kube

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The API server keeps the generation of a DaemonSet's last template change in this
// annotation, and the controller labels each pod with the generation it was made from.
const (
	templateGenerationAnnotation = "deprecated.daemonset.template.generation"
	podTemplateGenerationLabel   = "pod-template-generation"
)

const podPageSize = 500

// DaemonSetPods lists a DaemonSet's pods page by page and maps each node that holds one to
// whether it is of the current template. Pods being deleted or finished count as gone: the
// controller replaces them where it should run a pod.
func (c *Client) DaemonSetPods(ctx context.Context, ds *appsv1.DaemonSet) (map[string]bool, error) {
	selector, err := metav1.LabelSelectorAsSelector(ds.Spec.Selector)
	if err != nil {
		return nil, fmt.Errorf("the selector of DaemonSet %s/%s: %w", ds.Namespace, ds.Name, err)
	}
	current := ds.Annotations[templateGenerationAnnotation]
	nodes := map[string]bool{}
	opts := metav1.ListOptions{LabelSelector: selector.String(), Limit: podPageSize}
	for {
		list, err := c.Clientset.CoreV1().Pods(ds.Namespace).List(ctx, opts)
		if err != nil {
			return nil, err
		}
		for i := range list.Items {
			pod := &list.Items[i]
			node := PodNode(pod)
			if node == "" || !controlledBy(pod, ds) || pod.DeletionTimestamp != nil ||
				pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed {
				continue
			}
			nodes[node] = nodes[node] || current == "" || pod.Labels[podTemplateGenerationLabel] == current
		}
		if list.Continue == "" {
			return nodes, nil
		}
		opts.Continue = list.Continue
	}
}

func controlledBy(pod *corev1.Pod, ds *appsv1.DaemonSet) bool {
	ref := metav1.GetControllerOf(pod)
	return ref != nil && ref.UID == ds.UID
}

// PodNode is the node a daemon pod is bound to, or the one its node-name affinity names
// while it waits for the scheduler.
func PodNode(pod *corev1.Pod) string {
	if pod.Spec.NodeName != "" {
		return pod.Spec.NodeName
	}
	a := pod.Spec.Affinity
	if a == nil || a.NodeAffinity == nil || a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution == nil {
		return ""
	}
	for _, term := range a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms {
		for _, f := range term.MatchFields {
			if f.Key == "metadata.name" && f.Operator == corev1.NodeSelectorOpIn && len(f.Values) == 1 {
				return f.Values[0]
			}
		}
	}
	return ""
}
