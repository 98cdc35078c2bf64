package kube

import (
	"context"
	"sync"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
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
// those whose status counts pods on nodes they would not place (numberMisscheduled), the
// nodes where such pods were kept: one pod LIST for each of those DaemonSets, none otherwise.
// find looks a node up by name; a pod on a node it does not know is left out.
func (c *Client) DaemonSetPlacements(ctx context.Context, find func(string) *corev1.Node) ([]samerun.DaemonSetPlacement, error) {
	dss, err := c.DaemonSets(ctx)
	if err != nil {
		return nil, err
	}
	out := samerun.Placements(dss)
	for i := range dss {
		if dss[i].Status.NumberMisscheduled == 0 {
			continue
		}
		pods, err := c.DaemonSetPods(ctx, &dss[i])
		if err != nil {
			return nil, err
		}
		out[i].Kept = samerun.Kept(&out[i].Spec, pods, find, c.Options.ComparisonOperators)
	}
	return out, nil
}
