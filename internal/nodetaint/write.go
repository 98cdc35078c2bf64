package nodetaint

import (
	"context"
	"encoding/json"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodeops"
)

// writer changes one resource's taints on nodes by read-modify-write of spec.taints.
type writer struct {
	client *kube.Client
	force  bool
	want   []corev1.Taint
	// owned records the identities the resource owns per node; nodes without a record own
	// fallback (the identities in state).
	owned    nodeops.Ownership
	fallback []string
}

func (w *writer) ownedOn(node string) []nodeops.TaintID {
	items := w.owned[node]
	if w.owned == nil { // no record yet: what state lists
		items = w.fallback
	}
	out := make([]nodeops.TaintID, 0, len(items))
	for _, s := range items {
		if id, ok := nodeops.ParseTaintID(s); ok {
			out = append(out, id)
		}
	}
	return out
}

// precheck lists taints with a wanted identity that the resource does not own, unless force.
func (w *writer) precheck(node *corev1.Node) []string {
	if w.force {
		return nil
	}
	var out []string
	for _, t := range nodeops.MergeTaints(node.Spec.Taints, w.ownedOn(node.Name), w.want, time.Now()).Foreign {
		out = append(out, nodeops.TaintConflictText(node.Name, t))
	}
	return out
}

// set puts the wanted taints on one node and returns the identities owned there.
func (w *writer) set(ctx context.Context, name string, fresh *corev1.Node) ([]string, error) {
	var owned []string
	err := nodeops.Retry(ctx, w.client.Clientset, name, fresh, func(node *corev1.Node) error {
		plan := nodeops.MergeTaints(node.Spec.Taints, w.ownedOn(name), w.want, time.Now())
		if len(plan.Foreign) > 0 && !w.force {
			var details []string
			for _, t := range plan.Foreign {
				details = append(details, nodeops.TaintConflictText(name, t))
			}
			return &nodeops.ConflictError{Details: details}
		}
		owned = owned[:0]
		for _, id := range plan.Owned {
			owned = append(owned, id.String())
		}
		return w.write(ctx, node, plan.Taints)
	})
	return owned, err
}

// clear removes the resource's taints from one node.
func (w *writer) clear(ctx context.Context, name string, fresh *corev1.Node) error {
	return nodeops.Retry(ctx, w.client.Clientset, name, fresh, func(node *corev1.Node) error {
		return w.write(ctx, node, nodeops.MergeTaints(node.Spec.Taints, w.ownedOn(name), nil, time.Now()).Taints)
	})
}

// write replaces the node's taints under its resourceVersion, so that a concurrent write
// makes this one fail with a conflict (and be retried on a fresh read) instead of being lost.
// A merge patch touches nothing but the taints: the node may be this process's trimmed copy.
// taints nil means nothing changes.
func (w *writer) write(ctx context.Context, node *corev1.Node, taints []corev1.Taint) error {
	if taints == nil {
		return nil
	}
	patch, err := json.Marshal(map[string]any{
		"metadata": map[string]any{"resourceVersion": node.ResourceVersion},
		"spec":     map[string]any{"taints": taints},
	})
	if err != nil {
		return err
	}
	updated, err := w.client.Clientset.CoreV1().Nodes().Patch(ctx, node.Name, types.MergePatchType, patch,
		metav1.PatchOptions{FieldManager: FieldManager})
	if err != nil {
		return err
	}
	w.client.Nodes.Remember(updated)
	return nil
}
