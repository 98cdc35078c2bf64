package nodefield

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodeops"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/samerun"
)

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

func fleet(n int) *kube.NodeList {
	list := &kube.NodeList{ResourceVersion: "1"}
	for i := range n {
		name := fmt.Sprintf("ip-10-0-%d-%d.ec2.internal", i/250, i%250)
		labels := map[string]string{"kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
			"topology.kubernetes.io/zone": fmt.Sprintf("zone-%c", 'a'+i%3), "pool": "workers", "logger": "fluentd"}
		var taints []corev1.Taint
		if i%10 == 0 {
			taints = []corev1.Taint{{Key: "dedicated", Value: "gpu", Effect: corev1.TaintEffectNoSchedule}}
		}
		list.Nodes = append(list.Nodes, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}, Spec: corev1.NodeSpec{Taints: taints}})
	}
	return list
}

func daemonSets(n int) []appsv1.DaemonSet {
	out := make([]appsv1.DaemonSet, n)
	for i := range out {
		spec := corev1.PodSpec{Tolerations: []corev1.Toleration{{Operator: corev1.TolerationOpExists}}}
		if i%4 == 0 {
			spec = corev1.PodSpec{NodeSelector: map[string]string{"logger": "fluentd"}}
		}
		out[i] = appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: fmt.Sprintf("agent-%02d", i)},
			Spec: appsv1.DaemonSetSpec{Template: corev1.PodTemplateSpec{Spec: spec}}}
	}
	return out
}

// TestSnapshotRoundTrip: what a refresh saves is what the plan reads, the old key goes, and
// the snapshot covers a target only when it holds the nodes that target needs.
func TestSnapshotRoundTrip(t *testing.T) {
	ctx := context.Background()
	list := fleet(100)
	dss := daemonSets(3)
	cs := fake.NewClientset(&dss[0], &dss[1], &dss[2])
	c := kube.FromClientset(cs, kube.Options{PredictPlacement: true})
	p := fakePrivate{privateNodesRV: []byte(`"42"`)}
	releases := map[string][]string{list.Nodes[3].Name: {"logger"}}
	if diags := saveSnapshot(ctx, c, p, list, nil, releases, true); diags.HasError() {
		t.Fatal(diags)
	}
	if _, ok := p[privateNodesRV]; ok {
		t.Error("the refresh kept the old nodes_rv key")
	}
	snap, diags := loadSnapshot(ctx, p)
	if diags.HasError() || snap == nil {
		t.Fatalf("load: %v %v", snap, diags)
	}
	if len(snap.nodes) != 100 || !reflect.DeepEqual(snap.nodes[7].Labels, list.Nodes[7].Labels) || !reflect.DeepEqual(snap.nodes[0].Spec.Taints, list.Nodes[0].Spec.Taints) {
		t.Errorf("nodes differ: %+v", snap.nodes[7])
	}
	if !reflect.DeepEqual(snap.releases, releases) {
		t.Errorf("releases: %v, want %v", snap.releases, releases)
	}
	if !reflect.DeepEqual(snap.daemonSets, samerun.Placements(dss)) {
		t.Errorf("daemonsets: %+v", snap.daemonSets)
	}
	fleetTarget := nodeops.Target{Selector: "pool=workers"}
	one := nodeops.Target{NodeName: list.Nodes[0].Name}
	prior := &Base{NodeName: types.StringValue(list.Nodes[0].Name)}
	if !snap.covers(fleetTarget, &Base{}) || !snap.covers(one, prior) {
		t.Error("a full snapshot does not cover")
	}
	if diags := saveSnapshot(ctx, kube.FromClientset(cs, kube.Options{}), p, list, []string{list.Nodes[0].Name}, nil, true); diags.HasError() {
		t.Fatal(diags)
	}
	snap, _ = loadSnapshot(ctx, p)
	if snap.covers(fleetTarget, &Base{}) || !snap.covers(one, prior) || snap.covers(nodeops.Target{NodeName: "other"}, prior) {
		t.Error("a single-node snapshot covers the wrong targets")
	}
	if len(snap.nodes) != 1 || snap.daemonSets != nil {
		t.Errorf("single-node snapshot: %d nodes, daemonsets %v (prediction off)", len(snap.nodes), snap.daemonSets)
	}
	p[privateSnapshot] = []byte(`{"v":2}`)
	if snap, _ := loadSnapshot(ctx, p); snap != nil {
		t.Error("a snapshot of another version is read")
	}
}

// TestSnapshotSize logs what the fleet form's snapshot adds to a state file at 5,000 nodes
// (Terraform stores private state base64-encoded: 4/3 of the bytes) with 20 DaemonSets.
func TestSnapshotSize(t *testing.T) {
	ctx := context.Background()
	const n = 5000
	list := fleet(n)
	dss := daemonSets(20)
	cs := fake.NewClientset()
	for i := range dss {
		if _, err := cs.AppsV1().DaemonSets("kube-system").Create(ctx, &dss[i], metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	releases := map[string][]string{}
	for _, node := range list.Nodes {
		releases[node.Name] = []string{"team"}
	}
	p := fakePrivate{}
	if diags := saveSnapshot(ctx, kube.FromClientset(cs, kube.Options{PredictPlacement: true}), p, list, nil, releases, true); diags.HasError() {
		t.Fatal(diags)
	}
	size := len(p[privateSnapshot]) * 4 / 3
	t.Logf("fleet-form snapshot at %d nodes and %d DaemonSets: %d bytes in the state file, %.1f bytes per node", n, len(dss), size, float64(size)/n)
	if size > 16*n {
		t.Errorf("the snapshot takes %d bytes, more than 16 per node", size)
	}
}
