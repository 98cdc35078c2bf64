package nodetaint_test

import (
	"context"
	"fmt"
	"strings"
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

// taintWriter keeps adding and removing taints of its own on a node as a careful client does:
// read, modify, update under the resourceVersion, and on a conflict read again and retry.
type taintWriter struct {
	node      string
	present   map[string]string // key -> value of the writer's NoSchedule taints
	writes    int
	conflicts int
	err       error
	done      sync.WaitGroup
}

func startTaintWriter(t *testing.T, node string, writes int) *taintWriter {
	w := &taintWriter{node: node, present: map[string]string{}}
	api := acctest.Cluster(t).Client.CoreV1().Nodes()
	backoff := wait.Backoff{Steps: 50, Duration: 5 * time.Millisecond, Factor: 1.2, Jitter: 0.5, Cap: 200 * time.Millisecond}
	w.done.Add(1)
	go func() {
		defer w.done.Done()
		for i := 0; i < writes; i++ {
			key := fmt.Sprintf("writer-%d", i%7)
			_, had := w.present[key]
			value := fmt.Sprint(i)
			err := retry.OnError(backoff, func(error) bool { w.conflicts++; return true }, func() error {
				n, err := api.Get(context.Background(), node, metav1.GetOptions{})
				if err != nil {
					return err
				}
				n.Spec.Taints = dropTaint(n.Spec.Taints, key)
				if !had {
					n.Spec.Taints = append(n.Spec.Taints, tt(key, value, noSchedule))
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
				w.present[key] = value
			}
			time.Sleep(50 * time.Millisecond) // spread the 200 writes over all three applies
		}
	}()
	return w
}

// check waits for the writer and compares its taints on the node with what it wrote.
func (w *taintWriter) check(t *testing.T) error {
	w.done.Wait()
	if w.err != nil {
		return w.err
	}
	live := getNode(t, w.node).Spec.Taints
	var lost []string
	for i := 0; i < 7; i++ {
		key := fmt.Sprintf("writer-%d", i)
		want, should := w.present[key]
		got := ""
		is := false
		for _, x := range live {
			if x.Key == key {
				got, is = x.Value, true
			}
		}
		if should != is || want != got {
			lost = append(lost, fmt.Sprintf("%s: node has %q (%t), writer wrote %q (%t)", key, got, is, want, should))
		}
	}
	t.Logf("concurrent writer: %d writes, %d conflicts retried, %d lost", w.writes, w.conflicts, len(lost))
	if len(lost) > 0 {
		return fmt.Errorf("writer's taints lost: %s", strings.Join(lost, "; "))
	}
	return nil
}

func (w *taintWriter) cleanup(t *testing.T) {
	w.done.Wait()
	editTaints(t, w.node, func(ts []corev1.Taint) []corev1.Taint {
		var out []corev1.Taint
		for _, x := range ts {
			if !strings.HasPrefix(x.Key, "writer-") {
				out = append(out, x)
			}
		}
		return out
	})
}

// twoTaints is two of our resources on one node, which Terraform applies in parallel.
func twoTaints(node string, a, b []corev1.Taint) string {
	one := taint{node: node, taints: a}.hcl()
	two := strings.Replace(taint{node: node, taints: b}.hcl(), `"test"`, `"other"`, 1)
	return one + two
}

// TestAccNodeTaint_concurrentWriter: while our applies run, a careful client keeps changing
// its own taints on the node, and two of our resources on that node are applied in parallel;
// afterwards every side has exactly what it wrote.
func TestAccNodeTaint_concurrentWriter(t *testing.T) {
	acctest.Cluster(t)
	a, b := acctest.RandomName("busy-a"), acctest.RandomName("busy-b")
	steps := [][2][]corev1.Taint{
		{{tt(a, "1", noSchedule), tt(a, "1", noExecute)}, {tt(b, "1", noSchedule)}},
		{{tt(a, "2", noSchedule)}, {tt(b, "2", noSchedule), tt(b, "", preferNoSchedule)}},
		{{tt(a, "3", noSchedule), tt(a, "", preferNoSchedule)}, {tt(b, "3", noExecute)}},
	}
	var w *taintWriter
	t.Cleanup(func() {
		if w != nil {
			w.cleanup(t)
		}
	})
	var ts []resource.TestStep
	for i, s := range steps {
		step := resource.TestStep{
			Config: twoTaints("k8s-02", s[0], s[1]),
			Check:  checkTaints(t, "k8s-02", append(append([]corev1.Taint{}, s[0]...), s[1]...)),
		}
		if i == 0 {
			step.PreConfig = func() { w = startTaintWriter(t, "k8s-02", 200) }
		}
		if i == len(steps)-1 {
			step.Check = resource.ComposeTestCheckFunc(step.Check,
				checkTaints(t, "k8s-02", nil, tt(a, "", noExecute), tt(b, "", noSchedule), tt(b, "", preferNoSchedule)),
				func(*terraform.State) error { return w.check(t) })
		}
		ts = append(ts, step)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             destroyed(t, a, b),
		Steps:                    ts,
	})
}
