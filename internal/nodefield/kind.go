// Package nodefield is the one engine behind k8sfleet_node_label and k8sfleet_node_taint:
// fields of a node that a resource owns, on one node or on every node of a label selector.
// It holds the common lifecycle (target resolution, ownership records, the writes over the
// nodes with their undo, import parsing, the shared attributes and the plan's same-run
// record); each resource plugs in a Kind with what differs: the identity of its items, how
// they are written to a node, their validators and their texts.
package nodefield

import (
	"context"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	corev1 "k8s.io/api/core/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodeattr"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodeops"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/samerun"
)

// Items are what a resource sets on each node, identity to value: a label key, or a taint's
// "key:Effect".
type Items map[string]string

// Keys are the identities, sorted.
func (i Items) Keys() []string {
	keys := make([]string, 0, len(i))
	for k := range i {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// String lists the items as id=value, sorted: with the ID, it tells apart two resources of
// the same ID that want different values.
func (i Items) String() string {
	parts := make([]string, 0, len(i))
	for _, k := range i.Keys() {
		parts = append(parts, k+"="+i[k])
	}
	return strings.Join(parts, ", ")
}

// Kind is what one resource type adds to the engine. T is its model, which embeds Base.
type Kind[T any] interface {
	// Name is the type name without the provider's: "node_label".
	Name() string
	Texts() nodeops.Texts
	// Words name what the kind manages in the shared attributes' descriptions.
	Words() nodeattr.Kind
	// Description is the resource's own part of its documentation.
	Description() string
	// Attributes are the kind's own attributes (the items, and what else it has).
	Attributes() map[string]schema.Attribute
	ConfigValidators() []resource.ConfigValidator
	// ItemsAttribute names the attribute that holds the items.
	ItemsAttribute() string
	// Keys returns the identities of the model's items; ok is false while they are unknown.
	Keys(m *T) (keys []string, ok bool)
	// Items reads the model's items; ok is false while any part is unknown.
	Items(ctx context.Context, m *T) (Items, bool, diag.Diagnostics)
	// ItemsValue is the attribute value of items.
	ItemsValue(ctx context.Context, items Items) (attr.Value, diag.Diagnostics)
	SetItems(ctx context.Context, m *T, items Items) diag.Diagnostics
	// ImportItems checks the items of an import ID; values are filled in by the refresh.
	ImportItems(ids []string) (Items, []string)
	// ImportHint shows the import ID's forms, for errors.
	ImportHint() string
	// Writer returns what reads and changes the kind's fields on nodes for one operation.
	Writer(c *kube.Client, op Op[T]) Writer
	// ResolveImport fills in a just-imported model from its nodes (the values, and what the
	// kind keeps besides) and returns what the resource owns on them.
	ResolveImport(ctx context.Context, m *T, nodes []*corev1.Node) (nodeops.Ownership, diag.Diagnostics)
	// Plan fills in the kind's computed attributes in a plan; state is nil on a create.
	Plan(plan, state *T)
	// Created fills in, at create, what the plan left unknown.
	Created(plan *T)
}

// Op is one operation of a resource: what it had (Prev, nil on a create) and what it is to
// have (Next, nil on a delete or a refresh).
type Op[T any] struct {
	Next, Prev  *T
	Want, Prior Items
	Owned       nodeops.Ownership
	Force       bool
}

// Writer is a kind's reader and writer of its fields on nodes.
type Writer interface {
	nodeops.Writer
	// Observe returns the resource's items on the node with their live values, and the record
	// of what it owns there beyond what the API server records.
	Observe(node *corev1.Node) (Items, nodeops.Owned)
	// Releases lists the items whose release removes them from the node (live, nil when
	// unknown). A refresh records them in the snapshot for the plans after it.
	Releases(name string, live *corev1.Node) []string
	// Edit is what applying the operation does to a node with those releases; target says
	// whether the node is one of the operation's targets.
	Edit(target bool, releases []string) samerun.Edit
	// Exclusive names what only one resource may hold on a target node (its field manager,
	// a taint), the attribute that decides it and the error's title: two resources that
	// plan the same in one run are refused.
	Exclusive() (attribute, title string, claims []string)
	// Shared says why the node as it is now shows another resource under this one's field
	// manager (it owns what this resource neither sets, set before nor adopted, and a write
	// would take it away), or "". Always "" for a kind whose ownership is its own record.
	Shared(node *corev1.Node) string
}
