package nodeops

import (
	"context"
	"fmt"
	"strings"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/samerun"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/taintid"
)

// Eviction counts running pods that a new NoExecute taint evicts from a node.
type Eviction struct {
	Node   string
	Pods   int
	Taints []string
}

// Impact is what a planned node change does to running workloads.
type Impact struct {
	Changes   []samerun.DaemonSetChange
	Evictions []Eviction
}

// Empty reports whether nothing changes.
func (i Impact) Empty() bool { return len(i.Changes) == 0 && len(i.Evictions) == 0 }

// Warning renders the impact for a plan warning; subject is e.g. "k8sfleet_node_label on node k8s-01".
func (i Impact) Warning(subject string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Applying %s changes where pods run:", subject)
	for _, c := range i.Changes {
		fmt.Fprintf(&b, "\n- DaemonSet %s", c.DaemonSet)
		if len(c.Starts) > 0 {
			fmt.Fprintf(&b, " starts on %s", limitList(c.Starts, 10))
		}
		if len(c.Starts) > 0 && len(c.Stops) > 0 {
			b.WriteString(" and")
		}
		if len(c.Stops) > 0 {
			fmt.Fprintf(&b, " stops on %s", limitList(c.Stops, 10))
		}
	}
	for _, e := range i.Evictions {
		fmt.Fprintf(&b, "\n- %d running %s on node %s %s not tolerate %s and will be evicted",
			e.Pods, plural(e.Pods, "pod", "pods"), e.Node, doOrDoes(e.Pods), strings.Join(e.Taints, ", "))
	}
	return b.String()
}

// PodLister lists the pods bound to a node.
type PodLister func(ctx context.Context, node string) ([]corev1.Pod, error)

// ListPodsOn lists a node's pods with a field selector.
func ListPodsOn(c *kube.Client) PodLister {
	return func(ctx context.Context, node string) ([]corev1.Pod, error) {
		l, err := c.Clientset.CoreV1().Pods(metav1.NamespaceAll).List(ctx, metav1.ListOptions{
			FieldSelector: fields.OneTermEqualSelector("spec.nodeName", node).String(),
		})
		if err != nil {
			return nil, err
		}
		return l.Items, nil
	}
}

// Evictions counts, per changed node, the running pods that its new NoExecute taints evict.
func Evictions(ctx context.Context, before, after []*corev1.Node, pods PodLister) ([]Eviction, error) {
	var out []Eviction
	for i, n := range after {
		added := newNoExecute(before[i].Spec.Taints, n.Spec.Taints)
		if len(added) == 0 {
			continue
		}
		list, err := pods(ctx, n.Name)
		if err != nil {
			return out, err
		}
		if count := evicted(list, added); count > 0 {
			e := Eviction{Node: n.Name, Pods: count}
			for _, t := range added {
				e.Taints = append(e.Taints, t.ToString())
			}
			out = append(out, e)
		}
	}
	return out, nil
}

// newNoExecute lists NoExecute taints in after that before did not have with that value.
func newNoExecute(before, after []corev1.Taint) []corev1.Taint {
	var out []corev1.Taint
	for _, t := range after {
		if t.Effect != corev1.TaintEffectNoExecute {
			continue
		}
		if old, ok := FindTaint(before, taintid.Of(t)); !ok || old.Value != t.Value {
			out = append(out, t)
		}
	}
	return out
}

// evicted counts running pods that do not tolerate every one of the taints.
func evicted(pods []corev1.Pod, taints []corev1.Taint) int {
	count := 0
	for i := range pods {
		p := &pods[i]
		if p.DeletionTimestamp != nil || p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
			continue
		}
		for j := range taints {
			if !tolerated(p.Spec.Tolerations, &taints[j]) {
				count++
				break
			}
		}
	}
	return count
}

func tolerated(tolerations []corev1.Toleration, t *corev1.Taint) bool {
	for i := range tolerations {
		if tolerations[i].ToleratesTaint(logr.Discard(), t, false) {
			return true
		}
	}
	return false
}
