package kube

import (
	"context"
	"sync"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/samerun"
)

// daemonSetList is the one list of every DaemonSet a client makes.
type daemonSetList struct {
	once  sync.Once
	items []appsv1.DaemonSet
	err   error
}

// DaemonSets lists every DaemonSet once per client, that is per provider process; the blast
// radius of node_label and node_taint only reads it.
func (c *Client) DaemonSets(ctx context.Context) ([]appsv1.DaemonSet, error) {
	l := c.daemonSets
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

// DaemonSetPlacements is every DaemonSet's placement fields (samerun.Placements) with, for
// those whose pods can differ from the controller's rule (PodsMayDiffer against the rule on
// nodes), the nodes where pods were kept though the rule would not place one: one pod LIST for
// each of those DaemonSets, none otherwise. nodes must be every node of the cluster.
func (c *Client) DaemonSetPlacements(ctx context.Context, nodes *NodeList) ([]samerun.DaemonSetPlacement, error) {
	dss, err := c.DaemonSets(ctx)
	if err != nil {
		return nil, err
	}
	out := samerun.Placements(dss)
	for i := range dss {
		desired := samerun.Desired(&out[i].Spec, nodes.Nodes, c.Options.ComparisonOperators)
		if !PodsMayDiffer(&dss[i], desired) {
			continue
		}
		pods, err := c.DaemonSetPods(ctx, &dss[i])
		if err != nil {
			return nil, err
		}
		out[i].Kept = samerun.Kept(&out[i].Spec, pods, nodes.Find, c.Options.ComparisonOperators)
	}
	return out, nil
}

// PodsMayDiffer tells, from a DaemonSet's status alone, whether the pods that run can differ
// from the controller's rule on its live template, desired being the count that rule gives on
// the nodes as they are now: pods kept on nodes it would not place (the controller does not
// even update its status when a node gains a NoSchedule taint under a running pod, hence the
// comparison with desired), pods of an older template, pods missing, or a status behind the
// generation.
func PodsMayDiffer(ds *appsv1.DaemonSet, desired int) bool {
	s := ds.Status
	return s.ObservedGeneration < ds.Generation || s.NumberMisscheduled > 0 ||
		s.DesiredNumberScheduled != int32(desired) || s.CurrentNumberScheduled != s.DesiredNumberScheduled ||
		s.UpdatedNumberScheduled != s.CurrentNumberScheduled
}
