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

// NodeEdit is what one of our node_label or node_taint resources will do to a node.
type NodeEdit struct {
	SetLabels    map[string]string
	RemoveLabels []string
	AddTaints    []corev1.Taint
	RemoveTaints []corev1.Taint
}

// NodeCache lists nodes once per provider process and remembers the node changes that
// node_label and node_taint plan in this run, so that a DaemonSet planned after them
// predicts with the labels and taints they will set.
type NodeCache struct {
	client kubernetes.Interface

	mu      sync.Mutex
	latest  *NodeList
	planned map[string]map[string]NodeEdit // owner -> node -> edit
	// written holds nodes our own writes returned, merged into latest at the next List, so a
	// fleet write of N nodes copies the list once rather than N times.
	written map[string]*corev1.Node
	lists   int
}

// NewNodeCache returns an empty cache.
func NewNodeCache(client kubernetes.Interface) *NodeCache {
	return &NodeCache{client: client, planned: map[string]map[string]NodeEdit{},
		written: map[string]*corev1.Node{}}
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
// managed fields, the spec and the conditions. Annotations and the rest of the status (a
// real node's image list above all) are often most of a node's size.
func slim(n *corev1.Node) *corev1.Node {
	out := &corev1.Node{TypeMeta: n.TypeMeta, ObjectMeta: n.ObjectMeta, Spec: n.Spec}
	out.Annotations = nil
	out.Status.Conditions = n.Status.Conditions
	return out
}

// RecordPlanned stores the edits one resource plans (owner identifies the resource); a new
// record for the same owner replaces the old one.
func (c *NodeCache) RecordPlanned(owner string, edits map[string]NodeEdit) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(edits) == 0 {
		delete(c.planned, owner)
		return
	}
	c.planned[owner] = edits
}

// HasPlanned reports whether any node edit is recorded.
func (c *NodeCache) HasPlanned() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.planned) > 0
}

// WithPlanned returns the nodes with every recorded edit applied; untouched nodes are shared.
func (c *NodeCache) WithPlanned(nodes []*corev1.Node) []*corev1.Node {
	c.mu.Lock()
	owners := make([]string, 0, len(c.planned))
	for o := range c.planned {
		owners = append(owners, o)
	}
	sort.Strings(owners)
	perNode := map[string][]NodeEdit{}
	for _, o := range owners {
		for node, e := range c.planned[o] {
			perNode[node] = append(perNode[node], e)
		}
	}
	c.mu.Unlock()
	if len(perNode) == 0 {
		return nodes
	}
	out := make([]*corev1.Node, len(nodes))
	for i, n := range nodes {
		edits, ok := perNode[n.Name]
		if !ok {
			out[i] = n
			continue
		}
		cp := n.DeepCopy()
		for _, e := range edits {
			e.ApplyTo(cp)
		}
		out[i] = cp
	}
	return out
}

// ApplyTo changes node in place.
func (e NodeEdit) ApplyTo(node *corev1.Node) {
	if node.Labels == nil && len(e.SetLabels) > 0 {
		node.Labels = map[string]string{}
	}
	for _, k := range e.RemoveLabels {
		delete(node.Labels, k)
	}
	for k, v := range e.SetLabels {
		node.Labels[k] = v
	}
	drop := append(append([]corev1.Taint{}, e.RemoveTaints...), e.AddTaints...)
	kept := node.Spec.Taints[:0:0]
	for _, t := range node.Spec.Taints {
		if !containsTaint(drop, t) {
			kept = append(kept, t)
		}
	}
	node.Spec.Taints = append(kept, e.AddTaints...)
}

// SameTaint reports whether two taints have one identity: key and effect, as kubectl.
func SameTaint(a, b corev1.Taint) bool { return a.Key == b.Key && a.Effect == b.Effect }

func containsTaint(ts []corev1.Taint, t corev1.Taint) bool {
	for _, x := range ts {
		if SameTaint(x, t) {
			return true
		}
	}
	return false
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
