package nodetaint

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodeops"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/taintid"
)

// TestWriteLosesNothingOnConflict: another client writes between our read and our patch;
// the patch fails on the resourceVersion it carries, we read again, and both sides' taints
// survive.
func TestWriteLosesNothingOnConflict(t *testing.T) {
	theirs := corev1.Taint{Key: "theirs", Value: "x", Effect: corev1.TaintEffectNoSchedule}
	ours := corev1.Taint{Key: "gpu", Value: "true", Effect: corev1.TaintEffectNoExecute}
	node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "k8s-01", ResourceVersion: "1"}}
	cs := fake.NewClientset(node)
	raced := false
	cs.PrependReactor("patch", "nodes", func(a k8stesting.Action) (bool, runtime.Object, error) {
		patch, _ := a.(k8stesting.PatchAction)
		if raced || patch == nil {
			return false, nil, nil
		}
		var sent struct {
			Metadata struct {
				ResourceVersion string `json:"resourceVersion"`
			} `json:"metadata"`
		}
		if err := json.Unmarshal(patch.GetPatch(), &sent); err != nil {
			t.Fatal(err)
		}
		raced = true
		// The other writer gets in first; our update, based on the old read, must not win.
		live, _ := cs.Tracker().Get(schema.GroupVersionResource{Version: "v1", Resource: "nodes"}, "", "k8s-01")
		n, _ := live.(*corev1.Node)
		n = n.DeepCopy()
		n.Spec.Taints = append(n.Spec.Taints, theirs)
		n.ResourceVersion = "2"
		if err := cs.Tracker().Update(schema.GroupVersionResource{Version: "v1", Resource: "nodes"}, n, ""); err != nil {
			t.Fatal(err)
		}
		if sent.Metadata.ResourceVersion != "1" {
			t.Errorf("patch sent resourceVersion %q, want the one read", sent.Metadata.ResourceVersion)
		}
		return true, nil, apierrors.NewConflict(schema.GroupResource{Resource: "nodes"}, "k8s-01", errors.New("the object has been modified"))
	})
	w := &writer{client: kube.FromClientset(cs, kube.Options{}), want: []corev1.Taint{ours}, owned: nodeops.Ownership{}}
	owned, err := w.Set(context.Background(), "k8s-01", node.DeepCopy())
	if err != nil {
		t.Fatal(err)
	}
	if len(owned.Items) != 1 || owned.Items[0] != "gpu:NoExecute" {
		t.Errorf("owned %v", owned)
	}
	got, _ := cs.CoreV1().Nodes().Get(context.Background(), "k8s-01", metav1.GetOptions{})
	if _, ok := nodeops.FindTaint(got.Spec.Taints, taintid.Of(theirs)); !ok {
		t.Errorf("the other writer's taint was lost: %v", got.Spec.Taints)
	}
	if _, ok := nodeops.FindTaint(got.Spec.Taints, taintid.Of(ours)); !ok {
		t.Errorf("our taint was lost: %v", got.Spec.Taints)
	}
	if !raced {
		t.Error("the race was not staged")
	}
}

// TestOwnedOnJudgesByMark: a taint whose value or timeAdded is no longer what the record
// marks was set again by someone else and is not ours; a node still at the recorded
// resourceVersion, or a taint without a mark, is judged by identity.
func TestOwnedOnJudgesByMark(t *testing.T) {
	at := metav1.NewTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	later := metav1.NewTime(at.Add(time.Minute))
	ours := corev1.Taint{Key: "own", Value: "ours", Effect: corev1.TaintEffectPreferNoSchedule}
	evict := corev1.Taint{Key: "evict", Value: "v", Effect: corev1.TaintEffectNoExecute, TimeAdded: &at}
	record := nodeops.Owned{UID: "u1", Items: []string{"own:PreferNoSchedule", "evict:NoExecute"}, Version: "7",
		Marks: map[string]string{"own:PreferNoSchedule": nodeops.TaintMark(ours), "evict:NoExecute": nodeops.TaintMark(evict)}}
	node := func(version string, taints ...corev1.Taint) *corev1.Node {
		return &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n", UID: "u1", ResourceVersion: version}, Spec: corev1.NodeSpec{Taints: taints}}
	}
	theirs, readded := ours, evict
	theirs.Value, readded.TimeAdded = "user", &later
	unmarked := record
	unmarked.Marks = nil
	for _, tc := range []struct {
		name  string
		rec   nodeops.Owned
		node  *corev1.Node
		owned []string
	}{
		{"unchanged", record, node("8", ours, evict), []string{"evict:NoExecute", "own:PreferNoSchedule"}},
		{"value set again", record, node("8", theirs, evict), []string{"evict:NoExecute"}},
		{"NoExecute added again", record, node("8", ours, readded), []string{"own:PreferNoSchedule"}},
		{"same resourceVersion", record, node("7", theirs, readded), []string{"evict:NoExecute", "own:PreferNoSchedule"}},
		{"no marks", unmarked, node("8", theirs, readded), []string{"evict:NoExecute", "own:PreferNoSchedule"}},
	} {
		w := &writer{owned: nodeops.Ownership{"n": tc.rec}}
		var got []string
		for _, id := range w.ownedOn(tc.node) {
			got = append(got, id.String())
		}
		slices.Sort(got)
		if !slices.Equal(got, tc.owned) {
			t.Errorf("%s: owned %v, want %v", tc.name, got, tc.owned)
		}
	}
}
