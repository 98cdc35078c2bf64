package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// Machine describes where the figures were measured.
type Machine struct {
	CPUs      int    `json:"cpus"`
	CPUModel  string `json:"cpu_model"`
	MemoryMiB int    `json:"memory_mib"`
	Kernel    string `json:"kernel"`
	Go        string `json:"go"`
	Terraform string `json:"terraform"`
	LoadAvg   string `json:"loadavg_at_start"`
	Provider  string `json:"provider"`
	Before    string `json:"before,omitempty"` // the provider of scenario ds-20-before (-before)
}

func (m Machine) String() string {
	s := fmt.Sprintf("%d CPUs (%s), %d MiB memory, Linux %s, %s, Terraform %s, load average at start %s",
		m.CPUs, m.CPUModel, m.MemoryMiB, m.Kernel, m.Go, m.Terraform, m.LoadAvg)
	if m.Provider != "" {
		s += "; provider built from " + m.Provider
	}
	if m.Before != "" {
		s += "; " + scenarioBefore + " with the provider built from " + m.Before
	}
	return s
}

func describeMachine(ctx context.Context, terraform string) (Machine, error) {
	m := Machine{CPUs: runtime.NumCPU(), Go: runtime.Version()}
	if out, err := exec.CommandContext(ctx, "go", "env", "GOVERSION").Output(); err == nil {
		m.Go = strings.TrimSpace(string(out))
	}
	out, err := exec.CommandContext(ctx, terraform, "version", "-json").Output()
	if err != nil {
		return m, fmt.Errorf("%s version: %w", terraform, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		return m, fmt.Errorf("%s version -json: %w", terraform, err)
	}
	m.Terraform = v.Version
	m.CPUModel = procField("/proc/cpuinfo", "model name")
	var kib int
	_, _ = fmt.Sscanf(procField("/proc/meminfo", "MemTotal"), "%d", &kib)
	m.MemoryMiB = kib / 1024
	if raw, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(raw))
	}
	if raw, err := os.ReadFile("/proc/loadavg"); err == nil {
		m.LoadAvg = strings.Join(strings.Fields(string(raw))[:3], " ")
	}
	return m, nil
}

// procField reads the first "key: value" line of a /proc file.
func procField(path, key string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// goBenchArgs is the placement package's benchmark at 5,000 nodes.
var goBenchArgs = []string{"test", "./internal/placement", "-run", "x", "-bench", ".", "-benchtime", "20x", "-benchmem"}

func runGoBench(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", goBenchArgs...).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go %s: %w\n%s", strings.Join(goBenchArgs, " "), err, out)
	}
	return string(out), nil
}

// goBenchResult is the stored output of the Go benchmark.
type goBenchResult struct {
	Command string    `json:"command"`
	Ran     time.Time `json:"ran"`
	Machine Machine   `json:"machine"`
	Output  string    `json:"output"`
}

func saveGoBench(dir, out string, m Machine) error {
	return writeJSON(filepath.Join(dir, "placement.json"), goBenchResult{
		Command: "go " + strings.Join(goBenchArgs, " "), Ran: time.Now().UTC(), Machine: m, Output: out,
	})
}

func writeJSON(path string, v any) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	raw, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(raw, '\n'), 0o644)
}

// loadAvg1 is the one-minute load average: the machine is shared, and this says how busy it was.
func loadAvg1() float64 {
	var l float64
	if raw, err := os.ReadFile("/proc/loadavg"); err == nil {
		_, _ = fmt.Sscanf(string(raw), "%f", &l)
	}
	return l
}
