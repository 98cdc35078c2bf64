// Command localcluster starts and stops the local control plane with fake nodes, for
// `make cluster-up`, `make cluster-down` and `make demo`.
//
//	localcluster up   [-name k8sfleet] [-nodes demo|N]   prints the kubeconfig path
//	localcluster down [-name k8sfleet]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/testcluster"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	name := fs.String("name", "k8sfleet", "cluster name")
	nodes := fs.String("nodes", "demo", "`demo` for the six walk-through nodes, or a number of fleet nodes")
	_ = fs.Parse(os.Args[2:])
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()

	var err error
	switch os.Args[1] {
	case "up":
		err = up(ctx, *name, *nodes)
	case "down":
		err = testcluster.Named(*name).Stop(ctx)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "localcluster:", err)
		os.Exit(1)
	}
}

func up(ctx context.Context, name, nodeSpec string) error {
	start := time.Now()
	c, err := testcluster.Start(ctx, name, testcluster.Options{})
	if err != nil {
		return err
	}
	nodes := testcluster.DemoNodes()
	if nodeSpec != "demo" {
		n, err := strconv.Atoi(nodeSpec)
		if err != nil || n < 0 {
			return fmt.Errorf("-nodes: %q is neither demo nor a number", nodeSpec)
		}
		nodes = testcluster.FleetNodes("node", n)
	}
	if err := c.CreateNodes(ctx, nodes); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "cluster %s is up with %d nodes in %s\n", name, len(nodes), time.Since(start).Round(100*time.Millisecond))
	fmt.Println(c.Kubeconfig)
	return nil
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: localcluster up|down [-name NAME] [-nodes demo|N]")
	os.Exit(2)
}
