// Command demo walks the DaemonSet story on the local cluster: for each step it prints the
// plan's expected_pod_count, placement_changes and the pods its warning says stay Pending and,
// after apply, the DaemonSet controller's DESIRED count and the pods the scheduler left Pending.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/testcluster"
)

type step struct {
	title string
	vars  []string
	// before prepares the cluster for the step.
	before func(ctx context.Context, c *testcluster.Cluster) error
}

var steps = []step{
	{"1. fluentd, no toleration", []string{"tolerate_masters=false", "label_loggers=false"}, nil},
	{"2. + toleration for the master taint", []string{"tolerate_masters=true", "label_loggers=false"}, nil},
	{"3. + logger=fluentd on k8s-01, k8s-02 and node_selector", []string{"tolerate_masters=true", "label_loggers=true"}, nil},
	{"4. + memory 1Gi, with k8s-02 nearly full", []string{"tolerate_masters=true", "label_loggers=true", "memory=1Gi",
		"wait_for_rollout=false"}, fillNode("k8s-02", "512Mi")},
}

func main() {
	terraform := flag.String("terraform", "terraform", "terraform binary")
	rc := flag.String("terraformrc", "", "CLI configuration with the provider's filesystem mirror (make install)")
	flag.Parse()
	if err := run(*terraform, *rc); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func run(terraform, rc string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	fmt.Println("== starting the local cluster with the six demo nodes")
	cluster, err := testcluster.Start(ctx, "k8sfleet", testcluster.Options{})
	if err != nil {
		return err
	}
	if err := cluster.CreateNodes(ctx, testcluster.DemoNodes()); err != nil {
		return err
	}
	abs, err := filepath.Abs(rc)
	if err != nil {
		return err
	}
	dir := filepath.Join("build", "demo")
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	src, err := os.ReadFile(filepath.Join("examples", "walkthrough", "main.tf"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), src, 0o644); err != nil {
		return err
	}
	tf, err := newTFRunner(terraform, dir, map[string]string{
		"TF_CLI_CONFIG_FILE": abs, "KUBE_CONFIG_PATH": cluster.Kubeconfig})
	if err != nil {
		return err
	}
	if err := tf.tf.Init(ctx); err != nil {
		return fmt.Errorf("terraform init: %w", err)
	}

	type row struct {
		title, changes, desired string
		planned                 int64
		match                   bool
		pending                 string
	}
	var rows []row
	for i, s := range steps {
		fmt.Printf("\n== step %s\n", s.title)
		if s.before != nil {
			if err := s.before(ctx, cluster); err != nil {
				return err
			}
		}
		out, err := tf.plan(ctx, "step.plan", s.vars)
		if err != nil {
			return err
		}
		printWarnings(out)
		planned, changes, err := tf.plannedPlacement()
		if err != nil {
			return err
		}
		if err := tf.tf.Apply(ctx, tfexec.DirOrPlan("step.plan")); err != nil {
			return fmt.Errorf("terraform apply: %w", err)
		}
		if i == 0 {
			nodes, _ := tf.output(ctx, "nodes")
			fmt.Print("nodes (through data.k8sfleet_nodes):\n", nodes)
		}
		ds, err := cluster.Client.AppsV1().DaemonSets("kube-system").Get(ctx, "fluentd-elasticsearch", metav1.GetOptions{})
		if err != nil {
			return err
		}
		desired := fmt.Sprint(ds.Status.DesiredNumberScheduled)
		pending, err := waitPending(ctx, cluster, pendingIn(out))
		if err != nil {
			return err
		}
		rows = append(rows, row{s.title, changes, desired, planned, fmt.Sprint(planned) == desired && pending.agree, pending.text})
	}
	fmt.Println("\n| step | plan: placement_changes | plan: expected_pod_count | controller: DESIRED | plan: stays Pending | scheduler: Pending | equal |")
	fmt.Println("|---|---|--:|--:|---|---|---|")
	for _, r := range rows {
		fmt.Printf("| %s | %s | %d | %s | %s | %v |\n", r.title, r.changes, r.planned, r.desired, r.pending, r.match)
	}
	fmt.Printf("\nThe cluster keeps running (kubeconfig %s); `make cluster-down` stops it.\n", cluster.Kubeconfig)
	return nil
}

// tfRunner drives terraform through terraform-exec in the demo's working directory.
type tfRunner struct {
	tf *tfexec.Terraform
}

func newTFRunner(bin, dir string, env map[string]string) (*tfRunner, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	tf, err := tfexec.NewTerraform(abs, bin)
	if err != nil {
		return nil, err
	}
	// terraform-exec sets the variables it manages (TF_IN_AUTOMATION, TF_LOG...) itself and
	// refuses them from the caller.
	full := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			full[k] = v
		}
	}
	maps.Copy(full, env)
	for _, k := range tfexec.ProhibitedEnv(full) {
		delete(full, k)
	}
	if err := tf.SetEnv(full); err != nil {
		return nil, err
	}
	return &tfRunner{tf: tf}, nil
}

// plan saves a plan to out and returns terraform's output, for the provider's warnings.
func (t *tfRunner) plan(ctx context.Context, out string, vars []string) (string, error) {
	var buf bytes.Buffer
	t.tf.SetStdout(&buf)
	defer t.tf.SetStdout(nil)
	opts := []tfexec.PlanOption{tfexec.Out(out)}
	for _, v := range vars {
		opts = append(opts, tfexec.Var(v))
	}
	if _, err := t.tf.Plan(ctx, opts...); err != nil {
		return "", fmt.Errorf("terraform plan: %w\n%s", err, buf.String())
	}
	return buf.String(), nil
}

// output returns one output's value as indented JSON.
func (t *tfRunner) output(ctx context.Context, name string) (string, error) {
	outputs, err := t.tf.Output(ctx)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, outputs[name].Value, "", "  "); err != nil {
		return "", err
	}
	return buf.String() + "\n", nil
}

// planJSON is `terraform show -json` of a saved plan.
func (t *tfRunner) planJSON(ctx context.Context, plan string) ([]byte, error) {
	p, err := t.tf.ShowPlanFile(ctx, plan)
	if err != nil {
		return nil, fmt.Errorf("terraform show: %w", err)
	}
	return json.Marshal(p)
}

// plannedPlacement reads the DaemonSet's planned expected_pod_count and placement_changes
// from the saved plan, the changes summed per sign: "+3 (k8s-01, k8s-02, k8s-03)".
func (t *tfRunner) plannedPlacement() (int64, string, error) {
	raw, err := t.planJSON(context.Background(), "step.plan")
	if err != nil {
		return 0, "", err
	}
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				After struct {
					Count   int64             `json:"expected_pod_count"`
					Changes map[string]string `json:"placement_changes"`
				} `json:"after"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal(raw, &plan); err != nil {
		return 0, "", err
	}
	for _, rc := range plan.ResourceChanges {
		if rc.Address != "k8sfleet_daemonset.fluentd" {
			continue
		}
		bySign := map[string][]string{}
		for node, change := range rc.Change.After.Changes {
			sign := change[:1]
			bySign[sign] = append(bySign[sign], node)
		}
		var parts []string
		for _, sign := range []string{"+", "-"} {
			if nodes := bySign[sign]; len(nodes) > 0 {
				sort.Strings(nodes)
				parts = append(parts, fmt.Sprintf("%s%d (%s)", sign, len(nodes), strings.Join(nodes, ", ")))
			}
		}
		if len(parts) == 0 {
			parts = []string{"none"}
		}
		return rc.Change.After.Count, strings.Join(parts, " "), nil
	}
	return 0, "", fmt.Errorf("the plan has no k8sfleet_daemonset.fluentd")
}

// printWarnings shows the provider's placement warnings from the plan output.
func printWarnings(out string) {
	if i := strings.Index(out, "\nWarning: DaemonSet"); i >= 0 {
		fmt.Println(strings.TrimSpace(out[i:]))
	}
}
