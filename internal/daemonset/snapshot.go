package daemonset

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	appsv1ac "k8s.io/client-go/applyconfigurations/apps/v1"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
)

// privateSnapshot is the private-state key of what a refresh read for the plans after it,
// so that a plan, and the re-plan during apply of a saved plan, predict from the same facts
// whatever the cluster did in between (the API server may no longer serve the refresh's
// resource version). Terraform stores private state as one opaque value and never walks it.
//
// Layout, version 1 (JSON):
//
//	{"v": 1,
//	 "nodes":  "<base64 of gzip of the node table>",
//	 "live":   {placement fields of the live pod template},
//	 "others": {placement fields that field managers other than ours own}}
//
// Placement fields are what the DaemonSet controller reads of a template: nodeName,
// nodeSelector, required node affinity, tolerations, hostNetwork (Kubernetes JSON names).
// The node table holds what it reads of a node (name, labels, taints) in parallel arrays:
//
//	{"names": [node names, sorted],
//	 "ls": [label set index per node], "labels": [[key, value, key, value, ...], ...],
//	 "ts": [taint set index per node], "taints": [["key=value:Effect", ...], ...]}
//
// A label value "=" stands for the node's own name ("=" is never a valid label value), so
// that kubernetes.io/hostname, distinct on every node, does not make every label set unique.
// A reader meeting another "v" ignores the snapshot and plans as without one.
const privateSnapshot = "placement"

const snapshotVersion = 1

type snapshotJSON struct {
	V      int             `json:"v"`
	Nodes  string          `json:"nodes"`
	Live   placementFields `json:"live"`
	Others placementFields `json:"others"`
}

// placementFields are the fields of a pod template that decide placement.
type placementFields struct {
	NodeName     string               `json:"nodeName,omitempty"`
	NodeSelector map[string]string    `json:"nodeSelector,omitempty"`
	Required     *corev1.NodeSelector `json:"required,omitempty"`
	Tolerations  []corev1.Toleration  `json:"tolerations,omitempty"`
	HostNetwork  bool                 `json:"hostNetwork,omitempty"`
}

func placementOf(spec *corev1.PodSpec) placementFields {
	p := placementFields{NodeName: spec.NodeName, NodeSelector: spec.NodeSelector, Tolerations: spec.Tolerations, HostNetwork: spec.HostNetwork}
	if a := spec.Affinity; a != nil && a.NodeAffinity != nil {
		p.Required = a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution
	}
	return p
}

// over returns the fields as the API server will store them after our apply of spec: each
// field our configuration sets replaces the field of the other managers (tolerations, the
// node selector and the required affinity's terms are atomic in a server-side apply).
func (base placementFields) over(spec *corev1.PodSpec) placementFields {
	ours := placementOf(spec)
	out := base
	if ours.NodeName != "" {
		out.NodeName = ours.NodeName
	}
	if ours.NodeSelector != nil {
		out.NodeSelector = ours.NodeSelector
	}
	if ours.Required != nil {
		out.Required = ours.Required
	}
	if ours.Tolerations != nil {
		out.Tolerations = ours.Tolerations
	}
	out.HostNetwork = out.HostNetwork || ours.HostNetwork
	return out
}

func (p placementFields) podSpec() *corev1.PodSpec {
	spec := &corev1.PodSpec{NodeName: p.NodeName, NodeSelector: p.NodeSelector, Tolerations: p.Tolerations, HostNetwork: p.HostNetwork}
	if p.Required != nil {
		spec.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: p.Required}}
	}
	return spec
}

// snapshot is a decoded private snapshot.
type snapshot struct {
	nodes        []*corev1.Node
	live, others placementFields
}

// othersPlacement reads the placement fields that managers other than ours own in ds.
func othersPlacement(ds *appsv1.DaemonSet, manager string) (placementFields, error) {
	union := &fieldpath.Set{}
	for _, e := range ds.ManagedFields {
		if e.Manager == manager || e.Subresource != "" || e.FieldsV1 == nil {
			continue
		}
		s := &fieldpath.Set{}
		if err := s.FromJSON(bytes.NewReader(e.FieldsV1.GetRawBytes())); err != nil {
			return placementFields{}, fmt.Errorf("managed fields of %s: %w", e.Manager, err)
		}
		union = union.Union(s)
	}
	if union.Empty() {
		return placementFields{}, nil
	}
	fields, err := union.ToJSON()
	if err != nil {
		return placementFields{}, err
	}
	src := ds.DeepCopy()
	src.ManagedFields = []metav1.ManagedFieldsEntry{{
		Manager: importManager, Operation: metav1.ManagedFieldsOperationApply, APIVersion: "apps/v1",
		FieldsType: "FieldsV1", FieldsV1: metav1.NewFieldsV1(string(fields)),
	}}
	ac, err := appsv1ac.ExtractDaemonSet(src, importManager)
	if err != nil {
		return placementFields{}, err
	}
	raw, err := json.Marshal(ac)
	if err != nil {
		return placementFields{}, err
	}
	var typed appsv1.DaemonSet
	if err := json.Unmarshal(raw, &typed); err != nil {
		return placementFields{}, err
	}
	return placementOf(&typed.Spec.Template.Spec), nil
}

// saveSnapshot records the nodes and the live DaemonSet's placement fields for later plans.
func saveSnapshot(ctx context.Context, p privateSetter, list *kube.NodeList, ds *appsv1.DaemonSet, manager string) diag.Diagnostics {
	var diags diag.Diagnostics
	others, err := othersPlacement(ds, manager)
	if err != nil {
		diags.AddError("Cannot read the DaemonSet's field owners", err.Error())
		return diags
	}
	nodes, err := encodedNodes(list)
	if err != nil {
		diags.AddError("Cannot encode the node snapshot", err.Error())
		return diags
	}
	raw, err := json.Marshal(snapshotJSON{V: snapshotVersion, Nodes: nodes, Live: placementOf(&ds.Spec.Template.Spec), Others: others})
	if err != nil {
		diags.AddError("Cannot encode the node snapshot", err.Error())
		return diags
	}
	return p.SetKey(ctx, privateSnapshot, raw)
}

// loadSnapshot reads the snapshot; nil when there is none or it has another version.
func loadSnapshot(ctx context.Context, p privateGetter) (*snapshot, diag.Diagnostics) {
	raw, diags := p.GetKey(ctx, privateSnapshot)
	if diags.HasError() || len(raw) == 0 {
		return nil, diags
	}
	var s snapshotJSON
	if err := json.Unmarshal(raw, &s); err != nil || s.V != snapshotVersion {
		return nil, diags
	}
	nodes, err := decodedNodes(s.Nodes)
	if err != nil {
		diags.AddError("Unreadable private state", "the node snapshot of this DaemonSet cannot be decoded ("+err.Error()+
			"); run terraform refresh (or a plan without -refresh=false) to take a new one")
		return nil, diags
	}
	return &snapshot{nodes: nodes, live: s.Live, others: s.Others}, diags
}

type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// nodeTable is the node snapshot's inner layout (see privateSnapshot).
type nodeTable struct {
	Names     []string   `json:"names"`
	LabelSets []int      `json:"ls"`
	Labels    [][]string `json:"labels"`
	TaintSets []int      `json:"ts"`
	Taints    [][]string `json:"taints"`
}

// ownName is the label value that stands for the node's name.
const ownName = "="

func newNodeTable(nodes []*corev1.Node) nodeTable {
	t := nodeTable{Names: make([]string, len(nodes)), LabelSets: make([]int, len(nodes)), TaintSets: make([]int, len(nodes))}
	labelIndex, taintIndex := map[string]int{}, map[string]int{}
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
		t.LabelSets[i] = intern(labelIndex, &t.Labels, pairs)
		taints := make([]string, len(n.Spec.Taints))
		for j := range n.Spec.Taints {
			taints[j] = n.Spec.Taints[j].ToString()
		}
		t.TaintSets[i] = intern(taintIndex, &t.Taints, taints)
	}
	return t
}

func intern(index map[string]int, sets *[][]string, set []string) int {
	key := strings.Join(set, "\x00")
	if i, ok := index[key]; ok {
		return i
	}
	index[key] = len(*sets)
	*sets = append(*sets, set)
	return len(*sets) - 1
}

func (t nodeTable) nodes() ([]*corev1.Node, error) {
	if len(t.LabelSets) != len(t.Names) || len(t.TaintSets) != len(t.Names) {
		return nil, fmt.Errorf("node table has %d names, %d label sets and %d taint sets", len(t.Names), len(t.LabelSets), len(t.TaintSets))
	}
	taintSets := make([][]corev1.Taint, len(t.Taints))
	for i, set := range t.Taints {
		for _, s := range set {
			taint, err := parseTaint(s)
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

// parseTaint reads "key=value:Effect" or "key:Effect" (Taint.ToString); keys and values never
// hold "=" or ":" after the key's optional prefix, and effects never hold ":".
func parseTaint(s string) (corev1.Taint, error) {
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

// The node table of one list is the same for every DaemonSet refreshed in a process: it is
// encoded once, and the last one decoded is kept for the plans that follow.
var (
	codecMu     sync.Mutex
	encodedList *kube.NodeList
	encodedRaw  string
	decodedRaw  string
	decodedList []*corev1.Node
)

func encodedNodes(list *kube.NodeList) (string, error) {
	codecMu.Lock()
	defer codecMu.Unlock()
	if list == encodedList {
		return encodedRaw, nil
	}
	raw, err := encodeNodeTable(newNodeTable(list.Nodes))
	if err != nil {
		return "", err
	}
	encodedList, encodedRaw = list, raw
	return raw, nil
}

func decodedNodes(raw string) ([]*corev1.Node, error) {
	codecMu.Lock()
	defer codecMu.Unlock()
	if raw == decodedRaw && decodedList != nil {
		return decodedList, nil
	}
	t, err := decodeNodeTable(raw)
	if err != nil {
		return nil, err
	}
	nodes, err := t.nodes()
	if err != nil {
		return nil, err
	}
	decodedRaw, decodedList = raw, nodes
	return nodes, nil
}

func encodeNodeTable(t nodeTable) (string, error) {
	plain, err := json.Marshal(t)
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

func decodeNodeTable(raw string) (nodeTable, error) {
	var t nodeTable
	compressed, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		return t, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(compressed))
	if err != nil {
		return t, err
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		return t, err
	}
	return t, json.Unmarshal(plain, &t)
}
