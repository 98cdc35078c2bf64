package nodeops

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	corev1 "k8s.io/api/core/v1"
	k8stypes "k8s.io/apimachinery/pkg/types"
)

// privateKey is the private-state key under which a resource keeps what it owns per node.
const privateKey = "ownership"

// Ownership records, per node, the label keys or taint identities ("key:Effect") that a
// resource owns beyond what the API server can tell: adopted labels (taken over with
// force or import, so that destroy removes them) and every taint (taints have no owner
// in the API). It lives in Terraform's private state, next to the resource's state.
type Ownership map[string]Owned

// Owned is what a resource owns on one node object. The uid ties it to that object: a node
// deleted and registered again under the same name starts with nothing of ours.
type Owned struct {
	UID   k8stypes.UID `json:"uid,omitempty"`
	Items []string     `json:"items"`
	// Marks are, per item, what it looked like when the resource last wrote it or a refresh
	// confirmed it (a taint's value and timeAdded): an item that no longer looks so was
	// removed and set again by someone else, and is theirs. Items without one are judged by
	// identity alone (records written before marks were kept, labels).
	Marks map[string]string `json:"marks,omitempty"`
	// Version is the node's resourceVersion when the marks were taken: a node still at it
	// has not changed since.
	Version string `json:"version,omitempty"`
}

// Record returns what the resource owns on the node object, with its marks.
func (o Ownership) Record(node *corev1.Node) (Owned, bool) {
	rec, ok := o[node.Name]
	if !ok || (rec.UID != "" && rec.UID != node.UID) {
		return Owned{}, false
	}
	return rec, true
}

// On returns what the resource owns on the node; a record of another node object with the
// same name counts for nothing. A record without a uid (written before uids were kept)
// counts for the node of that name.
func (o Ownership) On(node *corev1.Node) []string {
	rec, ok := o[node.Name]
	if !ok || (rec.UID != "" && rec.UID != node.UID) {
		return nil
	}
	return rec.Items
}

// Put records items on the node object.
func (o Ownership) Put(node *corev1.Node, items []string) {
	o[node.Name] = Owned{UID: node.UID, Items: items}
}

// privateState is the part of the framework's private state data that we use.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// LoadOwnership reads the record; a resource without one yields nil. Records written before
// uids were kept (a list of items per node name) are read too: the state upgrade receives no
// private state, so the old layout is decoded where it is read.
func LoadOwnership(ctx context.Context, p privateState) (Ownership, diag.Diagnostics) {
	if p == nil {
		return nil, nil
	}
	raw, diags := p.GetKey(ctx, privateKey)
	if diags.HasError() || len(raw) == 0 {
		return nil, diags
	}
	o, err := decodeOwnership(raw)
	if err != nil {
		diags.AddError("Unreadable private state", "the ownership record of this resource is not valid JSON ("+err.Error()+
			"); this is a bug in terraform-provider-k8sfleet, please report it")
		return nil, diags
	}
	return o, diags
}

func decodeOwnership(raw []byte) (Ownership, error) {
	var entries map[string]json.RawMessage
	if err := json.Unmarshal(raw, &entries); err != nil {
		return nil, err
	}
	o := Ownership{}
	for node, entry := range entries {
		var rec Owned
		var err error
		if trimmed := bytes.TrimSpace(entry); len(trimmed) > 0 && trimmed[0] == '[' {
			err = json.Unmarshal(entry, &rec.Items)
		} else {
			err = json.Unmarshal(entry, &rec)
		}
		if err != nil {
			return nil, err
		}
		o[node] = rec
	}
	return o, nil
}

// Save writes the record, dropping empty entries.
func (o Ownership) Save(ctx context.Context, p privateState) diag.Diagnostics {
	clean := Ownership{}
	for node, rec := range o {
		if len(rec.Items) > 0 {
			items := slices.Clone(rec.Items)
			sort.Strings(items)
			items = slices.Compact(items)
			var marks map[string]string
			for _, it := range items {
				if m, ok := rec.Marks[it]; ok {
					if marks == nil {
						marks = map[string]string{}
					}
					marks[it] = m
				}
			}
			clean[node] = Owned{UID: rec.UID, Items: items, Marks: marks, Version: rec.Version}
		}
	}
	raw, err := json.Marshal(clean)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Cannot save private state", err.Error())
		return diags
	}
	return p.SetKey(ctx, privateKey, raw)
}

// Nodes lists the nodes with a non-empty entry, sorted.
func (o Ownership) Nodes() []string {
	var out []string
	for node, rec := range o {
		if len(rec.Items) > 0 {
			out = append(out, node)
		}
	}
	sort.Strings(out)
	return out
}

// Aggregate folds what each node shows of a resource (identity -> value) into the one map
// the resource reports, so that any node's drift shows up in the plan: an identity missing
// on some node is left out (the plan adds it back), a value that differs on some node is
// reported with that value (the plan sets it back), and an identity owned on some node but
// not in prior is reported (the plan removes it). With every node in line it returns prior.
func Aggregate[K comparable](prior map[K]string, observed map[string]map[K]string, nodes []string) map[K]string {
	out := make(map[K]string, len(prior))
	for id, want := range prior {
		value, present := want, true
		for _, n := range nodes {
			got, ok := observed[n][id]
			if !ok {
				present = false
				break
			}
			if got != want && value == want {
				value = got
			}
		}
		if present {
			out[id] = value
		}
	}
	for _, n := range nodes {
		for id, got := range observed[n] {
			if _, known := prior[id]; !known {
				if _, done := out[id]; !done {
					out[id] = got
				}
			}
		}
	}
	return out
}

// Union returns the sorted union of name lists.
func Union(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	sort.Strings(out)
	return slices.Compact(out)
}
