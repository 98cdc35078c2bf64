package scheduling

import (
	"encoding/json"
	"fmt"
)

// Table is the usage of many nodes in the form private state keeps it: nodes of one instance type share
// their allocatable, and pods of one shape (a Deployment's replicas, a DaemonSet's pods) share their
// group, so each is written once:
//
//	{"a": [distinct allocatables], "g": [distinct pod groups],
//	 "n": [[allocatable index, group index, ...] per node]}
//
// In a node's list, -k before a group index stands for k pods of that group in a row.
type Table struct {
	Allocatable []Capacity `json:"a"`
	Groups      []PodGroup `json:"g"`
	Nodes       [][]int    `json:"n"`
}

// Capacity is a node's allocatable, "pods" included.
type Capacity struct {
	Resources Resources `json:"r,omitzero"`
	Pods      int64     `json:"n,omitempty"`
}

// NewTable is the table of usages, in their order.
func NewTable(usages []NodeUsage) Table {
	t := Table{Nodes: make([][]int, len(usages))}
	capacities, groups := map[string]int{}, map[string]int{}
	intern := func(index map[string]int, v any, add func()) int {
		key, _ := json.Marshal(v) // plain structs of numbers, strings and maps: never fails
		i, ok := index[string(key)]
		if !ok {
			i = len(index)
			index[string(key)] = i
			add()
		}
		return i
	}
	for n, u := range usages {
		c := Capacity{Resources: u.Allocatable, Pods: u.AllowedPods}
		row := []int{intern(capacities, c, func() { t.Allocatable = append(t.Allocatable, c) })}
		for _, g := range u.Pods {
			one := PodGroup{Priority: g.Priority, Count: 1, Requests: g.Requests, Ports: g.Ports}
			i := intern(groups, one, func() { t.Groups = append(t.Groups, one) })
			if k := len(row); k > 1 && row[k-1] == i {
				// Neighbouring groups of one shape: count them together.
				if k > 2 && row[k-2] < 0 {
					row[k-2] -= g.Count
				} else {
					row = append(row[:k-1], -1-g.Count, i)
				}
				continue
			}
			if g.Count > 1 {
				row = append(row, -g.Count)
			}
			row = append(row, i)
		}
		t.Nodes[n] = row
	}
	return t
}

// Usages reads the table back, one usage per node in the order NewTable was given them.
func (t Table) Usages() ([]NodeUsage, error) {
	usages := make([]NodeUsage, len(t.Nodes))
	for n, row := range t.Nodes {
		if len(row) == 0 || row[0] < 0 || row[0] >= len(t.Allocatable) {
			return nil, fmt.Errorf("usage table: node %d has no valid allocatable index", n)
		}
		c := t.Allocatable[row[0]]
		u := NodeUsage{Allocatable: c.Resources, AllowedPods: c.Pods}
		count := 1
		for _, v := range row[1:] {
			if v < 0 {
				count = -v
				continue
			}
			if v >= len(t.Groups) {
				return nil, fmt.Errorf("usage table: node %d refers to pod group %d of %d", n, v, len(t.Groups))
			}
			g := t.Groups[v]
			g.Count = count
			u.Pods = append(u.Pods, g)
			count = 1
		}
		usages[n] = u
	}
	return usages, nil
}
