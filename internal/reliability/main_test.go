package reliability

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/testcluster"
)

func TestMain(m *testing.M) {
	acctest.Main(m, append(testcluster.DemoNodes(), testcluster.FleetNodes("fleet", 50)...))
}

// fluentd returns a DaemonSet configuration; cpu sets the request ("1000" never fits).
func fluentd(name, image, cpu, extra string) string {
	return fmt.Sprintf(`
resource "k8sfleet_daemonset" "test" {
  metadata = { name = %[1]q }
  spec = {
    selector = { match_labels = { app = %[1]q } }
    template = {
      metadata = { labels = { app = %[1]q } }
      spec = {
        tolerations = [{ key = "node-role.kubernetes.io/master", effect = "NoSchedule" }]
        containers = [{
          name      = "agent"
          image     = %[2]q
          resources = { requests = { cpu = %[3]q } }
        }]
      }
    }
  }
  %[4]s
}
`, name, image, cpu, extra)
}

func adminCluster(t *testing.T) *testcluster.Cluster { return acctest.Cluster(t) }

func ctxFor(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// desired waits for the controller to settle and returns desiredNumberScheduled.
func desired(t *testing.T, name string) int32 {
	t.Helper()
	c := adminCluster(t).Client
	deadline := time.Now().Add(30 * time.Second)
	for {
		ds, err := c.AppsV1().DaemonSets("default").Get(context.Background(), name, metav1.GetOptions{})
		if err == nil && ds.Status.ObservedGeneration >= ds.Generation {
			return ds.Status.DesiredNumberScheduled
		}
		if time.Now().After(deadline) {
			t.Fatalf("DaemonSet %s not observed: %v", name, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func mustContain(t *testing.T, out string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(out, p) {
			t.Fatalf("output lacks %q:\n%s", p, out)
		}
	}
}
