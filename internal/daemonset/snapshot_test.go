package daemonset

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodetable"
)

// fleet is n nodes shaped like a cloud fleet: a distinct hostname label on each, three zones,
// two instance types, and a tainted pool of every tenth node.
func fleet(n int, name func(int) string) []*corev1.Node {
	nodes := make([]*corev1.Node, n)
	for i := range nodes {
		nn := name(i)
		labels := map[string]string{
			"kubernetes.io/hostname": nn, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
			"topology.kubernetes.io/zone": fmt.Sprintf("zone-%c", 'a'+i%3), "node.kubernetes.io/instance-type": []string{"m5.large", "m5.xlarge"}[i%2],
		}
		var taints []corev1.Taint
		if i%10 == 0 {
			taints = []corev1.Taint{{Key: "dedicated", Value: "gpu", Effect: corev1.TaintEffectNoSchedule}}
		}
		nodes[i] = &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: nn, Labels: labels}, Spec: corev1.NodeSpec{Taints: taints}}
	}
	return nodes
}

// TestSnapshotEncodings measures the candidate encodings of the node facts at 5,000 nodes, in
// the bytes they add to a state file per node and DaemonSet (Terraform stores private state
// base64-encoded, so that is 4/3 of the JSON).
func TestSnapshotEncodings(t *testing.T) {
	const n = 5000
	for _, shape := range []struct {
		name   string
		nameOf func(int) string
	}{
		{"node-00001", func(i int) string { return fmt.Sprintf("node-%05d", i+1) }},
		{"ip-10-0-x-y.ec2.internal", func(i int) string { return fmt.Sprintf("ip-10-0-%d-%d.ec2.internal", i/250, i%250) }},
	} {
		nodes := fleet(n, shape.nameOf)
		type plainNode struct {
			Name   string            `json:"name"`
			Labels map[string]string `json:"labels"`
			Taints []string          `json:"taints,omitempty"`
		}
		var plain []plainNode
		for _, node := range nodes {
			pn := plainNode{Name: node.Name, Labels: node.Labels}
			for _, tt := range node.Spec.Taints {
				pn.Taints = append(pn.Taints, tt.ToString())
			}
			plain = append(plain, pn)
		}
		plainJSON, _ := json.Marshal(plain)
		table := nodetable.New(nodes)
		tableJSON, _ := json.Marshal(table)
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		_, _ = zw.Write(plainJSON)
		_ = zw.Close()
		plainGz := base64.StdEncoding.EncodeToString(gz.Bytes())
		tableGz, err := nodetable.Pack(table)
		if err != nil {
			t.Fatal(err)
		}
		perNode := func(jsonBytes int) float64 { return float64(jsonBytes) * 4 / 3 / n }
		t.Logf("%s names, %d nodes, bytes per node per DaemonSet in the state file: plain JSON %.1f; table JSON %.1f; gzip of plain JSON %.1f; gzip of table JSON %.1f (chosen)",
			shape.name, n, perNode(len(plainJSON)), perNode(len(tableJSON)), perNode(len(plainGz)+2), perNode(len(tableGz)+2))
		if perNode(len(tableGz)) > 8 {
			t.Errorf("the chosen encoding takes %.1f bytes per node", perNode(len(tableGz)))
		}
	}
}

type fakePrivate map[string][]byte

func (p fakePrivate) GetKey(_ context.Context, key string) ([]byte, diag.Diagnostics) {
	return p[key], nil
}
func (p fakePrivate) SetKey(_ context.Context, key string, value []byte) diag.Diagnostics {
	if len(value) == 0 {
		delete(p, key)
	} else {
		p[key] = value
	}
	return nil
}

func TestSnapshotSaveLoad(t *testing.T) {
	ctx := context.Background()
	nodes := fleet(10, func(i int) string { return fmt.Sprintf("n%d", i) })
	ds := fluentdDaemonSet()
	ds.Spec.Template.Spec.Tolerations = []corev1.Toleration{{Key: "dedicated", Operator: corev1.TolerationOpExists}}
	ds.ManagedFields = []metav1.ManagedFieldsEntry{managed("other", `{"f:spec":{"f:template":{"f:spec":{"f:tolerations":{}}}}}`),
		managed(DefaultFieldManager, `{"f:spec":{"f:template":{"f:spec":{"f:containers":{}}}}}`)}
	p := fakePrivate{}
	if d := saveSnapshot(ctx, p, &kube.NodeList{Nodes: nodes}, ds, DefaultFieldManager, nil); d.HasError() {
		t.Fatal(d)
	}
	snap, d := loadSnapshot(ctx, p)
	if d.HasError() || snap == nil {
		t.Fatal(d)
	}
	if len(snap.nodes) != 10 || snap.nodes[3].Labels["kubernetes.io/hostname"] != "n3" {
		t.Fatalf("nodes %v", snap.nodes[3])
	}
	if !reflect.DeepEqual(snap.others.Tolerations, ds.Spec.Template.Spec.Tolerations) || !reflect.DeepEqual(snap.live.Tolerations, ds.Spec.Template.Spec.Tolerations) {
		t.Fatalf("others %+v live %+v", snap.others, snap.live)
	}
	// Another layout version is ignored, not misread.
	p[privateSnapshot] = []byte(`{"v":2}`)
	if snap, _ := loadSnapshot(ctx, p); snap != nil {
		t.Fatal("a snapshot of version 2 was read")
	}
}

func managed(manager, fields string) metav1.ManagedFieldsEntry {
	return metav1.ManagedFieldsEntry{Manager: manager, Operation: metav1.ManagedFieldsOperationApply, APIVersion: "apps/v1",
		FieldsType: "FieldsV1", FieldsV1: metav1.NewFieldsV1(fields)}
}

func TestPlacementOver(t *testing.T) {
	others := placementFields{Tolerations: []corev1.Toleration{{Key: "a"}}, NodeSelector: map[string]string{"x": "y"}}
	got := others.over(&corev1.PodSpec{Tolerations: []corev1.Toleration{{Key: "b"}}})
	if !reflect.DeepEqual(got.Tolerations, []corev1.Toleration{{Key: "b"}}) || got.NodeSelector["x"] != "y" {
		t.Fatalf("%+v", got)
	}
	got = others.over(&corev1.PodSpec{})
	if !reflect.DeepEqual(got, others) {
		t.Fatalf("%+v", got)
	}
}

func TestUpgradeV0JSON(t *testing.T) {
	in := `{"id":"kube-system/f","expected_pod_count":3,"expected_pods":{"a":1,"b":1,"c":1,"m1":0,"m2":0},` +
		`"excluded_nodes":{"m1":"taint t:NoSchedule is not tolerated","m2":"taint t:NoSchedule is not tolerated"},"spec":{"x":1}}`
	out, err := upgradeV0JSON([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	_ = json.Unmarshal(out, &got)
	want := map[string]any{"id": "kube-system/f", "expected_pod_count": 3.0, "spec": map[string]any{"x": 1.0},
		"placement_changes": map[string]any{}, "excluded_node_counts": map[string]any{"taint t:NoSchedule is not tolerated": 2.0}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v\nwant %v", got, want)
	}
	off, _ := upgradeV0JSON([]byte(`{"id":"a/b","expected_pod_count":null,"expected_pods":null,"excluded_nodes":null}`))
	if string(off) != `{"excluded_node_counts":null,"expected_pod_count":null,"id":"a/b","placement_changes":null}` {
		t.Fatalf("prediction off: %s", off)
	}
}

// TestUpgradeV0JSON_fleet upgrades a version 0 state of a DaemonSet pinned to one of 5,000
// nodes (the benchmark's largest: both maps full) and reports the time it takes.
func TestUpgradeV0JSON_fleet(t *testing.T) {
	pods, excluded := map[string]int{}, map[string]string{}
	for i := 1; i <= 5000; i++ {
		node := fmt.Sprintf("node-%05d", i)
		pods[node] = 0
		excluded[node] = "node selector does not match (kubernetes.io/hostname=node-00001)"
	}
	pods["node-00001"] = 1
	delete(excluded, "node-00001")
	in, _ := json.Marshal(map[string]any{"id": "default/agent-00", "expected_pod_count": 1, "expected_pods": pods, "excluded_nodes": excluded,
		"status": map[string]int{"desired_number_scheduled": 1}})
	start := time.Now()
	out, err := upgradeV0JSON(in)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("upgraded a %d-byte state to %d bytes in %s", len(in), len(out), time.Since(start))
	want := `{"excluded_node_counts":{"node selector does not match (kubernetes.io/hostname=node-00001)":4999},"expected_pod_count":1,"id":"default/agent-00","placement_changes":{}}`
	if string(out) != want {
		t.Fatalf("got %s", out)
	}
}
