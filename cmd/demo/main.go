// Command demo walks the DaemonSet story on the local cluster: for each step it prints the
// plan's expected pods and, after apply, the DaemonSet controller's DESIRED count.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/testcluster"
)

type step struct {
	title string
	vars  []string
}

var steps = []step{
	{"1. fluentd, no toleration", []string{"tolerate_masters=false", "label_loggers=false"}},
	{"2. + toleration for the master taint", []string{"tolerate_masters=true", "label_loggers=false"}},
	{"3. + logger=fluentd on k8s-01, k8s-02 and node_selector", []string{"tolerate_masters=true", "label_loggers=true"}},
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
	tf := &tfRunner{bin: terraform, dir: dir, env: append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+abs, "KUBE_CONFIG_PATH="+cluster.Kubeconfig, "TF_IN_AUTOMATION=1")}
	if _, err := tf.run("init", "-input=false", "-no-color"); err != nil {
		return err
	}

	type row struct {
		title, planned, desired string
		match                   bool
	}
	var rows []row
	for i, s := range steps {
		fmt.Printf("\n== step %s\n", s.title)
		args := []string{"plan", "-input=false", "-no-color", "-out=step.plan"}
		for _, v := range s.vars {
			args = append(args, "-var", v)
		}
		out, err := tf.run(args...)
		if err != nil {
			return err
		}
		printWarnings(out)
		planned, err := tf.plannedPods()
		if err != nil {
			return err
		}
		if _, err := tf.run("apply", "-input=false", "-no-color", "step.plan"); err != nil {
			return err
		}
		if i == 0 {
			nodes, _ := tf.run("output", "-no-color", "nodes")
			fmt.Print("nodes (through data.k8sfleet_nodes):\n", nodes)
		}
		ds, err := cluster.Client.AppsV1().DaemonSets("kube-system").Get(ctx, "fluentd-elasticsearch", metav1.GetOptions{})
		if err != nil {
			return err
		}
		desired := fmt.Sprint(ds.Status.DesiredNumberScheduled)
		rows = append(rows, row{s.title, planned, desired, strings.HasPrefix(planned, desired+" ")})
	}
	fmt.Println("\n| step | plan: expected_pods | controller: DESIRED | equal |")
	fmt.Println("|---|---|---|---|")
	for _, r := range rows {
		fmt.Printf("| %s | %s | %s | %v |\n", r.title, r.planned, r.desired, r.match)
	}
	fmt.Printf("\nThe cluster keeps running (kubeconfig %s); `make cluster-down` stops it.\n", cluster.Kubeconfig)
	return nil
}

type tfRunner struct {
	bin, dir string
	env      []string
}

func (t *tfRunner) run(args ...string) (string, error) {
	cmd := exec.Command(t.bin, args...)
	cmd.Dir, cmd.Env = t.dir, t.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("terraform %s: %w\n%s", args[0], err, out)
	}
	return string(out), nil
}

// plannedPods reads the planned expected_pods of the DaemonSet from the saved plan.
func (t *tfRunner) plannedPods() (string, error) {
	cmd := exec.Command(t.bin, "show", "-json", "step.plan")
	cmd.Dir, cmd.Env = t.dir, t.env
	raw, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("terraform show: %w", err)
	}
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				After map[string]json.RawMessage `json:"after"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal(raw, &plan); err != nil {
		return "", err
	}
	for _, rc := range plan.ResourceChanges {
		if rc.Address != "k8sfleet_daemonset.fluentd" {
			continue
		}
		var pods map[string]int
		if err := json.Unmarshal(rc.Change.After["expected_pods"], &pods); err != nil {
			return "", fmt.Errorf("expected_pods: %w", err)
		}
		var on []string
		for n, c := range pods {
			if c > 0 {
				on = append(on, n)
			}
		}
		sort.Strings(on)
		return fmt.Sprintf("%d (%s)", len(on), strings.Join(on, ", ")), nil
	}
	return "", fmt.Errorf("the plan has no k8sfleet_daemonset.fluentd")
}

// printWarnings shows the provider's placement warnings from the plan output.
func printWarnings(out string) {
	if i := strings.Index(out, "\nWarning: DaemonSet"); i >= 0 {
		fmt.Println(strings.TrimSpace(out[i:]))
	}
}
