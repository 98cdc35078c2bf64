package kube

import (
	"context"
	"fmt"
	"sort"
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes"
)

// NodeList is one consistent read of every node, sorted by name.
type NodeList struct {
	ResourceVersion string
	Nodes           []*corev1.Node
}

// NodeCache lists nodes once per provider process.
type NodeCache struct {
	client kubernetes.Interface

	mu     sync.Mutex
	latest *NodeList
	// written holds nodes our own writes returned, merged into latest at the next List, so a
	// fleet write of N nodes copies the list once rather than N times.
	written map[string]*corev1.Node
	lists   int
}

// NewNodeCache returns an empty cache.
func NewNodeCache(client kubernetes.Interface) *NodeCache {
	return &NodeCache{client: client, written: map[string]*corev1.Node{}}
}

const nodePageSize = 500

// List returns the nodes, listing them on first use only.
func (c *NodeCache) List(ctx context.Context) (*NodeList, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.latest != nil {
		c.mergeWritten()
		return c.latest, nil
	}
	l, err := c.list(ctx)
	if err != nil {
		return nil, err
	}
	c.latest = l
	return l, nil
}

// Find returns the named node of the list, or nil.
func (l *NodeList) Find(name string) *corev1.Node {
	i := sort.Search(len(l.Nodes), func(i int) bool { return l.Nodes[i].Name >= name })
	if i < len(l.Nodes) && l.Nodes[i].Name == name {
		return l.Nodes[i]
	}
	return nil
}

// Lists reports how many node LIST calls this cache made (pages count once).
func (c *NodeCache) Lists() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lists
}

func (c *NodeCache) list(ctx context.Context) (*NodeList, error) {
	opts := metav1.ListOptions{Limit: nodePageSize}
	c.lists++
	out := &NodeList{}
	for {
		page, err := c.client.CoreV1().Nodes().List(ctx, opts)
		if err != nil {
			return nil, fmt.Errorf("listing nodes: %w", err)
		}
		for i := range page.Items {
			out.Nodes = append(out.Nodes, slim(&page.Items[i]))
		}
		if out.ResourceVersion == "" {
			out.ResourceVersion = page.ResourceVersion
		}
		if page.Continue == "" {
			break
		}
		opts.Continue = page.Continue
	}
	sort.Slice(out.Nodes, func(i, j int) bool { return out.Nodes[i].Name < out.Nodes[j].Name })
	return out, nil
}

// Remember replaces a node in the latest list after one of our own writes.
func (c *NodeCache) Remember(node *corev1.Node) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.latest != nil {
		c.written[node.Name] = slim(node)
	}
}

// mergeWritten replaces written nodes in a copy of the latest list: readers may still
// hold the old one. Called with mu held.
func (c *NodeCache) mergeWritten() {
	if len(c.written) == 0 {
		return
	}
	nodes := make([]*corev1.Node, len(c.latest.Nodes))
	for i, n := range c.latest.Nodes {
		if fresh, ok := c.written[n.Name]; ok {
			n = fresh
		}
		nodes[i] = n
	}
	c.latest = &NodeList{ResourceVersion: c.latest.ResourceVersion, Nodes: nodes}
	clear(c.written)
}

// slim keeps what prediction, ownership and the nodes data source read: metadata with its
// managed fields, the spec, the conditions and the allocatable resources. Annotations and the rest of the status (a
// real node's image list above all) are often most of a node's size.
func slim(n *corev1.Node) *corev1.Node {
	out := &corev1.Node{TypeMeta: n.TypeMeta, ObjectMeta: n.ObjectMeta, Spec: n.Spec}
	out.Annotations = nil
	out.Status.Conditions = n.Status.Conditions
	out.Status.Allocatable = n.Status.Allocatable
	return out
}

// Select returns the nodes matching a label selector, keeping order.
func Select(nodes []*corev1.Node, sel labels.Selector) []*corev1.Node {
	var out []*corev1.Node
	for _, n := range nodes {
		if sel.Matches(labels.Set(n.Labels)) {
			out = append(out, n)
		}
	}
	return out
}
