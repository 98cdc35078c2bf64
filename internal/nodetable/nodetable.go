// Package nodetable is the compact form in which a refresh keeps node facts (names, labels,
// taints: what the DaemonSet controller reads of a node) and other plan inputs in private
// state, so that a plan, and the re-plan during apply of a saved plan, are a pure function of
// what the refresh saw. Terraform stores private state as one opaque value and never walks it.
//
// The node table holds the nodes in parallel arrays:
//
//	{"names": [node names, sorted],
//	 "ls": [label set index per node], "labels": [[key, value, key, value, ...], ...],
//	 "ts": [taint set index per node], "taints": [["key=value:Effect", ...], ...]}
//
// A label value "=" stands for the node's own name ("=" is never a valid label value), so
// that kubernetes.io/hostname, distinct on every node, does not make every label set unique.
// Encoded, the table is base64 of gzip of its JSON.
package nodetable

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Table is the node table's layout.
type Table struct {
	Names     []string   `json:"names"`
	LabelSets []int      `json:"ls"`
	Labels    [][]string `json:"labels"`
	TaintSets []int      `json:"ts"`
	Taints    [][]string `json:"taints"`
}

// ownName is the label value that stands for the node's name.
const ownName = "="

// New builds the table of nodes, in their order.
func New(nodes []*corev1.Node) Table {
	t := Table{Names: make([]string, len(nodes)), LabelSets: make([]int, len(nodes)), TaintSets: make([]int, len(nodes))}
	labels, taints := Sets{}, Sets{}
	for i, n := range nodes {
		t.Names[i] = n.Name
		keys := make([]string, 0, len(n.Labels))
		for k := range n.Labels {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		pairs := make([]string, 0, 2*len(keys))
		for _, k := range keys {
			v := n.Labels[k]
			if v == n.Name {
				v = ownName
			}
			pairs = append(pairs, k, v)
		}
		t.LabelSets[i] = labels.Intern(pairs)
		ts := make([]string, len(n.Spec.Taints))
		for j := range n.Spec.Taints {
			ts[j] = n.Spec.Taints[j].ToString()
		}
		t.TaintSets[i] = taints.Intern(ts)
	}
	t.Labels, t.Taints = labels.List(), taints.List()
	return t
}

// Sets interns string sets: equal sets share one index.
type Sets struct {
	index map[string]int
	sets  [][]string
}

// Intern returns the index of set, adding it when new.
func (s *Sets) Intern(set []string) int {
	if s.index == nil {
		s.index = map[string]int{}
	}
	key := strings.Join(set, "\x00")
	if i, ok := s.index[key]; ok {
		return i
	}
	s.index[key] = len(s.sets)
	s.sets = append(s.sets, set)
	return len(s.sets) - 1
}

// List returns the sets by index; never nil.
func (s *Sets) List() [][]string {
	if s.sets == nil {
		return [][]string{}
	}
	return s.sets
}

// Nodes rebuilds the nodes of the table: name, labels and taints only.
func (t Table) Nodes() ([]*corev1.Node, error) {
	if len(t.LabelSets) != len(t.Names) || len(t.TaintSets) != len(t.Names) {
		return nil, fmt.Errorf("node table has %d names, %d label sets and %d taint sets", len(t.Names), len(t.LabelSets), len(t.TaintSets))
	}
	taintSets := make([][]corev1.Taint, len(t.Taints))
	for i, set := range t.Taints {
		for _, s := range set {
			taint, err := ParseTaint(s)
			if err != nil {
				return nil, err
			}
			taintSets[i] = append(taintSets[i], taint)
		}
	}
	out := make([]*corev1.Node, len(t.Names))
	for i, name := range t.Names {
		ls, ts := t.LabelSets[i], t.TaintSets[i]
		if ls < 0 || ls >= len(t.Labels) || ts < 0 || ts >= len(taintSets) {
			return nil, fmt.Errorf("node %s refers to a missing label or taint set", name)
		}
		pairs := t.Labels[ls]
		labels := make(map[string]string, len(pairs)/2)
		for j := 0; j+1 < len(pairs); j += 2 {
			v := pairs[j+1]
			if v == ownName {
				v = name
			}
			labels[pairs[j]] = v
		}
		out[i] = &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}, Spec: corev1.NodeSpec{Taints: taintSets[ts]}}
	}
	return out, nil
}

// ParseTaint reads "key=value:Effect" or "key:Effect" (Taint.ToString); keys and values never
// hold "=" or ":" after the key's optional prefix, and effects never hold ":".
func ParseTaint(s string) (corev1.Taint, error) {
	i := strings.LastIndex(s, ":")
	if i < 0 {
		return corev1.Taint{}, fmt.Errorf("taint %q has no effect", s)
	}
	t := corev1.Taint{Key: s[:i], Effect: corev1.TaintEffect(s[i+1:])}
	if k, v, ok := strings.Cut(t.Key, "="); ok {
		t.Key, t.Value = k, v
	}
	return t, nil
}

// The table of one list is the same for every resource refreshed in a process: it is encoded
// once, and the last one decoded is kept for the plans that follow.
var (
	codecMu     sync.Mutex
	encodedList listID
	encodedRaw  string
	decodedRaw  string
	decodedList []*corev1.Node
)

// listID tells node lists apart by their backing array: a list is never changed once made
// (the node cache copies it to merge writes).
type listID struct {
	first **corev1.Node
	n     int
}

// EncodeList encodes the table of a node list of the node cache, once per list.
func EncodeList(nodes []*corev1.Node) (string, error) {
	codecMu.Lock()
	defer codecMu.Unlock()
	id := listID{n: len(nodes)}
	if len(nodes) > 0 {
		id.first = &nodes[0]
	}
	if id.first != nil && id == encodedList {
		return encodedRaw, nil
	}
	raw, err := Pack(New(nodes))
	if err != nil {
		return "", err
	}
	encodedList, encodedRaw = id, raw
	return raw, nil
}

// Encode encodes the table of nodes.
func Encode(nodes []*corev1.Node) (string, error) { return Pack(New(nodes)) }

// Decode reads an encoded table back into nodes. Callers share the nodes: never change them.
func Decode(raw string) ([]*corev1.Node, error) {
	codecMu.Lock()
	defer codecMu.Unlock()
	if raw == decodedRaw && decodedList != nil {
		return decodedList, nil
	}
	var t Table
	if err := Unpack(raw, &t); err != nil {
		return nil, err
	}
	nodes, err := t.Nodes()
	if err != nil {
		return nil, err
	}
	decodedRaw, decodedList = raw, nodes
	return nodes, nil
}

// Pack encodes v as base64 of gzip of its JSON.
func Pack(v any) (string, error) {
	plain, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return "", err
	}
	if _, err := zw.Write(plain); err != nil {
		return "", err
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

// Unpack decodes what Pack encoded into v.
func Unpack(raw string, v any) error {
	compressed, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		return err
	}
	zr, err := gzip.NewReader(bytes.NewReader(compressed))
	if err != nil {
		return err
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		return err
	}
	return json.Unmarshal(plain, v)
}
