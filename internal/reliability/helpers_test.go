package reliability

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
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

// findTerraform returns the pid of the terraform process working in dir.
func findTerraform(t *testing.T, dir string) int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cwd, err := os.Readlink(filepath.Join("/proc", e.Name(), "cwd"))
		if err != nil || cwd != dir {
			continue
		}
		exe, _ := os.Readlink(filepath.Join("/proc", e.Name(), "exe"))
		if filepath.Base(exe) == filepath.Base(terraformBinary()) {
			return pid
		}
	}
	t.Fatalf("no terraform process in %s", dir)
	return 0
}

func terraformBinary() string {
	if b := os.Getenv("TF_ACC_TERRAFORM_PATH"); b != "" {
		return b
	}
	return "terraform"
}
