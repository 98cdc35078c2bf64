package reliability

import (
	"context"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
)

var metavOpts = metav1.GetOptions{}

var (
	restrictedOnce sync.Once
	restrictedPath string
	restrictedErr  error
)

// restrictedKubeconfig is the least-privilege kubeconfig the provider uses in every test.
func restrictedKubeconfig(t *testing.T) string {
	t.Helper()
	admin := adminCluster(t) // skips without TF_ACC, before the Once can record an empty path
	restrictedOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		restrictedPath, restrictedErr = acctest.LeastPrivilegeKubeconfig(ctx, admin, "k8sfleet-provider")
	})
	if restrictedErr != nil {
		t.Fatal(restrictedErr)
	}
	return restrictedPath
}
