package nodefield_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
)

// TestAccNodeTaint_removedAndSetAgain: a taint of ours that a person removes and sets again
// (kubectl taint ... key- then kubectl taint ... key=user:Effect) is theirs. Destroy and
// update without a refresh judge it from the node as it is now and leave it; a refresh
// drops it from state. A changed value tells for any effect; for NoExecute the time the
// taint was added tells even with the same value.
func TestAccNodeTaint_removedAndSetAgain(t *testing.T) {
	acctest.Cluster(t)
	for _, tc := range []struct {
		name          string
		effect        corev1.TaintEffect
		ours, theirs  string
		theirsAddedAt *metav1.Time
	}{
		{"value", corev1.TaintEffectPreferNoSchedule, "ours", "user", nil},
		{"timeAdded", corev1.TaintEffectNoExecute, "same", "same", &metav1.Time{Time: time.Now().Add(time.Hour).Truncate(time.Second)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := ctxFor(t, 5*time.Minute)
			node, key := "k8s-02", acctest.RandomName("own")
			block := func(extra string) string {
				return fmt.Sprintf(`resource "k8sfleet_node_taint" "test" {
  node_name = %q
  taints = [{ key = %q, value = %q, effect = %q }%s]
}
`, node, key, tc.ours, tc.effect, extra)
			}
			live := func() (corev1.Taint, bool) {
				for _, x := range acctest.GetNode(t, node).Spec.Taints {
					if x.Key == key && x.Effect == tc.effect {
						return x, true
					}
				}
				return corev1.Taint{}, false
			}
			retake := func() {
				acctest.EditNode(t, node, "kubectl-taint", func(n *corev1.Node) {
					n.Spec.Taints = removeTaint(n.Spec.Taints, key, tc.effect)
				})
				acctest.EditNode(t, node, "kubectl-taint", func(n *corev1.Node) {
					n.Spec.Taints = append(n.Spec.Taints, corev1.Taint{Key: key, Value: tc.theirs, Effect: tc.effect, TimeAdded: tc.theirsAddedAt})
				})
			}
			isTheirs := func(when string) {
				t.Helper()
				got, ok := live()
				if !ok || got.Value != tc.theirs || (tc.theirsAddedAt != nil && (got.TimeAdded == nil || !got.TimeAdded.Equal(tc.theirsAddedAt))) {
					t.Fatalf("%s: the person's taint %s is %+v (present %t), want value %q added at %v", when, key, got, ok, tc.theirs, tc.theirsAddedAt)
				}
			}
			c := cli(t)
			t.Cleanup(func() {
				acctest.EditNode(t, node, "cleanup", func(n *corev1.Node) { n.Spec.Taints = removeTaint(n.Spec.Taints, key, tc.effect) })
			})

			// Destroy without a refresh leaves the person's taint.
			c.Write(t, block(""))
			run(t, ctx, c, "apply", "-auto-approve")
			retake()
			run(t, ctx, c, "destroy", "-auto-approve", "-refresh=false")
			isTheirs("after destroy -refresh=false")

			// An update without a refresh does not take it either: it is a conflict.
			acctest.EditNode(t, node, "cleanup", func(n *corev1.Node) { n.Spec.Taints = removeTaint(n.Spec.Taints, key, tc.effect) })
			run(t, ctx, c, "apply", "-auto-approve")
			retake()
			c.Write(t, block(fmt.Sprintf(`, { key = %q, effect = "NoSchedule" }`, key+"-more")))
			out := flat(fails(t, ctx, c, "apply", "-auto-approve", "-refresh=false"))
			if !strings.Contains(out, "was not set by this resource") {
				t.Errorf("the update without refresh does not report the person's taint as a conflict:\n%s", out)
			}
			isTheirs("after an update with -refresh=false")

			// A refresh sees it as theirs: the plan sets ours again, and destroy leaves theirs.
			c.Write(t, block(""))
			plan := flat(run(t, ctx, c, "plan", "-no-color"))
			if !strings.Contains(plan, "1 to change") {
				t.Errorf("after a refresh the plan does not set the taint again:\n%s", plan)
			}
			run(t, ctx, c, "destroy", "-auto-approve")
			isTheirs("after destroy")
		})
	}
}

func removeTaint(ts []corev1.Taint, key string, effect corev1.TaintEffect) []corev1.Taint {
	out := ts[:0:0]
	for _, x := range ts {
		if x.Key != key || x.Effect != effect {
			out = append(out, x)
		}
	}
	return out
}
