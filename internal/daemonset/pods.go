package daemonset

import (
	"context"
	"fmt"
	"slices"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/placement"
)

// The API server keeps the generation of the last template change in this annotation, and
// the controller labels each pod with the generation it was made from (pkg/controller/daemon/util).
const (
	templateGenerationAnnotation = "deprecated.daemonset.template.generation"
	podTemplateGenerationLabel   = "pod-template-generation"
)

const podPageSize = 500

// podsDiffer tells, from the status alone, whether the pods that run can differ from the
// controller's rule on the live template (desired, the count predicted on the live nodes):
// pods kept on nodes it would not place, pods of an older template, pods not there yet, or a
// status the controller has not brought up to date.
func podsDiffer(ds *appsv1.DaemonSet, desired int) bool {
	s := ds.Status
	return s.ObservedGeneration < ds.Generation || s.NumberMisscheduled > 0 ||
		s.DesiredNumberScheduled != int32(desired) || s.CurrentNumberScheduled != s.DesiredNumberScheduled ||
		s.UpdatedNumberScheduled != s.CurrentNumberScheduled
}

// runningPods lists the DaemonSet's pods page by page and says, per node, whether one runs
// there and of which template. Pods being deleted or finished are counted as gone: the
// controller replaces them where it should run a pod.
func (r *Resource) runningPods(ctx context.Context, ds *appsv1.DaemonSet) (placement.Running, error) {
	selector, err := metav1.LabelSelectorAsSelector(ds.Spec.Selector)
	if err != nil {
		return nil, fmt.Errorf("the DaemonSet's selector: %w", err)
	}
	current := ds.Annotations[templateGenerationAnnotation]
	running := placement.Running{}
	opts := metav1.ListOptions{LabelSelector: selector.String(), Limit: podPageSize}
	for {
		list, err := r.client.Clientset.CoreV1().Pods(ds.Namespace).List(ctx, opts)
		if err != nil {
			return nil, fmt.Errorf("%s", kube.Explain(err, "list", "pods"))
		}
		for i := range list.Items {
			pod := &list.Items[i]
			node := podNode(pod)
			if node == "" || !ownedBy(pod, ds) || pod.DeletionTimestamp != nil ||
				pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed {
				continue
			}
			state := placement.OldPod
			if current == "" || pod.Labels[podTemplateGenerationLabel] == current {
				state = placement.CurrentPod
			}
			if running[node] != placement.CurrentPod {
				running[node] = state
			}
		}
		if list.Continue == "" {
			return running, nil
		}
		opts.Continue = list.Continue
	}
}

func ownedBy(pod *corev1.Pod, ds *appsv1.DaemonSet) bool {
	ref := metav1.GetControllerOf(pod)
	return ref != nil && ref.UID == ds.UID
}

// podNode is the node a daemon pod is bound to, or the one its node-name affinity names
// while it waits for the scheduler.
func podNode(pod *corev1.Pod) string {
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

// podsJSON is the snapshot's record of the pods: node names sorted, by template.
type podsJSON struct {
	Current []string `json:"current,omitempty"`
	Old     []string `json:"old,omitempty"`
}

func encodePods(running placement.Running) *podsJSON {
	if running == nil {
		return nil
	}
	out := &podsJSON{}
	for node, state := range running {
		switch state {
		case placement.CurrentPod:
			out.Current = append(out.Current, node)
		case placement.OldPod:
			out.Old = append(out.Old, node)
		}
	}
	slices.Sort(out.Current)
	slices.Sort(out.Old)
	return out
}

func (p *podsJSON) decode() placement.Running {
	if p == nil {
		return nil
	}
	running := make(placement.Running, len(p.Current)+len(p.Old))
	for _, n := range p.Current {
		running[n] = placement.CurrentPod
	}
	for _, n := range p.Old {
		running[n] = placement.OldPod
	}
	return running
}

func strategyOf(ds *appsv1.DaemonSet) string {
	if ds.Spec.UpdateStrategy.Type == appsv1.OnDeleteDaemonSetStrategyType {
		return string(appsv1.OnDeleteDaemonSetStrategyType)
	}
	return ""
}

func toStrategy(s string) placement.Strategy {
	if s == string(appsv1.OnDeleteDaemonSetStrategyType) {
		return placement.OnDelete
	}
	return placement.RollingUpdate
}
