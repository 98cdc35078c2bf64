// Package acctest runs acceptance tests against a local control plane that each test
// package starts for itself, so that packages running in parallel never share nodes.
package acctest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"k8s.io/apimachinery/pkg/util/rand"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/provider"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/testcluster"
)

// ProviderFactories serves the provider in-process to terraform-plugin-testing.
var ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"k8sfleet": func() (tfprotov6.ProviderServer, error) { return provider.Server("test")(), nil },
}

var cluster *testcluster.Cluster

// ProviderAccount is the ServiceAccount, bound to examples/rbac/clusterrole.yaml, whose token
// the provider uses in every acceptance test.
const ProviderAccount = "k8sfleet-provider"

// ProviderUser is ProviderAccount's user name in the API server's audit log.
const ProviderUser = "system:serviceaccount:kube-system:" + ProviderAccount

// Option tunes the package's cluster.
type Option func(*testcluster.Options)

// WithAudit records the provider's requests in the cluster's audit log (Cluster(t).AuditLog()).
func WithAudit() Option {
	return func(o *testcluster.Options) { o.AuditUsers = append(o.AuditUsers, ProviderUser) }
}

// Main starts a cluster with the given nodes when TF_ACC is set, points the provider at it
// through KUBE_CONFIG_PATH, runs the package's tests and deletes the cluster.
func Main(m *testing.M, nodes []testcluster.Node, options ...Option) {
	if os.Getenv("TF_ACC") == "" {
		os.Exit(m.Run())
	}
	opts := testcluster.Options{Authorization: true}
	for _, o := range options {
		o(&opts)
	}
	os.Exit(run(m, nodes, opts))
}

func run(m *testing.M, nodes []testcluster.Node, opts testcluster.Options) int {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute) // a busy machine starts clusters slowly
	defer cancel()
	name := clusterName()
	start := time.Now()
	c, err := testcluster.Start(ctx, name, opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "acctest: starting the local cluster:", err)
		return 1
	}
	defer func() {
		stopCtx, stopCancel := context.WithTimeout(context.Background(), time.Minute)
		defer stopCancel()
		if err := c.Stop(stopCtx); err != nil {
			fmt.Fprintln(os.Stderr, "acctest: stopping the local cluster:", err)
		}
	}()
	if err := c.CreateNodes(ctx, nodes); err != nil {
		fmt.Fprintln(os.Stderr, "acctest: creating nodes:", err)
		return 1
	}
	fmt.Fprintf(os.Stderr, "acctest: cluster %s with %d nodes up in %s\n", name, len(nodes), time.Since(start).Round(100*time.Millisecond))
	cluster = c
	// The provider runs with a token bound only to the shipped ClusterRole, so every
	// acceptance test also proves that role is enough.
	restricted, err := LeastPrivilegeKubeconfig(ctx, c, ProviderAccount)
	if err != nil {
		fmt.Fprintln(os.Stderr, "acctest: least-privilege kubeconfig:", err)
		return 1
	}
	os.Setenv("KUBE_CONFIG_PATH", restricted)
	// Examples name the provider k8sfleet/k8sfleet.
	os.Setenv("TF_ACC_PROVIDER_NAMESPACE", "k8sfleet")
	return m.Run()
}

// clusterName is unique per test package and process.
func clusterName() string {
	wd, _ := os.Getwd()
	pkg := strings.ToLower(regexp.MustCompile(`[^a-zA-Z0-9]+`).ReplaceAllString(filepath.Base(wd), ""))
	return fmt.Sprintf("acc-%s-%d", pkg, os.Getpid())
}

// SkipUnlessAcc skips the test unless TF_ACC is set: every test that starts terraform or a
// cluster calls it first, so that `go test ./...` needs neither.
func SkipUnlessAcc(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance tests need TF_ACC=1 (make testacc)")
	}
}

// Cluster returns the package's cluster; it skips the test when acceptance tests are off.
func Cluster(t *testing.T) *testcluster.Cluster {
	t.Helper()
	SkipUnlessAcc(t)
	if cluster == nil {
		t.Fatal("TF_ACC is set but the package's TestMain started no cluster (acctest.Main)")
	}
	return cluster
}

// RandomName returns a DNS-1123 name with a prefix, unique enough for one cluster.
func RandomName(prefix string) string {
	return prefix + "-" + rand.String(6)
}

// RepoRoot is the directory of the provider's go.mod.
func RepoRoot() string {
	dir, _ := os.Getwd()
	for {
		if _, err := os.Stat(filepath.Join(dir, "terraform-registry-manifest.json")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// LeastPrivilegeKubeconfig binds a new ServiceAccount to examples/rbac/clusterrole.yaml.
func LeastPrivilegeKubeconfig(ctx context.Context, c *testcluster.Cluster, account string) (string, error) {
	role, err := testcluster.ReadClusterRole(filepath.Join(RepoRoot(), "examples", "rbac", "clusterrole.yaml"))
	if err != nil {
		return "", err
	}
	return c.RestrictedKubeconfig(ctx, account, role)
}
