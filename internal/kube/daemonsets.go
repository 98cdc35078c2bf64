package kube

import (
	"context"
	"sync"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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
