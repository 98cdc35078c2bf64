package nodeops

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation"
)

// Target is the set of nodes a resource manages: one node by name, or every node a label
// selector matches at plan time (the fleet form).
type Target struct {
	NodeName string
	Selector string
}

// selectorPrefix starts the fleet form of an ID. Node names are DNS subdomains and can
// contain neither '_' nor ':', so it cannot be mistaken for a node name.
const selectorPrefix = "label_selector:"

// IsFleet reports whether the target is a label selector.
func (t Target) IsFleet() bool { return t.NodeName == "" }

// String names the target in messages.
func (t Target) String() string {
	if t.IsFleet() {
		return fmt.Sprintf("nodes matching %q", t.Selector)
	}
	return "node " + t.NodeName
}

// FormatID builds the resource ID, which is also its import ID:
// "k8s-01:logger,team" or "label_selector:fleet=blue:logger,team".
func FormatID(t Target, items []string) string {
	items = append([]string(nil), items...)
	sort.Strings(items)
	head := t.NodeName
	if t.IsFleet() {
		head = selectorPrefix + t.Selector
	}
	return head + ":" + strings.Join(items, ",")
}

// ParseID reads an ID built by FormatID; items are the label keys or key:Effect pairs.
func ParseID(id string) (Target, []string, error) {
	var t Target
	rest := id
	if strings.HasPrefix(id, selectorPrefix) {
		rest = strings.TrimPrefix(id, selectorPrefix)
		i := strings.Index(rest, ":")
		if i < 0 {
			return t, nil, fmt.Errorf("%q has no ':' after the label selector", id)
		}
		t.Selector, rest = strings.TrimSpace(rest[:i]), rest[i+1:]
		if t.Selector == "" {
			return t, nil, fmt.Errorf("%q has an empty label selector", id)
		}
		if _, err := labels.Parse(t.Selector); err != nil {
			return t, nil, fmt.Errorf("%q: invalid label selector: %w", id, err)
		}
	} else {
		i := strings.Index(id, ":")
		if i < 0 {
			return t, nil, fmt.Errorf("%q has no ':' after the node name", id)
		}
		t.NodeName, rest = id[:i], id[i+1:]
		if errs := validation.IsDNS1123Subdomain(t.NodeName); len(errs) > 0 {
			return t, nil, fmt.Errorf("%q: %q is not a node name: %s", id, t.NodeName, strings.Join(errs, "; "))
		}
	}
	var items []string
	for _, item := range strings.Split(rest, ",") {
		if item = strings.TrimSpace(item); item != "" {
			items = append(items, item)
		}
	}
	if len(items) == 0 {
		return t, nil, fmt.Errorf("%q lists nothing to import after the last ':'", id)
	}
	return t, items, nil
}

// Resolve returns the names of the target's nodes among nodes (sorted by name), and for
// the single-node form whether the node exists.
func (t Target) Resolve(nodes []*corev1.Node) (names []string, exists bool, err error) {
	if !t.IsFleet() {
		for _, n := range nodes {
			if n.Name == t.NodeName {
				return []string{t.NodeName}, true, nil
			}
		}
		return []string{t.NodeName}, false, nil
	}
	sel, err := labels.Parse(t.Selector)
	if err != nil {
		return nil, false, err
	}
	names = []string{}
	for _, n := range nodes {
		if sel.Matches(labels.Set(n.Labels)) {
			names = append(names, n.Name)
		}
	}
	sort.Strings(names)
	return names, true, nil
}
