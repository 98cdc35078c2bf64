package nodelabel_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/util/retry"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
)

func taintHCL(node, key, effect string) string {
	return fmt.Sprintf(`resource "k8sfleet_node_taint" "test" {
  node_name = %q
  taints = [{ key = %q, value = "true", effect = %q }]
}
`, node, key, effect)
}

func hasTaint(t *testing.T, node, key string, effect corev1.TaintEffect) bool {
	for _, taint := range getNode(t, node).Spec.Taints {
		if taint.Key == key && taint.Effect == effect {
			return true
		}
	}
	return false
}

func checkTaint(t *testing.T, node, key string, want bool) func(*terraform.State) error {
	return func(*terraform.State) error {
		if got := hasTaint(t, node, key, corev1.TaintEffectNoSchedule); got != want {
			return fmt.Errorf("node %s: taint %s:NoSchedule present %t, want %t", node, key, got, want)
		}
		return nil
	}
}

// TestAccNodeLabel_withTaint is hashicorp/terraform-provider-kubernetes#2247: a node_label and
// a node_taint on one node survive each other's applies and destroys.
func TestAccNodeLabel_withTaint(t *testing.T) {
	acctest.Cluster(t)
	key := acctest.RandomName("both")
	l := label{node: "k8s-02", labels: map[string]string{key: "yes"}}.hcl()
	taint := taintHCL("k8s-02", key, "NoSchedule")
	present := map[string]string{key: "yes"}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             resource.ComposeTestCheckFunc(destroyed(t, key), checkTaint(t, "k8s-02", key, false)),
		Steps: []resource.TestStep{
			{Config: l + taint, Check: resource.ComposeTestCheckFunc(checkLabels(t, "k8s-02", present), checkTaint(t, "k8s-02", key, true))},
			{Config: taint, Check: resource.ComposeTestCheckFunc(checkLabels(t, "k8s-02", nil, key), checkTaint(t, "k8s-02", key, true))},
			{Config: l + taint, Check: resource.ComposeTestCheckFunc(checkLabels(t, "k8s-02", present), checkTaint(t, "k8s-02", key, true))},
			{Config: l, Check: resource.ComposeTestCheckFunc(checkLabels(t, "k8s-02", present), checkTaint(t, "k8s-02", key, false))},
		},
	})
}

// labelWriter keeps toggling labels of its own on a node, as a careful client does
// (read, modify, update under the resourceVersion, retry on conflict).
type labelWriter struct {
	node      string
	present   map[string]string
	writes    int
	conflicts int
	err       error
	done      sync.WaitGroup
}

func startLabelWriter(t *testing.T, node string, writes int) *labelWriter {
	w := &labelWriter{node: node, present: map[string]string{}}
	api := acctest.Cluster(t).Client.CoreV1().Nodes()
	w.done.Add(1)
	go func() {
		defer w.done.Done()
		backoff := wait.Backoff{Steps: 50, Duration: 5 * time.Millisecond, Factor: 1.2, Jitter: 0.5, Cap: 200 * time.Millisecond}
		for i := 0; i < writes; i++ {
			key := fmt.Sprintf("writer-%d", i%7)
			_, had := w.present[key]
			err := retry.OnError(backoff, func(err error) bool {
				w.conflicts++
				return true
			}, func() error {
				n, err := api.Get(context.Background(), node, metav1.GetOptions{})
				if err != nil {
					return err
				}
				if had {
					delete(n.Labels, key)
				} else {
					n.Labels[key] = fmt.Sprint(i)
				}
				_, err = api.Update(context.Background(), n, metav1.UpdateOptions{FieldManager: "careful-writer"})
				return err
			})
			if err != nil {
				w.err = err
				return
			}
			w.writes++
			if had {
				delete(w.present, key)
			} else {
				w.present[key] = fmt.Sprint(i)
			}
			time.Sleep(50 * time.Millisecond) // spread the 200 writes over all three applies
		}
	}()
	return w
}

// check waits for the writer and compares its labels on the node with what it wrote.
func (w *labelWriter) check(t *testing.T) error {
	w.done.Wait()
	if w.err != nil {
		return w.err
	}
	n := getNode(t, w.node)
	var lost []string
	for i := 0; i < 7; i++ {
		key := fmt.Sprintf("writer-%d", i)
		want, should := w.present[key]
		got, is := n.Labels[key]
		if should != is || want != got {
			lost = append(lost, fmt.Sprintf("%s: node has %q (%t), writer wrote %q (%t)", key, got, is, want, should))
		}
	}
	t.Logf("concurrent writer: %d writes, %d conflicts retried, %d lost", w.writes, w.conflicts, len(lost))
	if len(lost) > 0 {
		sort.Strings(lost)
		return fmt.Errorf("writer's labels lost: %v", lost)
	}
	return nil
}

// TestAccNodeLabel_concurrentWriter: while our applies run, another client keeps changing
// its own labels on the same node; afterwards both sides have everything they wrote.
func TestAccNodeLabel_concurrentWriter(t *testing.T) {
	acctest.Cluster(t)
	key := acctest.RandomName("busy")
	steps := []map[string]string{{key: "1", "tier": "a"}, {key: "2"}, {key: "3", "zone-role": "edge"}}
	var w *labelWriter
	t.Cleanup(func() {
		if w != nil {
			w.done.Wait()
			for i := 0; i < 7; i++ {
				setLabel(t, "k8s-01", fmt.Sprintf("writer-%d", i), "", "careful-writer")
			}
		}
	})
	var ts []resource.TestStep
	for i, labels := range steps {
		step := resource.TestStep{Config: label{node: "k8s-01", labels: labels}.hcl(), Check: checkLabels(t, "k8s-01", labels)}
		if i == 0 {
			step.PreConfig = func() { w = startLabelWriter(t, "k8s-01", 200) }
		}
		if i == len(steps)-1 {
			step.Check = resource.ComposeTestCheckFunc(step.Check, func(*terraform.State) error { return w.check(t) })
		}
		ts = append(ts, step)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             destroyed(t, key, "tier", "zone-role"),
		Steps:                    ts,
	})
}
