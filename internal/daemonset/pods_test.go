package daemonset

import (
	"context"
	"reflect"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/placement"
)

// TestPodsFromStatus: the refresh reads pods only when the status cannot say where they run.
func TestPodsFromStatus(t *testing.T) {
	settled := appsv1.DaemonSetStatus{ObservedGeneration: 2, DesiredNumberScheduled: 3, CurrentNumberScheduled: 3, UpdatedNumberScheduled: 3}
	tests := []struct {
		name    string
		edit    func(*appsv1.DaemonSetStatus)
		desired int
		want    kube.PodsByStatus
	}{
		{"settled", func(*appsv1.DaemonSetStatus) {}, 3, kube.RuleHolds},
		{"nothing desired, nothing runs", func(s *appsv1.DaemonSetStatus) { *s = appsv1.DaemonSetStatus{ObservedGeneration: 2} }, 0, kube.RuleHolds},
		{"no pod could be made", func(s *appsv1.DaemonSetStatus) { s.CurrentNumberScheduled, s.UpdatedNumberScheduled = 0, 0 }, 3, kube.NoPods},
		{"a pod kept where it would not be placed", func(s *appsv1.DaemonSetStatus) { s.NumberMisscheduled = 1 }, 3, kube.ReadPods},
		{"only kept pods", func(s *appsv1.DaemonSetStatus) {
			s.CurrentNumberScheduled, s.UpdatedNumberScheduled, s.NumberMisscheduled = 0, 0, 2
		}, 3, kube.ReadPods},
		{"pods of an older template", func(s *appsv1.DaemonSetStatus) { s.UpdatedNumberScheduled = 1 }, 3, kube.ReadPods},
		{"a pod missing", func(s *appsv1.DaemonSetStatus) { s.CurrentNumberScheduled = 2 }, 3, kube.ReadPods},
		{"status behind the generation", func(s *appsv1.DaemonSetStatus) { s.ObservedGeneration = 1 }, 3, kube.ReadPods},
		{"status behind the nodes", func(*appsv1.DaemonSetStatus) {}, 4, kube.ReadPods},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			ds := &appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Generation: 2}, Status: settled}
			test.edit(&ds.Status)
			if got := kube.PodsFromStatus(ds, test.desired); got != test.want {
				t.Errorf("PodsFromStatus = %v, want %v", got, test.want)
			}
		})
	}
}

// TestSnapshotPods: the pods and the strategy survive the private snapshot; without them the
// snapshot reads as pods where the rule says, RollingUpdate.
func TestSnapshotPods(t *testing.T) {
	ctx := context.Background()
	ds := &appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "agent"}}
	ds.Spec.UpdateStrategy.Type = appsv1.OnDeleteDaemonSetStrategyType
	nodes := nodeObjects(demoNodes(3))
	running := placement.Running{"k8s-01": placement.CurrentPod, "k8s-02": placement.OldPod}
	for _, test := range []struct {
		running  placement.Running
		strategy placement.Strategy
	}{{running, placement.OnDelete}, {nil, placement.RollingUpdate}} {
		p := fakePrivate{}
		if test.strategy == placement.RollingUpdate {
			ds.Spec.UpdateStrategy.Type = appsv1.RollingUpdateDaemonSetStrategyType
		}
		if d := saveSnapshot(ctx, p, &kube.NodeList{Nodes: nodes}, ds, DefaultFieldManager, test.running); d.HasError() {
			t.Fatal(d)
		}
		snap, d := loadSnapshot(ctx, p)
		if d.HasError() || snap == nil {
			t.Fatalf("load: %v", d)
		}
		if !reflect.DeepEqual(snap.running, test.running) || snap.strategy != test.strategy {
			t.Errorf("running %v strategy %v, want %v %v", snap.running, snap.strategy, test.running, test.strategy)
		}
	}
}
