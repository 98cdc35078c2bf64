package nodeops

import (
	"fmt"
	"sort"
	"strings"
)

// Tally counts, per item, which nodes carry which value: the fleet form's import reads every
// node of the selector, and nodes may disagree.
type Tally map[string]map[string][]string // item -> value -> nodes

// Add records that the node carries the item with the value.
func (t Tally) Add(item, value, node string) {
	if t[item] == nil {
		t[item] = map[string][]string{}
	}
	t[item][value] = append(t[item][value], node)
}

// Majority returns, per item, the value most nodes carry (on a tie the smallest, so the choice
// does not depend on the order of the nodes), and a text per item whose nodes disagree.
func (t Tally) Majority(what string) (map[string]string, []string) {
	values := map[string]string{}
	var disagree []string
	items := make([]string, 0, len(t))
	for item := range t {
		items = append(items, item)
	}
	sort.Strings(items)
	for _, item := range items {
		byValue := t[item]
		vals := make([]string, 0, len(byValue))
		for v := range byValue {
			vals = append(vals, v)
		}
		sort.SliceStable(vals, func(i, j int) bool {
			if len(byValue[vals[i]]) != len(byValue[vals[j]]) {
				return len(byValue[vals[i]]) > len(byValue[vals[j]])
			}
			return vals[i] < vals[j]
		})
		values[item] = vals[0]
		if len(vals) > 1 {
			disagree = append(disagree, disagreementText(what+" "+item, vals, byValue))
		}
	}
	return values, disagree
}

func disagreementText(item string, vals []string, byValue map[string][]string) string {
	others := make([]string, 0, len(vals)-1)
	for _, v := range vals[1:] {
		nodes := append([]string(nil), byValue[v]...)
		sort.Strings(nodes)
		others = append(others, fmt.Sprintf("%q on %d %s (%s)", v, len(nodes), plural(len(nodes), "node", "nodes"), limitList(nodes, 10)))
	}
	n := len(byValue[vals[0]])
	return fmt.Sprintf("%s is %q on %d %s and %s. The imported state holds %q, the value most nodes carry: a "+
		"configuration that says otherwise plans the change, and its apply sets every node; one that says %q leaves "+
		"the others as they are until the next plan, whose refresh shows them",
		item, vals[0], n, plural(n, "node", "nodes"), strings.Join(others, ", "), vals[0], vals[0])
}
