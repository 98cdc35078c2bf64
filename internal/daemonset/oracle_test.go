package daemonset_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8stypes "k8s.io/apimachinery/pkg/types"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/testcluster"
)

// The oracle's size: every round creates its own random nodes and plans and applies several
// random DaemonSets in one configuration.
const (
	oracleRounds      = 3
	oracleNodes       = 12
	oracleDaemonSets  = 5
	oracleSeedEnvName = "K8SFLEET_ORACLE_SEED"
)

// TestAccDaemonSet_oracle holds the prediction against the real DaemonSet controller: for
// random nodes and random templates, the nodes a create plans a pod on ("+1" in
// placement_changes) are the nodes the controller places pods on, read from the API server
// (kwok's fake kubelets run them), and expected_pod_count is its desiredNumberScheduled.
// The seed is logged; K8SFLEET_ORACLE_SEED=<seed> replays a run.
func TestAccDaemonSet_oracle(t *testing.T) {
	acctest.Cluster(t)
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv(oracleSeedEnvName); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("%s=%q: %v", oracleSeedEnvName, s, err)
		}
	}
	t.Logf("seed %d (%s=%d replays this run)", seed, oracleSeedEnvName, seed)
	rng := rand.New(rand.NewPCG(seed, 0x6f7261636c65))
	for round := range oracleRounds {
		t.Run(fmt.Sprintf("round%d", round), func(t *testing.T) { oracleRound(t, rng, round) })
	}
}

func oracleRound(t *testing.T, rng *rand.Rand, round int) {
	c := acctest.Cluster(t)
	prefix := acctest.RandomName(fmt.Sprintf("oracle%d", round))
	nodes := make([]testcluster.Node, oracleNodes)
	names := make([]string, oracleNodes)
	for i := range nodes {
		nodes[i] = randomNode(rng, fmt.Sprintf("%s-%02d", prefix, i))
		names[i] = nodes[i].Name
		t.Logf("node %s labels %v taints %v", nodes[i].Name, nodes[i].Labels, nodes[i].Taints)
	}
	t.Cleanup(func() { _ = c.DeleteNodes(context.Background(), names...) })
	if err := c.CreateNodes(context.Background(), nodes); err != nil {
		t.Fatal(err)
	}

	dsNames := make([]string, oracleDaemonSets)
	specs := make([]string, oracleDaemonSets)
	for i := range dsNames {
		dsNames[i] = fmt.Sprintf("%s-ds%d", prefix, i)
		specs[i] = randomPlacement(rng)
		t.Logf("DaemonSet %s:%s", dsNames[i], strings.ReplaceAll(specs[i], "\n", " "))
	}
	// The second step changes nodes after the pods run, so that some pods stay where the
	// controller would no longer place them, then changes some templates and strategies.
	next := make([]oracleTemplate, oracleDaemonSets)
	for i := range next {
		next[i] = oracleTemplate{spec: specs[i], image: "registry.k8s.io/pause:3.10"}
		if rng.IntN(2) == 0 {
			next[i].image = "registry.k8s.io/pause:3.9"
		}
		if rng.IntN(3) == 0 {
			next[i].spec = randomPlacement(rng)
		}
		if rng.IntN(3) == 0 {
			next[i].strategy = "OnDelete"
		}
		t.Logf("DaemonSet %s then: %+v", dsNames[i], next[i])
	}
	first := make([]oracleTemplate, oracleDaemonSets)
	for i := range first {
		first[i] = oracleTemplate{spec: specs[i], image: "registry.k8s.io/pause:3.10"}
	}

	planned := map[string]plannedPlacement{}
	checks := []resource.TestCheckFunc{}
	destroyed := []resource.TestCheckFunc{}
	for i, name := range dsNames {
		addr := fmt.Sprintf("k8sfleet_daemonset.o%d", i)
		checks = append(checks, controllerAgrees(t, name, func() plannedPlacement { return planned[addr] }))
		destroyed = append(destroyed, acctest.DaemonSetDestroyed(t, "default", name))
	}
	before := map[string][]string{}
	changedPlan := map[string]plannedPlacement{}
	var after []resource.TestCheckFunc
	for i, name := range dsNames {
		addr := fmt.Sprintf("k8sfleet_daemonset.o%d", i)
		after = append(after, podsAgree(t, name, func() []string { return before[name] }, func() plannedPlacement { return changedPlan[addr] }))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             resource.ComposeAggregateTestCheckFunc(destroyed...),
		Steps: []resource.TestStep{
			{
				Config:           oracleHCL(dsNames, first),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{capturePlacement{planned}}},
				Check:            resource.ComposeAggregateTestCheckFunc(checks...),
			},
			{
				PreConfig: func() {
					for _, n := range names {
						if rng.IntN(10) < 4 {
							mutateNode(t, rng, n)
						}
					}
					for _, name := range dsNames {
						before[name] = settledPods(t, name)
					}
				},
				Config:           oracleHCL(dsNames, next),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{capturePlacement{changedPlan}}},
				Check:            resource.ComposeAggregateTestCheckFunc(after...),
			},
		},
	})
}

// oracleTemplate is what the oracle varies of one DaemonSet.
type oracleTemplate struct{ spec, image, strategy string }

func oracleHCL(names []string, templates []oracleTemplate) string {
	var hcl strings.Builder
	for i, name := range names {
		strategy := ""
		if s := templates[i].strategy; s != "" {
			strategy = fmt.Sprintf("\n    update_strategy = { type = %q }", s)
		}
		fmt.Fprintf(&hcl, `
resource "k8sfleet_daemonset" "o%[1]d" {
  metadata = { name = %[2]q, namespace = "default" }
  spec = {%[3]s
    selector = { match_labels = { app = %[2]q } }
    template = {
      metadata = { labels = { app = %[2]q } }
      spec = {%[4]s
        containers = [{ name = "pause", image = %[5]q }]
      }
    }
  }
}
`, i, name, strategy, templates[i].spec, templates[i].image)
	}
	return hcl.String()
}

// mutateNode changes a node after the DaemonSets run on it, as an operator would: a label
// set to another value or dropped, or a taint added.
func mutateNode(t *testing.T, rng *rand.Rand, name string) {
	acctest.EditNode(t, name, "oracle", func(n *corev1.Node) {
		if rng.IntN(2) == 0 {
			k := pick(rng, sortedKeys(oracleLabels))
			if v := pick(rng, append([]string{"<none>"}, oracleLabels[k]...)); v == "<none>" {
				delete(n.Labels, k)
			} else {
				n.Labels[k] = v
			}
			return
		}
		taint := corev1.Taint{Key: pick(rng, oracleTaintKeys), Value: pick(rng, oracleTaintValues), Effect: pick(rng, oracleEffects)}
		for _, x := range n.Spec.Taints {
			if x.Key == taint.Key && x.Effect == taint.Effect {
				return
			}
		}
		n.Spec.Taints = append(n.Spec.Taints, taint)
	})
	n := acctest.GetNode(t, name)
	t.Logf("node %s now labels %v taints %v", name, n.Labels, n.Spec.Taints)
}

// settledPods waits until the controller has acted on the DaemonSet (its status is current,
// no pod is being deleted, and the pods stay where they are for a few reads) and returns the
// nodes of its pods, sorted.
func settledPods(t *testing.T, name string) []string {
	t.Helper()
	c := acctest.Cluster(t).Client
	var last []string
	stable := 0
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		ds, err := c.AppsV1().DaemonSets("default").Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		pods, err := c.CoreV1().Pods("default").List(context.Background(), metav1.ListOptions{LabelSelector: "app=" + name})
		if err != nil {
			t.Fatal(err)
		}
		var nodes []string
		deleting := false
		for _, p := range pods.Items {
			deleting = deleting || p.DeletionTimestamp != nil
			if p.DeletionTimestamp == nil && p.Spec.NodeName != "" {
				nodes = append(nodes, p.Spec.NodeName)
			}
		}
		sort.Strings(nodes)
		if ds.Status.ObservedGeneration < ds.Generation || deleting ||
			ds.Status.CurrentNumberScheduled != ds.Status.DesiredNumberScheduled || !slices.Equal(nodes, last) {
			stable, last = 0, nodes
			continue
		}
		if stable++; stable >= 4 {
			return nodes
		}
	}
	t.Fatalf("%s: pods never settled (last on %v)", name, last)
	return nil
}

// resync makes the controller sync the DaemonSet and write its status again: a node update
// that changes nothing for the pods (a NoSchedule taint under a running pod) does not enqueue
// it (syncNodeUpdate), so with an unchanged template desiredNumberScheduled would stay as it
// was before the node changed. An annotation of another field manager is no drift.
func resync(t *testing.T, name string) {
	t.Helper()
	patch := fmt.Sprintf(`{"metadata":{"annotations":{"oracle.k8sfleet.io/resync":%q}}}`, time.Now().Format(time.RFC3339Nano))
	_, err := acctest.Cluster(t).Client.AppsV1().DaemonSets("default").Patch(context.Background(), name,
		k8stypes.MergePatchType, []byte(patch), metav1.PatchOptions{FieldManager: "oracle-resync"})
	if err != nil {
		t.Fatal(err)
	}
}

// podsAgree checks a change after the pods settle: the nodes whose pod count moved are
// exactly the planned placement_changes, each with its sign, and expected_pod_count is the
// controller's desiredNumberScheduled.
func podsAgree(t *testing.T, name string, before func() []string, planned func() plannedPlacement) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		p := planned()
		if p.entries == nil {
			return fmt.Errorf("%s: no planned placement captured", name)
		}
		resync(t, name)
		if err := acctest.DesiredIs(t, "default", name, int32(p.count))(s); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		was := map[string]bool{}
		for _, n := range before() {
			was[n] = true
		}
		now := map[string]bool{}
		for _, n := range settledPods(t, name) {
			now[n] = true
		}
		moved := map[string]string{}
		for n := range was {
			if !now[n] {
				moved[n] = "-1"
			}
		}
		for n := range now {
			if !was[n] {
				moved[n] = "+1"
			}
		}
		signs := map[string]string{}
		for n, e := range p.entries {
			signs[n] = e[:2]
		}
		if !maps.Equal(moved, signs) {
			return fmt.Errorf("%s: pods moved on %v, the plan said %v", name, moved, p.entries)
		}
		t.Logf("%s: %d pod changes, as planned; %d desired", name, len(moved), p.count)
		return nil
	}
}

// Label and taint vocabularies are small, so that random templates often match some nodes
// and not others. No key under node.kubernetes.io/, which the node lifecycle controller edits.
var (
	oracleLabels = map[string][]string{
		"oracle.k8sfleet.io/zone":  {"a", "b", "c"},
		"oracle.k8sfleet.io/cores": {"2", "8", "16", "many"},
		"oracle.k8sfleet.io/gpu":   {"", "true"},
		"oracle.k8sfleet.io/pool":  {"x", "y"},
	}
	oracleTaintKeys   = []string{"oracle.k8sfleet.io/dedicated", "oracle.k8sfleet.io/spot", "gpu"}
	oracleTaintValues = []string{"", "a", "b"}
	oracleEffects     = []corev1.TaintEffect{corev1.TaintEffectNoSchedule, corev1.TaintEffectPreferNoSchedule, corev1.TaintEffectNoExecute}
	oracleIntegers    = []string{"1", "4", "8", "12", "20"}
)

func sortedKeys(m map[string][]string) []string { return slices.Sorted(maps.Keys(m)) }

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

func randomNode(rng *rand.Rand, name string) testcluster.Node {
	n := testcluster.Node{Name: name, Labels: map[string]string{}}
	for _, k := range sortedKeys(oracleLabels) {
		if rng.IntN(10) < 6 {
			n.Labels[k] = pick(rng, oracleLabels[k])
		}
	}
	seen := map[string]bool{}
	for range rng.IntN(3) {
		taint := corev1.Taint{Key: pick(rng, oracleTaintKeys), Value: pick(rng, oracleTaintValues), Effect: pick(rng, oracleEffects)}
		if id := taint.Key + ":" + string(taint.Effect); !seen[id] {
			seen[id] = true
			n.Taints = append(n.Taints, taint)
		}
	}
	return n
}

// randomPlacement is the placement attributes of a pod spec in HCL: a node selector, required
// node affinity and tolerations, each present or not.
func randomPlacement(rng *rand.Rand) string {
	var b strings.Builder
	keys := sortedKeys(oracleLabels)
	if rng.IntN(10) < 3 {
		selector := map[string]string{}
		for range 1 + rng.IntN(2) {
			k := pick(rng, keys)
			selector[k] = pick(rng, oracleLabels[k])
		}
		var pairs []string
		for _, k := range slices.Sorted(maps.Keys(selector)) {
			pairs = append(pairs, fmt.Sprintf("%q = %q", k, selector[k]))
		}
		fmt.Fprintf(&b, "\n        node_selector = { %s }", strings.Join(pairs, ", "))
	}
	if rng.IntN(10) < 6 {
		var terms []string
		for range 1 + rng.IntN(2) {
			var exprs []string
			for range 1 + rng.IntN(2) {
				exprs = append(exprs, randomExpression(rng, keys))
			}
			terms = append(terms, "{ match_expressions = ["+strings.Join(exprs, ", ")+"] }")
		}
		fmt.Fprintf(&b, "\n        affinity = { node_affinity = { required_during_scheduling_ignored_during_execution = { node_selector_terms = [%s] } } }",
			strings.Join(terms, ", "))
	}
	if n := rng.IntN(4); n > 0 {
		var tols []string
		for range n {
			tols = append(tols, randomToleration(rng))
		}
		fmt.Fprintf(&b, "\n        tolerations = [%s]", strings.Join(tols, ", "))
	}
	return b.String()
}

func randomExpression(rng *rand.Rand, keys []string) string {
	k := pick(rng, keys)
	switch op := pick(rng, []string{"In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"}); op {
	case "Exists", "DoesNotExist":
		return fmt.Sprintf("{ key = %q, operator = %q }", k, op)
	case "Gt", "Lt":
		if rng.IntN(4) > 0 {
			k = "oracle.k8sfleet.io/cores"
		}
		return fmt.Sprintf("{ key = %q, operator = %q, values = [%q] }", k, op, pick(rng, oracleIntegers))
	default:
		values := []string{pick(rng, oracleLabels[k])}
		if rng.IntN(2) == 0 {
			values = append(values, pick(rng, oracleLabels[k]))
		}
		quoted := make([]string, 0, len(values))
		for _, v := range slices.Compact(slices.Sorted(slices.Values(values))) {
			quoted = append(quoted, strconv.Quote(v))
		}
		return fmt.Sprintf("{ key = %q, operator = %q, values = [%s] }", k, op, strings.Join(quoted, ", "))
	}
}

// randomToleration is Exists (with an empty key now and then: every taint) or Equal, with an
// effect or none (every effect). The demo cluster's masters are tainted too.
func randomToleration(rng *rand.Rand) string {
	keys := append([]string{testcluster.MasterTaint.Key}, oracleTaintKeys...)
	effect := ""
	if e := rng.IntN(len(oracleEffects) + 1); e < len(oracleEffects) {
		effect = fmt.Sprintf(", effect = %q", oracleEffects[e])
	}
	if rng.IntN(10) < 4 {
		key := ""
		if rng.IntN(5) > 0 {
			key = fmt.Sprintf("key = %q, ", pick(rng, keys))
		}
		return fmt.Sprintf("{ %soperator = \"Exists\"%s }", key, effect)
	}
	return fmt.Sprintf("{ key = %q, operator = \"Equal\", value = %q%s }", pick(rng, keys), pick(rng, oracleTaintValues), effect)
}

// plannedPlacement is what a create plan predicted for one DaemonSet.
type plannedPlacement struct {
	count   int64
	gets    []string // nodes with a "+1" entry, sorted
	entries map[string]string
}

// capturePlacement records the planned prediction of every DaemonSet in the plan.
type capturePlacement struct{ into map[string]plannedPlacement }

func (c capturePlacement) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Type != "k8sfleet_daemonset" || rc.Change == nil {
			continue
		}
		after, ok := rc.Change.After.(map[string]any)
		if !ok {
			resp.Error = fmt.Errorf("%s: planned values are %T", rc.Address, rc.Change.After)
			return
		}
		count, err := jsonInt(after["expected_pod_count"])
		if err != nil {
			resp.Error = fmt.Errorf("%s: expected_pod_count: %w", rc.Address, err)
			return
		}
		changes, ok := after["placement_changes"].(map[string]any)
		if !ok {
			resp.Error = fmt.Errorf("%s: placement_changes is %v, want a known map", rc.Address, after["placement_changes"])
			return
		}
		p := plannedPlacement{count: count, entries: map[string]string{}}
		for node, v := range changes {
			s, _ := v.(string)
			p.entries[node] = s
			if strings.HasPrefix(s, "+1: ") {
				p.gets = append(p.gets, node)
			}
		}
		sort.Strings(p.gets)
		c.into[rc.Address] = p
	}
}

func jsonInt(v any) (int64, error) {
	switch n := v.(type) {
	case float64:
		return int64(n), nil
	case json.Number:
		return n.Int64()
	default:
		return 0, fmt.Errorf("%v (%T) is not a known number", v, v)
	}
}

// controllerAgrees checks one DaemonSet after apply: on a create every entry is "+1", there
// are expected_pod_count of them, the controller's desiredNumberScheduled is that count, and
// its pods run on exactly those nodes.
func controllerAgrees(t *testing.T, name string, planned func() plannedPlacement) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		p := planned()
		if p.entries == nil {
			return fmt.Errorf("%s: no planned placement captured", name)
		}
		if len(p.gets) != len(p.entries) {
			return fmt.Errorf("%s: a create plans only \"+1\" entries, got %v", name, p.entries)
		}
		if int64(len(p.gets)) != p.count {
			return fmt.Errorf("%s: expected_pod_count %d but %d nodes get a pod", name, p.count, len(p.gets))
		}
		if err := acctest.DesiredIs(t, "default", name, int32(p.count))(s); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		var got []string
		deadline := time.Now().Add(30 * time.Second)
		for {
			var err error
			if got, err = podNodes(t, name); err != nil {
				return err
			}
			if slices.Equal(got, p.gets) {
				t.Logf("%s: %d pods, on the %d nodes planned", name, len(got), p.count)
				return nil
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%s: pods run on\n  %v\nthe plan predicted\n  %v", name, got, p.gets)
			}
			time.Sleep(500 * time.Millisecond)
		}
	}
}

// podNodes is the sorted nodes of the DaemonSet's scheduled pods that are not being deleted.
func podNodes(t *testing.T, name string) ([]string, error) {
	pods, err := acctest.Cluster(t).Client.CoreV1().Pods("default").List(context.Background(),
		metav1.ListOptions{LabelSelector: "app=" + name})
	if err != nil {
		return nil, err
	}
	var nodes []string
	for _, pod := range pods.Items {
		if pod.DeletionTimestamp == nil && pod.Spec.NodeName != "" {
			nodes = append(nodes, pod.Spec.NodeName)
		}
	}
	sort.Strings(nodes)
	return nodes, nil
}
