package nodetaint

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodefield"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodeops"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/taintid"
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

var _ nodefield.Writer = &writer{}

// ownedOn is what the resource owns on the node object. A taint that no longer has the
// value and timeAdded the resource last wrote or a refresh saw was removed and set again by
// someone else: it is theirs, whatever the identity says.
func (w *writer) ownedOn(node *corev1.Node) []taintid.ID {
	if w.owned == nil { // no record yet: what state lists
		return parseIDs(w.fallback)
	}
	rec, _ := w.owned.Record(node)
	ids := parseIDs(rec.Items)
	if rec.Version != "" && rec.Version == node.ResourceVersion {
		return ids // the node has not changed since the marks were taken
	}
	return slices.DeleteFunc(ids, func(id taintid.ID) bool {
		mark, marked := rec.Marks[id.String()]
		live, present := nodeops.FindTaint(node.Spec.Taints, id)
		return marked && present && nodeops.TaintMark(live) != mark
	})
}

// ownedOnName is ownedOn for a node that may not be known (nil) at plan time.
func (w *writer) ownedOnName(name string, live *corev1.Node) []taintid.ID {
	if live != nil {
		return w.ownedOn(live)
	}
	if w.owned == nil {
		return parseIDs(w.fallback)
	}
	return parseIDs(w.owned[name].Items)
}

func parseIDs(items []string) []taintid.ID {
	out := make([]taintid.ID, 0, len(items))
	for _, s := range items {
		if id, ok := taintid.Parse(s); ok {
			out = append(out, id)
		}
	}
	return out
}

// Precheck lists taints with a wanted identity that the resource does not own, unless force.
func (w *writer) Precheck(node *corev1.Node) []string {
	if w.force {
		return nil
	}
	var out []string
	for _, t := range nodeops.MergeTaints(node.Spec.Taints, w.ownedOn(node), w.want, time.Now()).Foreign {
		out = append(out, nodeops.TaintConflictText(node.Name, t))
	}
	return out
}

// Set puts the wanted taints on one node and returns the identities owned there.
func (w *writer) Set(ctx context.Context, name string, fresh *corev1.Node) (nodeops.Owned, error) {
	return nodeops.Guarded(ctx, w.client.Clientset, name, fresh, w.Precheck, func(node *corev1.Node) (nodeops.Owned, error) {
		plan := nodeops.MergeTaints(node.Spec.Taints, w.ownedOn(node), w.want, time.Now())
		updated, err := w.write(ctx, node, plan.Taints)
		if err != nil {
			return nodeops.Owned{UID: node.UID}, err
		}
		owned := nodeops.Owned{UID: node.UID, Marks: map[string]string{}, Version: updated.ResourceVersion}
		for _, id := range plan.Owned {
			owned.Items = append(owned.Items, id.String())
			if t, ok := nodeops.FindTaint(updated.Spec.Taints, id); ok {
				owned.Marks[id.String()] = nodeops.TaintMark(t)
			}
		}
		return owned, nil
	})
}

// Exclusive are the wanted taints: a node holds one taint per key and effect, and two
// resources setting it would take it from each other.
func (w *writer) Exclusive() (string, string, []string) {
	claims := make([]string, 0, len(w.want))
	for _, t := range w.want {
		claims = append(claims, "taint "+taintid.Of(t).String())
	}
	return "taints", "Taint set by two resources", claims
}

// Shared is always "": a taint's owner is this resource's record, not a field manager.
func (w *writer) Shared(*corev1.Node) string { return "" }

// Clear removes the resource's taints from one node.
func (w *writer) Clear(ctx context.Context, name string, fresh *corev1.Node) error {
	return nodeops.Retry(ctx, w.client.Clientset, name, fresh, func(node *corev1.Node) error {
		_, err := w.write(ctx, node, nodeops.MergeTaints(node.Spec.Taints, w.ownedOn(node), nil, time.Now()).Taints)
		return err
	})
}

// Revert puts every taint this apply may have changed (what the resource owned and what it
// wants) back as the node had it before: the same value, or absent.
func (w *writer) Revert(ctx context.Context, name string, before *corev1.Node) error {
	ids := append(w.ownedOn(before), parseIDs(byID(w.want).Keys())...)
	return nodeops.Retry(ctx, w.client.Clientset, name, nil, func(node *corev1.Node) error {
		if node.UID != before.UID {
			return nil // another node object: nothing of this apply is on it
		}
		out := slices.Clone(node.Spec.Taints)
		changed := false
		for _, id := range ids {
			was, had := nodeops.FindTaint(before.Spec.Taints, id)
			i := slices.IndexFunc(out, func(t corev1.Taint) bool { return taintid.Of(t) == id })
			switch {
			case had && i >= 0 && !reflect.DeepEqual(out[i], was):
				out[i], changed = was, true
			case had && i < 0:
				out, changed = append(out, was), true
			case !had && i >= 0:
				out, changed = slices.Delete(out, i, i+1), true
			}
		}
		if !changed {
			return nil
		}
		_, err := w.write(ctx, node, out)
		return err
	})
}

// Leftover says which taints an apply that could not be undone may have left, and how to
// remove them.
func (w *writer) Leftover(name string) string {
	var shown, removes []string
	for _, t := range w.want {
		shown = append(shown, taintid.Format(t))
		removes = append(removes, t.Key+":"+string(t.Effect)+"-")
	}
	return fmt.Sprintf("taints %s (kubectl taint node %s %s)", strings.Join(shown, ", "), name, strings.Join(removes, " "))
}

// write replaces the node's taints under its resourceVersion, so that a concurrent write
// makes this one fail with a conflict (and be retried on a fresh read) instead of being lost.
// A merge patch touches nothing but the taints: the node may be this process's trimmed copy.
// taints nil means nothing changes. It returns the node as written (as it was, unchanged).
func (w *writer) write(ctx context.Context, node *corev1.Node, taints []corev1.Taint) (*corev1.Node, error) {
	if taints == nil {
		return node, nil
	}
	patch, err := json.Marshal(map[string]any{
		"metadata": map[string]any{"resourceVersion": node.ResourceVersion},
		"spec":     map[string]any{"taints": taints},
	})
	if err != nil {
		return nil, err
	}
	updated, err := w.client.Clientset.CoreV1().Nodes().Patch(ctx, node.Name, types.MergePatchType, patch,
		metav1.PatchOptions{FieldManager: FieldManager})
	if err != nil {
		return nil, err
	}
	w.client.Nodes.Remember(updated)
	return updated, nil
}
