package nodetaint_test

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/terraform"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/testcluster"
)

func TestMain(m *testing.M) {
	acctest.Main(m, append(testcluster.DemoNodes(), testcluster.FleetNodes("fleet", 50)...))
}

const addr = "k8sfleet_node_taint.test"

// taint is one k8sfleet_node_taint block.
type taint struct {
	node, selector string
	taints         []corev1.Taint
	force          bool
}

func (c taint) hcl() string {
	var b strings.Builder
	b.WriteString("resource \"k8sfleet_node_taint\" \"test\" {\n")
	if c.node != "" {
		fmt.Fprintf(&b, "  node_name = %q\n", c.node)
	}
	if c.selector != "" {
		fmt.Fprintf(&b, "  label_selector = %q\n", c.selector)
	}
	if c.force {
		b.WriteString("  force = true\n")
	}
	b.WriteString("  taints = [\n")
	for _, t := range c.taints {
		if t.Value == "" {
			fmt.Fprintf(&b, "    { key = %q, effect = %q },\n", t.Key, t.Effect)
		} else {
			fmt.Fprintf(&b, "    { key = %q, value = %q, effect = %q },\n", t.Key, t.Value, t.Effect)
		}
	}
	b.WriteString("  ]\n}\n")
	return b.String()
}

func tt(key, value string, effect corev1.TaintEffect) corev1.Taint {
	return corev1.Taint{Key: key, Value: value, Effect: effect}
}

const (
	noSchedule       = corev1.TaintEffectNoSchedule
	noExecute        = corev1.TaintEffectNoExecute
	preferNoSchedule = corev1.TaintEffectPreferNoSchedule
)

// hasTaints checks the API server's view: want present with these values, absent gone (by key and effect).
func hasTaints(t *testing.T, node string, want []corev1.Taint, absent ...corev1.Taint) error {
	t.Helper()
	live := getNode(t, node).Spec.Taints
	find := func(x corev1.Taint) (corev1.Taint, bool) {
		for _, l := range live {
			if l.Key == x.Key && l.Effect == x.Effect {
				return l, true
			}
		}
		return corev1.Taint{}, false
	}
	for _, w := range want {
		if got, ok := find(w); !ok || got.Value != w.Value {
			return fmt.Errorf("node %s: taint %s missing or with another value (live %v)", node, w.ToString(), live)
		}
	}
	for _, a := range absent {
		if got, ok := find(a); ok {
			return fmt.Errorf("node %s: taint %s should be gone", node, got.ToString())
		}
	}
	return nil
}

func checkTaints(t *testing.T, node string, want []corev1.Taint, absent ...corev1.Taint) func(*terraform.State) error {
	return func(*terraform.State) error { return hasTaints(t, node, want, absent...) }
}

func addTaint(t *testing.T, node string, x corev1.Taint) {
	editTaints(t, node, func(ts []corev1.Taint) []corev1.Taint { return append(dropTaint(ts, x.Key), x) })
}

func removeTaints(t *testing.T, node, key string) {
	editTaints(t, node, func(ts []corev1.Taint) []corev1.Taint { return dropTaint(ts, key) })
}

func dropTaint(ts []corev1.Taint, key string) []corev1.Taint {
	var out []corev1.Taint
	for _, x := range ts {
		if x.Key != key {
			out = append(out, x)
		}
	}
	return out
}

// nodesWith lists the nodes that carry a taint with the key.
func nodesWith(t *testing.T, key string) []string {
	t.Helper()
	list, err := acctest.Cluster(t).Client.CoreV1().Nodes().List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, n := range list.Items {
		for _, x := range n.Spec.Taints {
			if x.Key == key {
				out = append(out, n.Name)
				break
			}
		}
	}
	sort.Strings(out)
	return out
}

func getNode(t *testing.T, name string) *corev1.Node { return acctest.GetNode(t, name) }

// editTaints changes a node's taints as a careful plain client does.
func editTaints(t *testing.T, node string, edit func([]corev1.Taint) []corev1.Taint) {
	acctest.EditNode(t, node, "kubectl-taint", func(n *corev1.Node) { n.Spec.Taints = edit(n.Spec.Taints) })
}

// destroyed asserts, through the API server, that no node carries a taint with any of the keys.
func destroyed(t *testing.T, keys ...string) func(*terraform.State) error {
	return acctest.Destroyed("taint", func(k string) []string { return nodesWith(t, k) }, keys...)
}

func deleteNode(t *testing.T, name string) { acctest.DeleteNode(t, name) }

func wrapped(text string) *regexp.Regexp { return acctest.Wrapped(text) }

func setLabel(t *testing.T, node, key, value string) {
	acctest.EditNode(t, node, "kubectl-label", func(n *corev1.Node) { n.Labels[key] = value })
}
