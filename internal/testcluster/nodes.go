package testcluster

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Node describes a fake node to create.
type Node struct {
	Name   string
	Labels map[string]string
	Taints []corev1.Taint
	// Allocatable replaces these resources of the default capacity (32 cpu, 256Gi, 110 pods).
	Allocatable corev1.ResourceList
}

// MasterTaint is the taint of the demo's control-plane nodes.
var MasterTaint = corev1.Taint{Key: "node-role.kubernetes.io/master", Effect: corev1.TaintEffectNoSchedule}

// DemoNodes are the six nodes of the DaemonSet walk-through: three workers, three tainted masters.
func DemoNodes() []Node {
	var nodes []Node
	for i := 1; i <= 3; i++ {
		nodes = append(nodes, Node{Name: fmt.Sprintf("k8s-%02d", i)})
	}
	for i := 1; i <= 3; i++ {
		nodes = append(nodes, Node{
			Name:   fmt.Sprintf("k8s-master-%02d", i),
			Labels: map[string]string{"node-role.kubernetes.io/master": ""},
			Taints: []corev1.Taint{MasterTaint},
		})
	}
	return nodes
}

// FleetNodes returns n worker nodes named prefix-00001..., spread over three zones.
func FleetNodes(prefix string, n int) []Node {
	nodes := make([]Node, n)
	for i := range nodes {
		nodes[i] = Node{
			Name: fmt.Sprintf("%s-%05d", prefix, i+1),
			Labels: map[string]string{
				"topology.kubernetes.io/zone":      fmt.Sprintf("zone-%c", 'a'+i%3),
				"node.kubernetes.io/instance-type": "m5.large",
				"fleet":                            prefix,
			},
		}
	}
	return nodes
}

func (n Node) object() *corev1.Node {
	labels := map[string]string{
		"kubernetes.io/hostname": n.Name,
		"kubernetes.io/os":       "linux",
		"kubernetes.io/arch":     "amd64",
		"type":                   "kwok",
	}
	for k, v := range n.Labels {
		labels[k] = v
	}
	capacity := corev1.ResourceList{
		corev1.ResourceCPU:    resource.MustParse("32"),
		corev1.ResourceMemory: resource.MustParse("256Gi"),
		corev1.ResourcePods:   resource.MustParse("110"),
	}
	for name, q := range n.Allocatable {
		capacity[name] = q
	}
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{
			Name:        n.Name,
			Labels:      labels,
			Annotations: map[string]string{"kwok.x-k8s.io/node": "fake"},
		},
		Spec:   corev1.NodeSpec{Taints: n.Taints},
		Status: corev1.NodeStatus{Capacity: capacity, Allocatable: capacity},
	}
}

// CreateNodes creates the nodes (an existing one is replaced) with bounded parallelism and
// waits until the node lifecycle controller has removed their not-ready taint.
func (c *Cluster) CreateNodes(ctx context.Context, nodes []Node) error {
	work := make(chan Node)
	errs := make(chan error, len(nodes))
	var wg sync.WaitGroup
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range work {
				errs <- c.createNode(ctx, n)
			}
		}()
	}
	for _, n := range nodes {
		work <- n
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	names := make([]string, len(nodes))
	for i, n := range nodes {
		names[i] = n.Name
	}
	return c.WaitNodesReady(ctx, names)
}

func (c *Cluster) createNode(ctx context.Context, n Node) error {
	api := c.Client.CoreV1().Nodes()
	err := api.Delete(ctx, n.Name, metav1.DeleteOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return err
	}
	for i := 0; ; i++ {
		_, err = api.Create(ctx, n.object(), metav1.CreateOptions{})
		if !apierrors.IsAlreadyExists(err) || i > 50 {
			break
		}
		time.Sleep(100 * time.Millisecond) // the delete is still finishing
	}
	if err != nil {
		return fmt.Errorf("creating node %s: %w", n.Name, err)
	}
	return nil
}

// DeleteNodes deletes nodes; missing ones are fine.
func (c *Cluster) DeleteNodes(ctx context.Context, names ...string) error {
	for _, name := range names {
		err := c.Client.CoreV1().Nodes().Delete(ctx, name, metav1.DeleteOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			return err
		}
	}
	return nil
}

// WaitNodesReady waits until each named node is Ready and has no not-ready taint, so that
// DaemonSet placement can be asserted.
func (c *Cluster) WaitNodesReady(ctx context.Context, names []string) error {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	deadline := time.Now().Add(5 * time.Minute)
	for {
		list, err := c.Client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
		if err != nil {
			return err
		}
		var waiting []string
		seen := map[string]bool{}
		for _, n := range list.Items {
			if !want[n.Name] {
				continue
			}
			seen[n.Name] = true
			if !nodeReady(&n) {
				waiting = append(waiting, n.Name)
			}
		}
		for n := range want {
			if !seen[n] {
				waiting = append(waiting, n)
			}
		}
		if len(waiting) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			sort.Strings(waiting)
			if len(waiting) > 10 {
				waiting = append(waiting[:10], "...")
			}
			return fmt.Errorf("nodes not ready after 5m: %s", strings.Join(waiting, ", "))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func nodeReady(n *corev1.Node) bool {
	for _, t := range n.Spec.Taints {
		if t.Key == corev1.TaintNodeNotReady || t.Key == corev1.TaintNodeUnreachable {
			return false
		}
	}
	for _, cond := range n.Status.Conditions {
		if cond.Type == corev1.NodeReady {
			return cond.Status == corev1.ConditionTrue
		}
	}
	return false
}
