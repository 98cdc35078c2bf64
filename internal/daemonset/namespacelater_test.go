package daemonset_test

import (
	"context"
	"regexp"
	"strconv"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
)

// TestAccDaemonSet_namespaceCreatedInTheSameRun: the DaemonSet's namespace does not exist at
// plan time, as when another resource of the same configuration creates it. The plan succeeds
// with a warning that the API server could not validate the DaemonSet and a known prediction;
// the namespace is then created between the plan and the apply of the saved plan, where that
// other resource's create runs, and the apply creates the DaemonSet with the pods predicted.
// No resource of this provider creates namespaces and the tests run no other provider, so the
// test's client stands in for that resource. A namespace nobody creates fails the apply with
// an error that says so.
func TestAccDaemonSet_namespaceCreatedInTheSameRun(t *testing.T) {
	c := acctest.Cluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	ns, name := acctest.RandomName("monitoring"), acctest.RandomName("later")
	cli := acctest.NewCLI(t, c.Kubeconfig)
	cli.Write(t, fluentd{name: name, namespace: ns, resourceExtra: []string{"wait_for_rollout = false"}}.hcl())
	t.Cleanup(func() {
		_, _ = cli.Run(context.Background(), "destroy", "-auto-approve")
		_ = c.Client.CoreV1().Namespaces().Delete(context.Background(), ns, metav1.DeleteOptions{})
	})

	out, err := cli.Run(ctx, "plan", "-out=create.plan")
	if err != nil {
		t.Fatalf("the plan fails while the namespace does not exist yet: %v\n%s", err, out)
	}
	if !wrapped("The API server could not validate this DaemonSet", `namespace "`+ns+`" does not exist yet`).MatchString(out) {
		t.Fatalf("the plan does not warn that the server could not validate the DaemonSet:\n%s", out)
	}
	m := regexp.MustCompile(`expected_pod_count\s+=\s+(\d+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("the plan predicts no pod count:\n%s", out)
	}
	predicted, _ := strconv.Atoi(m[1])

	if _, err := c.Client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if out, err := cli.Run(ctx, "apply", "create.plan"); err != nil {
		t.Fatalf("the saved plan does not apply once the namespace exists: %v\n%s", err, out)
	}
	if err := acctest.DesiredIs(t, ns, name, int32(predicted))(nil); err != nil {
		t.Fatalf("planned %d pods: %v", predicted, err)
	}
	if out, err := cli.Run(ctx, "plan", "-detailed-exitcode"); err != nil {
		t.Fatalf("the plan after apply is not empty: %v\n%s", err, out)
	}

	never := acctest.RandomName("never")
	cli.Write(t, fluentd{name: name, namespace: never, resourceExtra: []string{"wait_for_rollout = false"}}.hcl())
	out, err = cli.Run(ctx, "apply", "-auto-approve")
	if err == nil {
		t.Fatalf("the apply into namespace %s, which nobody creates, succeeds:\n%s", never, out)
	}
	if !wrapped(`namespace "` + never + `" does not exist: create it first`).MatchString(out) {
		t.Fatalf("the apply's error does not say the namespace is missing:\n%s", out)
	}
}
