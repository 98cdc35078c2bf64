package nodelabel

import (
	"strings"
	"testing"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodeops"
)

// TestSharedManager: labels the field manager owns that the resource neither sets, set
// before nor adopted are another resource's: Shared names them, Precheck refuses them even
// with force, and Exclusive claims the manager only once it is known.
func TestSharedManager(t *testing.T) {
	node := owned("k8s-03", map[string]string{"shared-a": "1", "shared-b": "1", "old": "x", "kept": "y"},
		map[string]string{"shared-a": "k8sfleet-team", "shared-b": "k8sfleet-team", "old": "k8sfleet-team", "kept": "kubectl-label"})
	adopted := nodeops.Ownership{}
	adopted.Put(node, []string{"kept"})
	w := &writer{manager: "k8sfleet-team", force: true, want: map[string]string{"shared-b": "1", "kept": "y"},
		prior: map[string]string{"shared-b": "1", "old": "x"}, adopted: adopted}
	if got := w.unexplained(node); len(got) != 1 || got[0] != "shared-a" {
		t.Fatalf("unexplained %v, want [shared-a]", got)
	}
	text := w.Shared(node)
	if !strings.Contains(text, "field manager k8sfleet-team already owns label shared-a on node k8s-03") {
		t.Errorf("Shared does not name the manager and the label: %s", text)
	}
	if got := w.Precheck(node); len(got) != 1 || got[0] != text {
		t.Errorf("Precheck with force %q, want the shared manager's text", got)
	}
	if _, _, claims := w.Exclusive(); len(claims) != 1 || claims[0] != "field manager k8sfleet-team" {
		t.Errorf("claims %v", claims)
	}
	unknown := &writer{}
	if _, _, claims := unknown.Exclusive(); len(claims) != 0 {
		t.Errorf("a manager still unknown claims %v", claims)
	}
	alone := &writer{manager: "k8sfleet-team", want: map[string]string{"shared-a": "1", "shared-b": "1", "old": "x"}}
	if text := alone.Shared(node); text != "" {
		t.Errorf("a resource that sets every label of its manager is refused: %s", text)
	}
}
