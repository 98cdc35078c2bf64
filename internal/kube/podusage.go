package kube

import (
	"context"
	"fmt"
	"slices"
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8stypes "k8s.io/apimachinery/pkg/types"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/scheduling"
)

// PodUsage is what the scheduler knows of every node: its allocatable and the pods bound to it,
// and, per DaemonSet uid, the group of that DaemonSet's own pod on the node (its replacement is
// judged with it gone first, as a rolling update without surge deletes it).
type PodUsage struct {
	Nodes  map[string]*scheduling.NodeUsage
	Daemon map[string]map[k8stypes.UID]scheduling.PodGroup
}

// podUsage is the one computation of PodUsage a client makes.
type podUsage struct {
	once  sync.Once
	usage *PodUsage
	err   error
}

// PodUsage lists every pod once per client, page by page, folding each into its node's usage so
// that the decoded pods are never all held at once. nodes must be every node of the cluster.
func (c *Client) PodUsage(ctx context.Context, nodes *NodeList) (*PodUsage, error) {
	u := c.podUsage
	u.once.Do(func() { u.usage, u.err = c.listPodUsage(ctx, nodes) })
	return u.usage, u.err
}

func (c *Client) listPodUsage(ctx context.Context, nodes *NodeList) (*PodUsage, error) {
	out := &PodUsage{Nodes: make(map[string]*scheduling.NodeUsage, len(nodes.Nodes)), Daemon: map[string]map[k8stypes.UID]scheduling.PodGroup{}}
	for _, n := range nodes.Nodes {
		usage := scheduling.NewNodeUsage(n.Status.Allocatable)
		out.Nodes[n.Name] = &usage
	}
	opts := metav1.ListOptions{Limit: podPageSize}
	for {
		page, err := c.Clientset.CoreV1().Pods(metav1.NamespaceAll).List(ctx, opts)
		if err != nil {
			return nil, err
		}
		for i := range page.Items {
			pod := &page.Items[i]
			usage := out.Nodes[pod.Spec.NodeName]
			if usage == nil {
				continue // not bound, or bound to a node the list does not hold
			}
			usage.Add(pod)
			if ref := metav1.GetControllerOf(pod); ref != nil && ref.Kind == "DaemonSet" {
				if g, ok := scheduling.GroupOf(pod); ok {
					if out.Daemon[pod.Spec.NodeName] == nil {
						out.Daemon[pod.Spec.NodeName] = map[k8stypes.UID]scheduling.PodGroup{}
					}
					out.Daemon[pod.Spec.NodeName][ref.UID] = g
				}
			}
		}
		if page.Continue == "" {
			return out, nil
		}
		opts.Continue = page.Continue
	}
}

// Fit is the scheduler's verdict on a pod with needs on node, with the pod of the DaemonSet of
// uid gone from the node first when without is set (a replacement without surge). ok is false
// for a node the list did not hold or that reports no allocatable yet.
func (u *PodUsage) Fit(needs scheduling.PodNeeds, node string, uid k8stypes.UID, without bool) (v scheduling.Verdict, ok bool) {
	live := u.Nodes[node]
	if live == nil || live.AllowedPods == 0 {
		return scheduling.Verdict{}, false
	}
	usage := *live
	usage.Pods = slices.Clone(live.Pods)
	if g, found := u.Daemon[node][uid]; found && without {
		usage.RemoveGroup(g)
	}
	return scheduling.Fit(needs, &usage), true
}

// Admission reads what admission adds to a pod of spec that the scheduler counts: the priority
// and preemption policy of its PriorityClass and the overhead of its RuntimeClass.
func (c *Client) Admission(ctx context.Context, spec *corev1.PodSpec) (scheduling.Admission, error) {
	var adm scheduling.Admission
	if name := spec.PriorityClassName; name != "" && spec.Priority == nil {
		pc, err := c.Clientset.SchedulingV1().PriorityClasses().Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return adm, fmt.Errorf("PriorityClass %s: %w", name, err)
		}
		adm.Priority, adm.PreemptionPolicy = &pc.Value, pc.PreemptionPolicy
	}
	if name := spec.RuntimeClassName; name != nil && *name != "" && spec.Overhead == nil {
		rc, err := c.Clientset.NodeV1().RuntimeClasses().Get(ctx, *name, metav1.GetOptions{})
		if err != nil {
			return adm, fmt.Errorf("RuntimeClass %s: %w", *name, err)
		}
		if rc.Overhead != nil {
			adm.Overhead = rc.Overhead.PodFixed
		}
	}
	return adm, nil
}
