package nodeops

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
)

// recorder is a Job whose writes only record the node names.
type recorder struct {
	mu                     sync.Mutex
	set, cleared, reverted []string
	fail, conflict, refuse map[string]bool
	failRevert             map[string]bool
	failClear              bool
}

func (r *recorder) job(targets, leaving []string) Job {
	return Job{Targets: targets, Leaving: leaving, Writer: r}
}

func (r *recorder) Precheck(n *corev1.Node) []string {
	if r.conflict[n.Name] {
		return []string{"conflict on " + n.Name}
	}
	return nil
}

func (r *recorder) Set(_ context.Context, name string, _ *corev1.Node) (Owned, error) {
	if r.refuse[name] {
		return Owned{}, &ConflictError{Details: []string{"taken on " + name}}
	}
	if r.fail[name] {
		return Owned{}, fmt.Errorf("boom on %s", name)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.set = append(r.set, name)
	return Owned{Items: []string{"owned"}}, nil
}

func (r *recorder) Clear(_ context.Context, name string, _ *corev1.Node) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failClear {
		return errors.New("cannot clean")
	}
	r.cleared = append(r.cleared, name)
	return nil
}

func (r *recorder) Revert(_ context.Context, name string, _ *corev1.Node) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failRevert[name] {
		return errors.New("unreachable")
	}
	r.reverted = append(r.reverted, name)
	return nil
}

func (r *recorder) Leftover(name string) string { return "the label on " + name }

func fleetClient(names ...string) *kube.Client {
	var objs []runtime.Object
	for _, n := range names {
		objs = append(objs, node(n, nil))
	}
	return kube.FromClientset(fake.NewClientset(objs...), kube.Options{})
}

func TestExecuteStopsBeforeAnyWrite(t *testing.T) {
	c := fleetClient("n1", "n2", "n3")
	r := &recorder{conflict: map[string]bool{"n2": true}}
	out, err := Execute(context.Background(), c.Clientset, r.job([]string{"n1", "n2", "ghost"}, []string{"n3"}))
	if err != nil || !reflect.DeepEqual(out.Missing, []string{"ghost"}) || len(r.set)+len(r.cleared) > 0 {
		t.Errorf("missing node: %+v %v, writes %v %v", out, err, r.set, r.cleared)
	}
	out, _ = Execute(context.Background(), c.Clientset, r.job([]string{"n1", "n2"}, nil))
	if !reflect.DeepEqual(out.Conflicts, []string{"conflict on n2"}) || len(r.set) > 0 {
		t.Errorf("conflict: %+v, writes %v", out, r.set)
	}
}

func TestExecuteLeavingGoneIsFine(t *testing.T) {
	c := fleetClient("n1", "n2")
	r := &recorder{}
	out, err := Execute(context.Background(), c.Clientset, r.job([]string{"n1"}, []string{"n2", "gone"}))
	if err != nil || len(out.Failures) > 0 {
		t.Errorf("%+v %v", out, err)
	}
	if !reflect.DeepEqual(r.set, []string{"n1"}) || !reflect.DeepEqual(r.cleared, []string{"n2"}) {
		t.Errorf("set %v cleared %v", r.set, r.cleared)
	}
}

func TestExecuteFleetSkipsGoneTargets(t *testing.T) {
	c := fleetClient("n1")
	r := &recorder{}
	job := r.job([]string{"n1", "gone"}, nil)
	job.SkipGone = true
	out, err := Execute(context.Background(), c.Clientset, job)
	if err != nil || out.Stopped() || !reflect.DeepEqual(out.Gone, []string{"gone"}) || !reflect.DeepEqual(r.set, []string{"n1"}) {
		t.Errorf("%+v %v, set %v", out, err, r.set)
	}
}

func fortyNodes() []string {
	var names []string
	for i := range 40 {
		names = append(names, fmt.Sprintf("n%02d", i))
	}
	return names
}

func TestCreateUndoesEveryNode(t *testing.T) {
	names := fortyNodes()
	c := fleetClient(names...)
	r := &recorder{fail: map[string]bool{"n07": true, "n31": true}}
	var diags diag.Diagnostics
	nodes, owned, save := Create(context.Background(), c, Texts{Action: "Labeling"}, r.job(names, nil), &diags)
	if save || nodes != nil || len(owned) != 0 {
		t.Errorf("a failed create that was undone must save nothing: %v %v %t", nodes, owned, save)
	}
	// The failed nodes are reverted too: a write whose answer was lost may have landed.
	if sort.Strings(r.reverted); !reflect.DeepEqual(r.reverted, names) {
		t.Errorf("undo reverted %d nodes, want all 40", len(r.reverted))
	}
	detail := diags.Errors()[0].Detail()
	for _, s := range []string{"Labeling failed on 2 of 40 nodes (n07, n31)", "boom on n07", "Nothing was created"} {
		if !strings.Contains(detail, s) {
			t.Errorf("error lacks %q:\n%s", s, detail)
		}
	}
}

func TestUndoSkipsNodesNeverWritten(t *testing.T) {
	names := fortyNodes()
	c := fleetClient(names...)
	r := &recorder{refuse: map[string]bool{"n07": true}}
	var diags diag.Diagnostics
	Create(context.Background(), c, Texts{Action: "Labeling"}, r.job(names, nil), &diags)
	if len(r.reverted) != 39 || slices.Contains(r.reverted, "n07") {
		t.Errorf("reverted %d nodes (n07 among them: %t); a conflict found before writing needs no undo",
			len(r.reverted), slices.Contains(r.reverted, "n07"))
	}
}

func TestCreateUndoFailureSaysWhatIsLeft(t *testing.T) {
	names := fortyNodes()
	c := fleetClient(names...)
	r := &recorder{fail: map[string]bool{"n07": true}, failRevert: map[string]bool{"n12": true, "n20": true}}
	var diags diag.Diagnostics
	nodes, owned, save := Create(context.Background(), c, Texts{Action: "Labeling"}, r.job(names, nil), &diags)
	if !save || !reflect.DeepEqual(nodes, []string{"n12", "n20"}) || len(owned) != 2 {
		t.Errorf("the nodes left behind must be saved: %v %v %t", nodes, owned, save)
	}
	detail := diags.Errors()[0].Detail()
	for _, s := range []string{"- n12: the label on n12 (patch nodes: cannot reach the API server: unreachable)", "- n20: the label on n20"} {
		if !strings.Contains(detail, s) {
			t.Errorf("error lacks %q:\n%s", s, detail)
		}
	}
	if strings.Contains(detail, "undone") || strings.Contains(detail, "Nothing was created") {
		t.Errorf("a partial undo must not say it undid everything:\n%s", detail)
	}
}

func TestUpdateFailurePutsNodesBack(t *testing.T) {
	c := fleetClient("n1", "n2", "n3")
	r := &recorder{fail: map[string]bool{"n2": true}}
	var diags diag.Diagnostics
	_, _, save := Update(context.Background(), c, Texts{Action: "Labeling"}, r.job([]string{"n1", "n2"}, []string{"n3"}), &diags)
	if save || !diags.HasError() {
		t.Errorf("a failed update keeps the prior state: save %t, %v", save, diags)
	}
	if sort.Strings(r.reverted); !reflect.DeepEqual(r.reverted, []string{"n1", "n2", "n3"}) {
		t.Errorf("reverted %v", r.reverted)
	}
}

func TestRetry(t *testing.T) {
	cs := fake.NewClientset(node("n1", nil))
	conflicts := 0
	cs.PrependReactor("update", "nodes", func(k8stesting.Action) (bool, runtime.Object, error) {
		if conflicts < 3 {
			conflicts++
			return true, nil, apierrors.NewConflict(schema.GroupResource{Resource: "nodes"}, "n1", errors.New("the object has been modified"))
		}
		return false, nil, nil
	})
	attempts := 0
	err := Retry(context.Background(), cs, "n1", nil, func(n *corev1.Node) error {
		attempts++
		_, err := cs.CoreV1().Nodes().Update(context.Background(), n, metav1.UpdateOptions{})
		return err
	})
	if err != nil || attempts != 4 {
		t.Errorf("err %v after %d attempts", err, attempts)
	}
	err = Retry(context.Background(), cs, "ghost", nil, func(*corev1.Node) error { return nil })
	if !errors.Is(err, ErrNodeGone) {
		t.Errorf("gone node: %v", err)
	}
	err = Retry(context.Background(), cs, "n1", nil, func(*corev1.Node) error { return &ConflictError{Details: []string{"x"}} })
	var conflict *ConflictError
	if !errors.As(err, &conflict) {
		t.Errorf("an ownership conflict must not be retried: %v", err)
	}
}

func TestFetchFirstReadsOnlyWhatTheCacheLacks(t *testing.T) {
	ctx := context.Background()
	cs := fake.NewClientset(node("n1", nil), node("n2", nil))
	cache := kube.NewNodeCache(cs)
	if _, err := cache.List(ctx); err != nil {
		t.Fatal(err)
	}
	if err := cs.Tracker().Add(node("late", nil)); err != nil {
		t.Fatal(err)
	}
	cs.ClearActions()
	found, missing, err := fetchFirst(ctx, cs, cache, []string{"n1", "n2", "late", "ghost"})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 3 || found["late"] == nil || !reflect.DeepEqual(missing, []string{"ghost"}) {
		t.Errorf("found %v, missing %v", found, missing)
	}
	for _, a := range cs.Actions() {
		if a.GetVerb() == "get" {
			t.Errorf("a node the cache holds was read again: %v", a)
		}
	}
	if len(cs.Actions()) != 1 || cs.Actions()[0].GetVerb() != "list" {
		t.Errorf("want one list for the two nodes the cache lacks, got %v", cs.Actions())
	}
}
