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
// those whose status cannot tell where the pods run (PodsFromStatus against the rule on
// nodes), the nodes where pods were kept though the rule would not place one: one pod LIST for
// each of those DaemonSets, none otherwise. Like the DaemonSet list it reads, it is computed
// once per client, from the first nodes given: every caller passes the client's node list,
// and a plan of many node_label or node_taint resources would otherwise repeat the pod LISTs
// and the evaluation per resource. nodes must be every node of the cluster.
func (c *Client) DaemonSetPlacements(ctx context.Context, nodes *NodeList) ([]samerun.DaemonSetPlacement, error) {
	p := c.placements
	p.once.Do(func() { p.items, p.err = c.daemonSetPlacements(ctx, nodes) })
	return p.items, p.err
}

// placementList is the one computation of DaemonSetPlacements a client makes.
type placementList struct {
	once  sync.Once
	items []samerun.DaemonSetPlacement
	err   error
}

func (c *Client) daemonSetPlacements(ctx context.Context, nodes *NodeList) ([]samerun.DaemonSetPlacement, error) {
	dss, err := c.DaemonSets(ctx)
	if err != nil {
		return nil, err
	}
	out := samerun.Placements(dss)
	for i := range dss {
		desired := samerun.Desired(&out[i].Spec, nodes.Nodes, c.Options.ComparisonOperators)
		if PodsFromStatus(&dss[i], desired) != ReadPods {
			continue // no pod kept where the rule would not place one
		}
		pods, err := c.DaemonSetPods(ctx, &dss[i])
		if err != nil {
			return nil, err
		}
		out[i].Kept = samerun.Kept(&out[i].Spec, pods, nodes.Find, c.Options.ComparisonOperators)
	}
	return out, nil
}

// PodsByStatus is what a DaemonSet's status alone says of its pods.
type PodsByStatus uint8

const (
	// RuleHolds: a pod of the current template on every node the controller's rule selects,
	// none elsewhere.
	RuleHolds PodsByStatus = iota
	// NoPods: no pod on any node (pods forbidden by a quota, say, or not created yet).
	NoPods
	// ReadPods: the status cannot tell; the pods must be read.
	ReadPods
)

// PodsFromStatus reads a DaemonSet's status against desired, the count the controller's rule
// on its live template gives on the nodes as they are now. The status is trusted only when it
// is of the current generation and counts desired itself: the controller does not even update
// it when a node gains a NoSchedule taint under a running pod. Then no pod scheduled or
// misscheduled means no pod at all, and every pod scheduled and updated with none misscheduled
// means the rule holds; anything else (pods kept where the rule would not place one, pods of
// an older template, pods missing) needs the pods read.
func PodsFromStatus(ds *appsv1.DaemonSet, desired int) PodsByStatus {
	s := ds.Status
	switch {
	case s.ObservedGeneration < ds.Generation || s.DesiredNumberScheduled != int32(desired):
		return ReadPods
	case s.CurrentNumberScheduled == 0 && s.NumberMisscheduled == 0:
		if desired == 0 {
			return RuleHolds
		}
		return NoPods
	case s.NumberMisscheduled == 0 && s.CurrentNumberScheduled == s.DesiredNumberScheduled &&
		s.UpdatedNumberScheduled == s.CurrentNumberScheduled:
		return RuleHolds
	}
	return ReadPods
}
