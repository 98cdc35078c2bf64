package daemonset_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
)

// TestAccDaemonSet_upgradeFromV0 plans a state of schema version 0, written by the provider
// before placement_changes replaced expected_pods (testdata/upgrade-v0), against the same
// DaemonSet: no change, with and without refresh.
func TestAccDaemonSet_upgradeFromV0(t *testing.T) {
	c := acctest.Cluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	config, err := os.ReadFile(filepath.Join("testdata", "upgrade-v0", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	fixture, err := os.ReadFile(filepath.Join("testdata", "upgrade-v0", "state-v0.json"))
	if err != nil {
		t.Fatal(err)
	}
	// The DaemonSet the old state describes, written under the same field manager.
	writer := acctest.NewCLI(t, c.Kubeconfig)
	writeFile(t, filepath.Join(writer.Dir, "main.tf"), config)
	if out, err := writer.Run(ctx, "apply", "-auto-approve"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	// The fixture was written for an object of its own: it gets this one's uid, as a state of
	// the object it manages has (a refresh drops a state whose uid another object now holds).
	live, err := c.Client.AppsV1().DaemonSets("default").Get(ctx, "fluentd-v0", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	fixture = bytes.ReplaceAll(fixture, []byte(fixtureUID), []byte(live.UID))
	cli := acctest.NewCLI(t, c.Kubeconfig)
	writeFile(t, filepath.Join(cli.Dir, "main.tf"), config)
	writeFile(t, filepath.Join(cli.Dir, "terraform.tfstate"), fixture)
	t.Cleanup(func() { _, _ = cli.Run(context.Background(), "destroy", "-auto-approve") })
	for _, args := range [][]string{{"plan", "-refresh=false", "-detailed-exitcode"}, {"plan", "-detailed-exitcode"}} {
		if out, err := cli.Run(ctx, args...); err != nil {
			t.Fatalf("terraform %v on the version 0 state: %v\n%s", args, err, out)
		}
	}
}

// fixtureUID is the metadata.uid in testdata/upgrade-v0/state-v0.json.
const fixtureUID = "57ae5384-8a1c-4882-a1c2-1fc7d5aca528"

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
