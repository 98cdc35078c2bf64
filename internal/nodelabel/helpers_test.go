package nodelabel_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/terraform"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	k8stypes "k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/managedfields"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/testcluster"
)

func TestMain(m *testing.M) {
	acctest.Main(m, append(testcluster.DemoNodes(), testcluster.FleetNodes("fleet", 50)...))
}

const addr = "k8sfleet_node_label.test"

// label is one k8sfleet_node_label block.
type label struct {
	name, node, selector, manager string
	labels                        map[string]string
	force                         bool
}

func (l label) hcl() string {
	var b strings.Builder
	name := l.name
	if name == "" {
		name = "test"
	}
	fmt.Fprintf(&b, "resource \"k8sfleet_node_label\" %q {\n", name)
	if l.node != "" {
		fmt.Fprintf(&b, "  node_name = %q\n", l.node)
	}
	if l.selector != "" {
		fmt.Fprintf(&b, "  label_selector = %q\n", l.selector)
	}
	if l.manager != "" {
		fmt.Fprintf(&b, "  field_manager = %q\n", l.manager)
	}
	if l.force {
		b.WriteString("  force = true\n")
	}
	b.WriteString("  labels = {\n")
	keys := make([]string, 0, len(l.labels))
	for k := range l.labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "    %q = %q\n", k, l.labels[k])
	}
	b.WriteString("  }\n}\n")
	return b.String()
}

// hasLabels checks the API server's view: want present with these values, absent keys gone.
func hasLabels(t *testing.T, node string, want map[string]string, absent ...string) error {
	t.Helper()
	n := getNode(t, node)
	for k, v := range want {
		if got, ok := n.Labels[k]; !ok || got != v {
			return fmt.Errorf("node %s: label %s is %q (present %t), want %q", node, k, got, ok, v)
		}
	}
	for _, k := range absent {
		if got, ok := n.Labels[k]; ok {
			return fmt.Errorf("node %s: label %s=%q should be gone", node, k, got)
		}
	}
	return nil
}

func checkLabels(t *testing.T, node string, want map[string]string, absent ...string) func(*terraform.State) error {
	return func(*terraform.State) error { return hasLabels(t, node, want, absent...) }
}

// nodesWith lists the nodes that carry the label key.
func nodesWith(t *testing.T, key string) []string {
	t.Helper()
	sel, _ := labels.Parse(key)
	list, err := acctest.Cluster(t).Client.CoreV1().Nodes().List(context.Background(), metav1.ListOptions{LabelSelector: sel.String()})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, n := range list.Items {
		out = append(out, n.Name)
	}
	sort.Strings(out)
	return out
}

// applyLabels writes labels with server-side apply as another tool would.
func applyLabels(t *testing.T, node, manager string, labels map[string]string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"apiVersion": "v1", "kind": "Node", "metadata": map[string]any{"name": node, "labels": labels}})
	_, err := acctest.Cluster(t).Client.CoreV1().Nodes().Patch(context.Background(), node, k8stypes.ApplyPatchType, body,
		metav1.PatchOptions{FieldManager: manager, Force: ptr.To(true)})
	if err != nil {
		t.Fatalf("applying labels on %s as %s: %v", node, manager, err)
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

// onlyManager checks that among k8sfleet field managers only manager owns the label keys.
func onlyManager(t *testing.T, node, manager string, keys ...string) error {
	t.Helper()
	owners := managedfields.LabelOwners(getNode(t, node))
	for _, k := range keys {
		for _, o := range owners[k] {
			if strings.HasPrefix(o.Manager, "k8sfleet") && o.Manager != manager {
				return fmt.Errorf("label %s is still owned by %s", k, o.Manager)
			}
		}
		if !slices.ContainsFunc(owners[k], func(o managedfields.LabelOwner) bool { return o.Manager == manager }) {
			return fmt.Errorf("label %s is not owned by %s: %v", k, manager, owners[k])
		}
	}
	return nil
}

func getNode(t *testing.T, name string) *corev1.Node { return acctest.GetNode(t, name) }

// setLabel writes a label as kubectl label does; "" removes it.
func setLabel(t *testing.T, node, key, value, manager string) {
	acctest.EditNode(t, node, manager, func(n *corev1.Node) {
		if value == "" {
			delete(n.Labels, key)
		} else {
			n.Labels[key] = value
		}
	})
}

// destroyed asserts, through the API server, that no node carries any of the keys.
func destroyed(t *testing.T, keys ...string) func(*terraform.State) error {
	return acctest.Destroyed("label", func(k string) []string { return nodesWith(t, k) }, keys...)
}

func deleteNode(t *testing.T, name string) { acctest.DeleteNode(t, name) }
