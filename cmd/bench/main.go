// Command bench measures the provider at fleet scale (issue 6): for each node count it
// starts the local control plane with that many fake nodes and times real terraform runs
// (DaemonSet plans with and without prediction, node_label and node_taint applies in both
// forms, and terraform_data as Terraform's own floor), counting the provider's API requests
// from its request log and sampling its peak memory. It prints Markdown tables, writes them
// to bench/out/results-<date>.md, and renders bench/RESULTS.md from every node count measured
// so far (bench/results/n<N>.json).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/testcluster"
)

type config struct {
	terraform   string
	rc          string
	ref         string
	before      string
	nodes       []int
	foreachMax  int
	only        *regexp.Regexp
	outDir      string
	resultsDir  string
	page        string
	goBench     bool
	keepCluster bool
}

func main() {
	var c config
	nodes := flag.String("nodes", "100,1000", "comma-separated node counts")
	large := flag.Bool("large", false, "also measure 5000 nodes (about 40 s to create the nodes, and longer runs)")
	only := flag.String("only", "", "run only the scenarios whose name matches this regular expression")
	flag.StringVar(&c.terraform, "terraform", "terraform", "terraform binary")
	flag.StringVar(&c.rc, "terraformrc", "", "CLI configuration with a filesystem mirror of the provider to measure (make install); "+
		"unset, the provider is built from -ref into the run's own mirror")
	flag.StringVar(&c.ref, "ref", "HEAD", "git ref to build the provider from, or \"worktree\" for the working tree as it is")
	flag.StringVar(&c.before, "before", "", "git ref of an earlier provider to measure the 20 DaemonSets with as well, in the same cluster "+
		"(scenario "+scenarioBefore+"), for the state-size comparison")
	flag.IntVar(&c.foreachMax, "foreach-max", 1000, "largest node count measured with one resource per node (for_each)")
	flag.StringVar(&c.outDir, "out", "bench/out", "directory for working directories, logs and dated results (gitignored)")
	flag.StringVar(&c.resultsDir, "results", "bench/results", "directory of the per-node-count JSON results that RESULTS.md is rendered from")
	flag.StringVar(&c.page, "page", "bench/RESULTS.md", "results page to update")
	flag.BoolVar(&c.goBench, "gobench", true, "also run internal/placement's BenchmarkPredict")
	flag.BoolVar(&c.keepCluster, "keep", false, "leave each cluster running")
	flag.IntVar(&planRepeats, "repeat", planRepeats, "how often each DaemonSet plan runs (the fastest counts)")
	render := flag.Bool("render", false, "only render the results page from the stored JSON results")
	flag.Parse()

	for _, f := range strings.Split(*nodes, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			fatalf("invalid -nodes entry %q", f)
		}
		c.nodes = append(c.nodes, n)
	}
	if *large && !contains(c.nodes, 5000) {
		c.nodes = append(c.nodes, 5000)
	}
	if *only != "" {
		c.only = regexp.MustCompile(*only)
	}
	var err error
	if *render {
		_, err = renderPage(c)
	} else {
		err = run(c)
	}
	if err != nil {
		fatalf("%v", err)
	}
}

func run(c config) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	machine, err := describeMachine(ctx, c.terraform)
	if err != nil {
		return err
	}
	stamp := time.Now().UTC().Format("2006-01-02T150405Z")
	runDir, err := filepath.Abs(filepath.Join(c.outDir, stamp))
	if err != nil {
		return err
	}
	fmt.Printf("bench: %s\nbench: working directories under %s\n", machine.String(), runDir)
	var rc string
	if c.rc != "" {
		if rc, err = filepath.Abs(c.rc); err != nil {
			return err
		}
		if _, err := os.Stat(rc); err != nil {
			return fmt.Errorf("%s: run make install first (it writes the filesystem mirror configuration)", rc)
		}
		machine.Provider = "the mirror of " + c.rc
	} else {
		if rc, machine.Provider, err = buildProvider(ctx, c.ref, runDir); err != nil {
			return err
		}
	}
	fmt.Printf("bench: provider from %s\n", machine.Provider)
	var beforeRC string
	if c.before != "" {
		if beforeRC, machine.Before, err = buildProvider(ctx, c.before, filepath.Join(runDir, "before")); err != nil {
			return err
		}
		fmt.Printf("bench: scenario %s with the provider from %s\n", scenarioBefore, machine.Before)
	}

	if c.goBench {
		// Before any cluster starts, so that the figures are not disturbed by one.
		fmt.Println("== go test ./internal/placement -run x -bench . -benchtime 20x -benchmem")
		out, err := runGoBench(ctx)
		if err != nil {
			return err
		}
		fmt.Print(out)
		if err := saveGoBench(c.resultsDir, out, machine); err != nil {
			return err
		}
	}

	for _, n := range c.nodes {
		if _, err := benchNodes(ctx, c, machine, rc, beforeRC, filepath.Join(runDir, fmt.Sprintf("n%d", n)), n); err != nil {
			return err
		}
	}

	md, err := renderPage(c)
	if err != nil {
		return err
	}
	fmt.Print("\n", md, "\n")
	dated := filepath.Join(c.outDir, "results-"+time.Now().UTC().Format("2006-01-02")+".md")
	if err := os.WriteFile(dated, []byte(md), 0o644); err != nil {
		return err
	}
	fmt.Printf("bench: wrote %s (every node count in %s)\n", dated, c.resultsDir)
	return nil
}

// benchNodes runs every scenario on a fresh cluster with n nodes.
func benchNodes(ctx context.Context, c config, machine Machine, rc, beforeRC, dir string, n int) (*nodeRun, error) {
	fmt.Printf("\n== %d nodes: starting the local cluster\n", n)
	nr := &nodeRun{Nodes: n, Started: time.Now().UTC(), Machine: machine}
	name := fmt.Sprintf("bench-%d-%d", n, os.Getpid())
	start := time.Now()
	cluster, err := startCluster(ctx, name)
	if err != nil {
		return nil, err
	}
	if !c.keepCluster {
		defer func() {
			stopCtx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			if err := cluster.Stop(stopCtx); err != nil {
				fmt.Fprintln(os.Stderr, "bench: stopping the cluster:", err)
			}
		}()
	}
	if err := createNodes(ctx, cluster, n); err != nil {
		return nil, err
	}
	if err := createQuotaNamespace(ctx, cluster); err != nil {
		return nil, err
	}
	nr.SetupSeconds = time.Since(start).Seconds()
	fmt.Printf("== %d nodes ready in %.1f s (kubeconfig %s)\n", n, nr.SetupSeconds, cluster.Kubeconfig)

	for _, sc := range scenarios(n, c.foreachMax) {
		if c.only != nil && !c.only.MatchString(sc.Name) {
			continue
		}
		if sc.Before && beforeRC == "" {
			continue
		}
		if ctx.Err() != nil {
			return nr, ctx.Err()
		}
		tf := &tfRunner{bin: c.terraform, dir: filepath.Join(dir, sc.Name), rc: rc, kubeconfig: cluster.Kubeconfig}
		if sc.Before {
			tf.rc = beforeRC
		}
		results := runScenario(ctx, tf, sc, n)
		nr.Results = append(nr.Results, results...)
		if err := mergeNodeRun(c.resultsDir, nr); err != nil {
			return nr, err
		}
	}
	fmt.Print("\n", renderNodeTable(nr))
	return nr, nil
}

// createNodes creates the fleet and waits, longer than CreateNodes alone, until every node is
// ready: on a busy machine the node lifecycle controller takes more than its five minutes to
// clear the not-ready taints of 5,000 nodes.
func createNodes(ctx context.Context, cluster *testcluster.Cluster, n int) error {
	nodes := testcluster.FleetNodes(nodePrefix, n)
	for i := max(n-tenNodes, 0); i < n; i++ {
		nodes[i].Taints = []corev1.Taint{TenTaint}
	}
	err := cluster.CreateNodes(ctx, nodes)
	if err == nil || !strings.Contains(err.Error(), "not ready") {
		return err
	}
	names := make([]string, len(nodes))
	for i, node := range nodes {
		names[i] = node.Name
	}
	for attempt := 1; attempt <= 3 && err != nil && ctx.Err() == nil; attempt++ {
		fmt.Printf("bench: %s; waiting again\n", firstLine(err.Error()))
		err = cluster.WaitNodesReady(ctx, names)
	}
	return err
}

// createQuotaNamespace makes QuotaNamespace, where no pod may be created.
func createQuotaNamespace(ctx context.Context, cluster *testcluster.Cluster) error {
	_, err := cluster.Client.CoreV1().Namespaces().Create(ctx,
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: QuotaNamespace}}, metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("creating namespace %s: %w", QuotaNamespace, err)
	}
	quota := &corev1.ResourceQuota{
		ObjectMeta: metav1.ObjectMeta{Name: "no-pods", Namespace: QuotaNamespace},
		Spec:       corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{corev1.ResourcePods: resource.MustParse("0")}},
	}
	if _, err := cluster.Client.CoreV1().ResourceQuotas(QuotaNamespace).Create(ctx, quota, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("creating the quota in %s: %w", QuotaNamespace, err)
	}
	return nil
}

// startCluster retries: clusters started at the same moment by others on this machine can
// pick the same free port, and then one of them does not serve.
func startCluster(ctx context.Context, name string) (*testcluster.Cluster, error) {
	var err error
	for attempt := 1; attempt <= 3; attempt++ {
		var cluster *testcluster.Cluster
		if cluster, err = testcluster.Start(ctx, name, testcluster.Options{}); err == nil {
			return cluster, nil
		}
		fmt.Printf("bench: starting cluster %s (attempt %d): %v\n", name, attempt, firstLine(err.Error()))
		stopCtx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		_ = testcluster.Named(name).Stop(stopCtx)
		cancel()
		if ctx.Err() != nil {
			break
		}
	}
	return nil, err
}

func contains(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
	os.Exit(1)
}
