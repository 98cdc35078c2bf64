package acctest

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8stypes "k8s.io/apimachinery/pkg/types"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/testcluster"
)

// CompactionInterval is short so that a refresh's resource version is gone within seconds.
const CompactionInterval = 3 * time.Second

// CompactingCluster starts a cluster of the test's own whose API server compacts its history
// every CompactionInterval, with nodes; it stops when the test ends. The saved-plan tests use
// it: a pipeline applies a plan minutes or hours after it was made.
func CompactingCluster(ctx context.Context, t *testing.T, name string, nodes []testcluster.Node) *testcluster.Cluster {
	t.Helper()
	Cluster(t) // skips without TF_ACC
	c, err := testcluster.Start(ctx, fmt.Sprintf("acc-%s-%d", name, os.Getpid()), testcluster.Options{EtcdCompactionInterval: CompactionInterval})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Stop(context.Background()) })
	if err := c.CreateNodes(ctx, nodes); err != nil {
		t.Fatal(err)
	}
	return c
}

// WaitCompacted waits until the API server no longer serves the node list at rv.
func WaitCompacted(ctx context.Context, t *testing.T, c *testcluster.Cluster, rv string) {
	t.Helper()
	deadline := time.Now().Add(20 * CompactionInterval)
	for {
		_, err := c.Client.CoreV1().Nodes().List(ctx, metav1.ListOptions{ResourceVersion: rv, ResourceVersionMatch: metav1.ResourceVersionMatchExact})
		if apierrors.IsResourceExpired(err) || apierrors.IsGone(err) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("resource version %s is still served (err %v)", rv, err)
		}
		// A write moves etcd's revision past rv, so that the compaction drops rv.
		patch := fmt.Sprintf(`{"metadata":{"annotations":{"k8sfleet.io/tick":"%d"}}}`, time.Now().UnixNano())
		_, _ = c.Client.CoreV1().Namespaces().Patch(ctx, "default", k8stypes.MergePatchType, []byte(patch), metav1.PatchOptions{})
		time.Sleep(CompactionInterval / 2)
	}
}
