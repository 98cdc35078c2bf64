package nodelabel

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/managedfields"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodefield"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodeops"
)

// writer changes one resource's labels on nodes with server-side apply.
type writer struct {
	client *kube.Client
	// manager owns the labels; oldManager owned them before field_manager changed.
	manager, oldManager string
	force               bool
	// want are the labels to set; prior are the values the resource set before, which
	// adopted labels must still have for destroy to remove them.
	want, prior map[string]string
	adopted     nodeops.Ownership
}

var _ nodefield.Writer = &writer{}

func (w *writer) ours() []string {
	if w.oldManager == "" || w.oldManager == w.manager {
		return []string{w.manager}
	}
	return []string{w.manager, w.oldManager}
}

// Precheck lists the conflicts that stop a write: labels of another resource under this
// resource's field manager (force cannot help: the manager is the same), and, unless force,
// labels another manager owns with a different value, which this resource neither owns nor
// adopted.
func (w *writer) Precheck(node *corev1.Node) []string {
	var out []string
	if text := w.Shared(node); text != "" {
		out = append(out, text)
	}
	if w.force {
		return out
	}
	for _, c := range managedfields.LabelConflicts(node, w.want, w.ours(), w.adopted.On(node)) {
		out = append(out, nodeops.LabelConflictText(node.Name, c))
	}
	return out
}

// Set applies the wanted labels on one node and returns the labels adopted there.
func (w *writer) Set(ctx context.Context, name string, fresh *corev1.Node) (nodeops.Owned, error) {
	return nodeops.Guarded(ctx, w.client.Clientset, name, fresh, w.Precheck, func(node *corev1.Node) (nodeops.Owned, error) {
		adopted := nodeops.Owned{UID: node.UID, Items: w.adoptedAfter(node)}
		// Conflicts left at this point are with our previous manager or on adopted labels:
		// they are ours to take.
		force := w.force || len(managedfields.LabelConflicts(node, w.want, []string{w.manager}, nil)) > 0
		node, err := w.apply(ctx, node, w.manager, w.want, force)
		if err != nil {
			return adopted, err
		}
		return adopted, w.finish(ctx, node, adopted.Items)
	})
}

// Exclusive is the field manager: server-side apply gives a manager exactly the labels of its
// last apply, so two resources sharing one take each other's labels away.
// A manager still unknown (drawn at create) is the resource's own.
func (w *writer) Exclusive() (string, string, []string) {
	if w.manager == "" {
		return "field_manager", "", nil
	}
	return "field_manager", "Field manager shared", []string{"field manager " + w.manager}
}

// Shared names the labels of another resource under this resource's field manager.
func (w *writer) Shared(node *corev1.Node) string {
	if keys := w.unexplained(node); len(keys) > 0 {
		return nodeops.SharedManagerText(node.Name, w.manager, keys)
	}
	return ""
}

// unexplained lists the labels the field manager owns on the node that this resource neither
// sets, set before, nor adopted.
func (w *writer) unexplained(node *corev1.Node) []string {
	var out []string
	adopted := w.adopted.On(node)
	for k := range managedfields.AppliedLabels(node, w.manager) {
		_, wanted := w.want[k]
		_, had := w.prior[k]
		if !wanted && !had && !slices.Contains(adopted, k) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// Clear releases every label of the resource on one node; labels of another resource under
// the same field manager stay with it.
func (w *writer) Clear(ctx context.Context, name string, fresh *corev1.Node) error {
	return nodeops.Retry(ctx, w.client.Clientset, name, fresh, func(node *corev1.Node) error {
		keep := map[string]string{}
		for _, k := range w.unexplained(node) {
			keep[k] = node.Labels[k]
		}
		node, err := w.apply(ctx, node, w.manager, keep, false)
		if err != nil {
			return err
		}
		return w.finish(ctx, node, nil)
	})
}

// adoptedAfter is what the resource has adopted on the node once the write is done: adopted
// labels it still sets, and with force every wanted label that another manager owns.
func (w *writer) adoptedAfter(node *corev1.Node) []string {
	var out []string
	for _, k := range w.adopted.On(node) {
		if _, ok := w.want[k]; ok {
			out = append(out, k)
		}
	}
	if w.force {
		out = append(out, managedfields.ForeignLabels(node, w.want, w.ours())...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// finish releases the labels of the previous manager and removes adopted labels the
// resource no longer sets.
func (w *writer) finish(ctx context.Context, node *corev1.Node, keep []string) error {
	var err error
	if w.oldManager != "" && w.oldManager != w.manager {
		if node, err = w.apply(ctx, node, w.oldManager, nil, false); err != nil {
			return err
		}
	}
	var drop []string
	for _, k := range w.adopted.On(node) {
		live, ok := node.Labels[k]
		if ok && !slices.Contains(keep, k) && live == w.prior[k] {
			drop = append(drop, k)
		}
	}
	if len(drop) > 0 {
		if node, err = w.removeLabels(ctx, node, drop); err != nil {
			return err
		}
	}
	w.client.Nodes.Remember(node)
	return nil
}

// Revert gives the labels back to the manager that owned them before, with the values it had,
// and releases the new manager's. A label that force took over from another manager is
// released, not handed back: that manager's ownership cannot be restored in its name.
func (w *writer) Revert(ctx context.Context, name string, before *corev1.Node) error {
	owner := w.manager
	if w.oldManager != "" {
		owner = w.oldManager
	}
	restore := managedfields.AppliedLabels(before, owner)
	return nodeops.Retry(ctx, w.client.Clientset, name, nil, func(node *corev1.Node) error {
		if node.UID != before.UID {
			return nil // another node object: nothing of this apply is on it
		}
		var err error
		if !maps.Equal(managedfields.AppliedLabels(node, owner), restore) {
			if node, err = w.apply(ctx, node, owner, restore, false); err != nil {
				return err
			}
		}
		if owner != w.manager && len(managedfields.AppliedLabels(node, w.manager)) > 0 {
			if node, err = w.apply(ctx, node, w.manager, nil, false); err != nil {
				return err
			}
		}
		w.client.Nodes.Remember(node)
		return nil
	})
}

// Leftover says which labels an apply that could not be undone may have left, and how to
// remove them.
func (w *writer) Leftover(name string) string {
	keys := slices.Sorted(maps.Keys(w.want))
	return fmt.Sprintf("labels %s (kubectl label node %s %s-)", strings.Join(keys, ", "), name, strings.Join(keys, "- "))
}

// apply makes manager own exactly labels on the node. The node may come from this process's
// node list: its resourceVersion is a precondition, so a node changed since fails with a
// conflict and is read again; its uid keeps a node deleted since from being created again
// (an apply with a uid and no object to match is refused).
func (w *writer) apply(ctx context.Context, node *corev1.Node, manager string, labels map[string]string, force bool) (*corev1.Node, error) {
	ac := corev1ac.Node(node.Name).WithResourceVersion(node.ResourceVersion).WithUID(node.UID)
	if len(labels) > 0 {
		ac.WithLabels(labels)
	}
	updated, err := w.client.Clientset.CoreV1().Nodes().Apply(ctx, ac, metav1.ApplyOptions{FieldManager: manager, Force: force})
	if err != nil {
		return nil, nodeops.FieldConflictError(node.Name, err)
	}
	return updated, nil
}

// removeLabels deletes labels that other managers still co-own, with a merge patch that
// carries the resourceVersion as a precondition.
func (w *writer) removeLabels(ctx context.Context, node *corev1.Node, keys []string) (*corev1.Node, error) {
	labels := map[string]any{}
	for _, k := range keys {
		labels[k] = nil
	}
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{"resourceVersion": node.ResourceVersion, "labels": labels}})
	if err != nil {
		return nil, err
	}
	return w.client.Clientset.CoreV1().Nodes().Patch(ctx, node.Name, types.MergePatchType, patch, metav1.PatchOptions{FieldManager: w.manager})
}
