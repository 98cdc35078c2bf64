// Package testcluster starts and stops the local control plane (kube-apiserver, etcd,
// kube-controller-manager, kube-scheduler and kwok's fake kubelets, built by
// scripts/build-tools.sh) and creates fake nodes. Tests, the demo and benchmarks use it.
package testcluster

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

// Cluster is a running local control plane.
type Cluster struct {
	Name       string
	Kubeconfig string
	Client     kubernetes.Interface
	bin        string
	workdir    string
}

// BinDir is where scripts/build-tools.sh caches the control-plane binaries.
func BinDir() string {
	if d := os.Getenv("K8SFLEET_BIN"); d != "" {
		return d
	}
	cache := os.Getenv("XDG_CACHE_HOME")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache")
	}
	return filepath.Join(cache, "terraform-provider-k8sfleet", "v1.37.2", "bin")
}

// Named refers to a cluster by name, running or not.
func Named(name string) *Cluster {
	bin := BinDir()
	workdir := filepath.Join(filepath.Dir(bin), "kwok")
	return &Cluster{
		Name:       name,
		bin:        bin,
		workdir:    workdir,
		Kubeconfig: filepath.Join(workdir, "clusters", name, "kubeconfig.yaml"),
	}
}

// Options tune a cluster.
type Options struct {
	// Authorization enables RBAC on the API server.
	Authorization bool
	// AuditUsers, when set, makes the API server write an audit log (AuditLog) of these
	// users' requests, with their user agents.
	AuditUsers []string
	// EtcdCompactionInterval, when set, is how often the API server compacts etcd's history
	// (5 minutes by default): resource versions older than two intervals are then gone.
	EtcdCompactionInterval time.Duration
}

// Start creates a cluster named name (kwokctl --runtime binary), waiting until it serves.
// Its ports come from the kernel, not from kwokctl's scan downwards from 32767: two clusters
// starting at once would otherwise get the same etcd peer port, and one of them never serves.
// A cluster that does not come up is deleted and created again, up to three times.
func Start(ctx context.Context, name string, opts Options) (*Cluster, error) {
	bin := BinDir()
	for _, b := range []string{"kwokctl", "kwok", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd"} {
		if _, err := os.Stat(filepath.Join(bin, b)); err != nil {
			return nil, fmt.Errorf("%s is not built in %s: run scripts/build-tools.sh (make tools)", b, bin)
		}
	}
	var err error
	for attempt := 1; attempt <= 3; attempt++ {
		var c *Cluster
		if c, err = start(ctx, name, opts); err == nil {
			return c, nil
		}
		fmt.Fprintf(os.Stderr, "testcluster: starting %s (attempt %d): %v\n", name, attempt, err)
		if ctx.Err() != nil {
			break
		}
	}
	_ = Named(name).Stop(context.Background()) // leave no half-started cluster behind
	return nil, err
}

func start(ctx context.Context, name string, opts Options) (*Cluster, error) {
	c := Named(name)
	bin, workdir := c.bin, c.workdir
	_ = c.kwokctl(ctx, "delete", "cluster") // a cluster left by a killed run or a failed attempt
	// A failed attempt can leave files that the next create would reuse (its PKI among them).
	if err := os.RemoveAll(filepath.Join(workdir, "clusters", name)); err != nil {
		return nil, err
	}

	args := []string{"create", "cluster", "--runtime", "binary",
		"--kube-apiserver-binary", filepath.Join(bin, "kube-apiserver"),
		"--kube-controller-manager-binary", filepath.Join(bin, "kube-controller-manager"),
		"--kube-scheduler-binary", filepath.Join(bin, "kube-scheduler"),
		"--kwok-controller-binary", filepath.Join(bin, "kwok"),
		"--etcd-binary", filepath.Join(bin, "etcd"),
		"--kubeconfig", filepath.Join(workdir, "clusters", name, "merged-kubeconfig"),
		"--disable-qps-limits",
		fmt.Sprintf("--kube-authorization=%t", opts.Authorization),
		"--wait", "60s",
	}
	config, err := clusterConfig(opts)
	if err != nil {
		return nil, err
	}
	defer os.Remove(config)
	args = append(args, "--config", config)
	if len(opts.AuditUsers) > 0 {
		policy, err := auditPolicy(opts.AuditUsers)
		if err != nil {
			return nil, err
		}
		defer os.Remove(policy)
		args = append(args, "--kube-audit-policy", policy)
	}
	if err := c.kwokctl(ctx, args...); err != nil {
		return nil, err
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", c.Kubeconfig)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", c.Kubeconfig, err)
	}
	cfg.QPS, cfg.Burst = 500, 1000
	c.Client, err = kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return c, c.waitServing(ctx)
}

// clusterConfig writes a kwokctl configuration that gives every component a port from the
// kernel (etcd's peer port has no flag, so all of them go in one file), with the API server
// flags opts asks for, and returns its path.
func clusterConfig(opts Options) (string, error) {
	ports, err := freePorts(6)
	if err != nil {
		return "", err
	}
	f, err := os.CreateTemp("", "kwokctl-ports-*.yaml")
	if err != nil {
		return "", err
	}
	_, err = fmt.Fprintf(f, `apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokctlConfiguration
options:
  kubeApiserverPort: %d
  etcdPort: %d
  etcdPeerPort: %d
  kubeControllerManagerPort: %d
  kubeSchedulerPort: %d
  kwokControllerPort: %d
`, ports[0], ports[1], ports[2], ports[3], ports[4], ports[5])
	if err == nil && opts.EtcdCompactionInterval > 0 {
		_, err = fmt.Fprintf(f, `componentsPatches:
- name: kube-apiserver
  extraArgs:
  - key: etcd-compaction-interval
    value: %s
`, opts.EtcdCompactionInterval)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return f.Name(), err
}

// auditPolicy writes an audit policy that records the users' requests at the Metadata level
// (user, verb, resource, user agent; no bodies) and nothing else, and returns its path.
func auditPolicy(users []string) (string, error) {
	f, err := os.CreateTemp("", "kube-audit-policy-*.yaml")
	if err != nil {
		return "", err
	}
	quoted := make([]string, len(users))
	for i, u := range users {
		quoted[i] = fmt.Sprintf("%q", u)
	}
	_, err = fmt.Fprintf(f, `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: Metadata
  users: [%s]
- level: None
`, strings.Join(quoted, ", "))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return f.Name(), err
}

// AuditLog is the API server's audit log, written when the cluster was started with AuditUsers.
func (c *Cluster) AuditLog() string {
	return filepath.Join(c.workdir, "clusters", c.Name, "logs", "audit.log")
}

// freePorts asks the kernel for n distinct unused ports. They are held together until all
// are picked, so none repeats.
func freePorts(n int) ([]int, error) {
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("finding a free port: %w", err)
		}
		defer l.Close()
		addr, ok := l.Addr().(*net.TCPAddr)
		if !ok {
			return nil, fmt.Errorf("unexpected listener address %v", l.Addr())
		}
		ports = append(ports, addr.Port)
	}
	return ports, nil
}

// Stop deletes the cluster and its processes.
func (c *Cluster) Stop(ctx context.Context) error {
	return c.kwokctl(ctx, "delete", "cluster")
}

// Pause stops the cluster's processes, keeping etcd's data, for fault tests.
func (c *Cluster) Pause(ctx context.Context) error {
	return c.kwokctl(ctx, "stop", "cluster")
}

// Resume starts the processes of a paused cluster and waits until it serves.
func (c *Cluster) Resume(ctx context.Context) error {
	if err := c.kwokctl(ctx, "start", "cluster"); err != nil {
		return err
	}
	return c.waitServing(ctx)
}

func (c *Cluster) kwokctl(ctx context.Context, args ...string) error {
	args = append(args, "--name", c.Name)
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, "kwokctl"), args...)
	cmd.Env = append(os.Environ(), "KWOK_WORKDIR="+c.workdir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("kwokctl %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return nil
}

func (c *Cluster) waitServing(ctx context.Context) error {
	deadline := time.Now().Add(60 * time.Second)
	for {
		_, err := c.Client.Discovery().ServerVersion()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("cluster %s does not serve: %w", c.Name, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}
