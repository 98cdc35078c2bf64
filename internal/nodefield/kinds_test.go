package nodefield_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/terraform"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/testcluster"
)

func TestMain(m *testing.M) {
	acctest.Main(m, append(testcluster.DemoNodes(), testcluster.FleetNodes("fleet", 50)...))
}

// kind is what the behaviour tests need to know of one resource type: how to write its
// block and how to see its field on a node.
type kind struct {
	resource string
	// field renders the resource's one managed field key=value.
	field func(key, value string) string
	// value returns the field's value on the node, and whether it is there.
	value func(n *corev1.Node, key string) (string, bool)
	// put sets the field on a node as a plain client does.
	put func(n *corev1.Node, key, value string)
	// item is how the field is named in import IDs.
	item func(key string) string
	// conflict is the start of the error for a field someone else holds.
	conflict string
	// foreign is the error for key=value that kubectl-edit set on the node.
	foreign func(node, key, value string) string
}

var kinds = []kind{
	{
		resource: "k8sfleet_node_label",
		field:    func(k, v string) string { return fmt.Sprintf("labels = { %q = %q }", k, v) },
		value: func(n *corev1.Node, k string) (string, bool) {
			v, ok := n.Labels[k]
			return v, ok
		},
		put:      func(n *corev1.Node, k, v string) { n.Labels[k] = v },
		item:     func(k string) string { return k },
		conflict: "is owned by field manager",
		foreign: func(node, k, v string) string {
			return fmt.Sprintf("label %s on node %s is owned by field manager kubectl-edit with value %q", k, node, v)
		},
	},
	{
		resource: "k8sfleet_node_taint",
		field: func(k, v string) string {
			return fmt.Sprintf("taints = [{ key = %q, value = %q, effect = \"NoSchedule\" }]", k, v)
		},
		value: func(n *corev1.Node, k string) (string, bool) {
			for _, t := range n.Spec.Taints {
				if t.Key == k && t.Effect == corev1.TaintEffectNoSchedule {
					return t.Value, true
				}
			}
			return "", false
		},
		put: func(n *corev1.Node, k, v string) {
			n.Spec.Taints = append(n.Spec.Taints, corev1.Taint{Key: k, Value: v, Effect: corev1.TaintEffectNoSchedule})
		},
		item:     func(k string) string { return k + ":NoSchedule" },
		conflict: "was not set by this resource",
		foreign: func(node, k, v string) string {
			return fmt.Sprintf("taint %s=%s:NoSchedule on node %s was not set by this resource", k, v, node)
		},
	},
}

// forEachKind runs the test once per resource type.
func forEachKind(t *testing.T, test func(t *testing.T, k kind)) {
	acctest.Cluster(t)
	for _, k := range kinds {
		t.Run(k.resource, func(t *testing.T) { test(t, k) })
	}
}

// block renders one resource; target is `node_name = "x"` or `label_selector = "y"`.
func (k kind) block(target, key, value, extra string) string {
	return fmt.Sprintf("resource %q \"test\" {\n  %s\n  %s\n  %s\n}\n", k.resource, target, k.field(key, value), extra)
}

// carrying lists the nodes that carry the field, with any value.
func (k kind) carrying(t *testing.T, key string) []string {
	t.Helper()
	list, err := acctest.Cluster(t).Client.CoreV1().Nodes().List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := range list.Items {
		if _, ok := k.value(&list.Items[i], key); ok {
			out = append(out, list.Items[i].Name)
		}
	}
	sort.Strings(out)
	return out
}

// putAs sets the field as a plain client would.
func (k kind) putAs(t *testing.T, node, key, value string) {
	acctest.EditNode(t, node, "kubectl-edit", func(n *corev1.Node) { k.put(n, key, value) })
}

// has checks the API server's view of the field on the node.
func (k kind) has(t *testing.T, node, key, value string) func(*terraform.State) error {
	return func(*terraform.State) error {
		if got, ok := k.value(acctest.GetNode(t, node), key); !ok || got != value {
			return fmt.Errorf("node %s: %s is %q (present %t), want %q", node, key, got, ok, value)
		}
		return nil
	}
}

// destroyed asserts, through the API server, that no node carries the key.
func (k kind) destroyed(t *testing.T, key string) func(*terraform.State) error {
	return acctest.Destroyed(k.resource, func(key string) []string { return k.carrying(t, key) }, key)
}

// cli is a terraform working directory whose provider runs as the restricted ServiceAccount.
func cli(t *testing.T) *acctest.CLI {
	return acctest.NewCLI(t, os.Getenv("KUBE_CONFIG_PATH"))
}

func ctxFor(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func run(t *testing.T, ctx context.Context, c *acctest.CLI, args ...string) string {
	t.Helper()
	out, err := c.Run(ctx, args...)
	if err != nil {
		t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func fails(t *testing.T, ctx context.Context, c *acctest.CLI, args ...string) string {
	t.Helper()
	out, err := c.Run(ctx, args...)
	if err == nil {
		t.Fatalf("terraform %s succeeded, want an error:\n%s", strings.Join(args, " "), out)
	}
	return out
}

// flat joins the output's words, undoing Terraform's line wrapping.
func flat(out string) string { return strings.Join(strings.Fields(out), " ") }

func fleetNode(i int) testcluster.Node { return testcluster.FleetNodes("fleet", 50)[i-1] }
