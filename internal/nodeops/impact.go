package nodeops

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/go-logr/logr"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/placement"
)

// daemonSetLists holds one DaemonSet list per client, that is per provider process.
var daemonSetLists sync.Map // *kube.Client -> *daemonSetList

type daemonSetList struct {
	once  sync.Once
	items []appsv1.DaemonSet
	err   error
}

// DaemonSets lists every DaemonSet once per provider process; plans only read it.
func DaemonSets(ctx context.Context, c *kube.Client) ([]appsv1.DaemonSet, error) {
	v, _ := daemonSetLists.LoadOrStore(c, &daemonSetList{})
	l, _ := v.(*daemonSetList)
	l.once.Do(func() {
		opts := metav1.ListOptions{Limit: 500}
		for {
			page, err := c.Clientset.AppsV1().DaemonSets(metav1.NamespaceAll).List(ctx, opts)
			if err != nil {
				l.err = err
				return
			}
			l.items = append(l.items, page.Items...)
			if page.Continue == "" {
				return
			}
			opts.Continue = page.Continue
		}
	})
	return l.items, l.err
}

// DaemonSetChange says where one DaemonSet's pods start and stop; Evicted counts the stops
// that an untolerated NoExecute taint causes (the controller deletes the running pod).
type DaemonSetChange struct {
	DaemonSet     string
	Starts, Stops []string
	Evicted       int
}

// Eviction counts running pods that a new NoExecute taint evicts from a node.
type Eviction struct {
	Node   string
	Pods   int
	Taints []string
}

// Impact is what a planned node change does to running workloads.
type Impact struct {
	Changes   []DaemonSetChange
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

// Changed returns the nodes an edit really changes, each as it is now and as it will be.
func Changed(live []*corev1.Node, edits map[string]kube.NodeEdit) (before, after []*corev1.Node) {
	for _, n := range live {
		e, ok := edits[n.Name]
		if !ok {
			continue
		}
		cp := n.DeepCopy()
		e.ApplyTo(cp)
		if !equality.Semantic.DeepEqual(n.Labels, cp.Labels) || !sameTaints(n.Spec.Taints, cp.Spec.Taints) {
			before, after = append(before, n), append(after, cp)
		}
	}
	return before, after
}

func sameTaints(a, b []corev1.Taint) bool {
	if len(a) != len(b) {
		return false
	}
	for _, t := range a {
		if u, ok := FindTaint(b, IDOf(t)); !ok || u.Value != t.Value {
			return false
		}
	}
	return true
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

// ComputeImpact compares DaemonSet placement on the changed nodes before and after, with the
// placement package (the DaemonSet controller's rule). It reads nothing but its arguments, so a
// plan computed from a refresh's snapshot is the same at apply.
func ComputeImpact(dss []DaemonSetPlacement, before, after []*corev1.Node, opts placement.Options) []DaemonSetChange {
	var changes []DaemonSetChange
	for i := range dss {
		t := placement.Compile(&dss[i].Spec, opts)
		next := t.Predict(after)
		decisions := make(map[string]placement.Decision, len(next.Decisions))
		for _, d := range next.Decisions {
			decisions[d.Node] = d
		}
		change := DaemonSetChange{DaemonSet: dss[i].Name}
		for _, c := range placement.Changes(t.Predict(before), next) {
			if c.Starts {
				change.Starts = append(change.Starts, c.Node)
				continue
			}
			change.Stops = append(change.Stops, c.Node)
			if d := decisions[c.Node]; d.Taint != "" && !d.ShouldContinueRunning {
				change.Evicted++
			}
		}
		if len(change.Starts)+len(change.Stops) > 0 {
			changes = append(changes, change)
		}
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].DaemonSet < changes[j].DaemonSet })
	return changes
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
		if old, ok := FindTaint(before, IDOf(t)); !ok || old.Value != t.Value {
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
