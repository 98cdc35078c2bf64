package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
)

// stepTimeout bounds one terraform command.
const stepTimeout = 45 * time.Minute

// tfRunner runs terraform in one scenario's working directory. It starts the process itself
// rather than through terraform-exec, which the demo and the acceptance harness use: the
// memory sampler needs terraform's pid, the CPU time is wait4's rusage of terraform and the
// providers it reaped (ProcessState), a step may expect a non-zero exit code, and
// terraform-exec would add `terraform version -json` runs to the commands being timed.
type tfRunner struct {
	bin, dir, rc, kubeconfig string
}

// Result is one timed terraform command.
type Result struct {
	Scenario  string `json:"scenario"`
	Kind      string `json:"kind"`
	Form      string `json:"form"`
	Resources int    `json:"resources"`
	QPS       string `json:"qps"`
	Predict   bool   `json:"predict_placement"`
	Pinned    bool   `json:"pinned,omitempty"`
	Step      string `json:"step"`
	Measured  string `json:"measured"`

	WallSeconds          float64        `json:"wall_seconds"`
	WallRuns             []float64      `json:"wall_runs,omitempty"`
	Requests             map[string]int `json:"requests"`
	RateLimitWaitSeconds float64        `json:"ratelimit_wait_seconds"`
	RateLimitWaits       int            `json:"ratelimit_waits"`
	ProviderPeakMiB      float64        `json:"provider_peak_mib"`
	ProviderProcesses    int            `json:"provider_processes"`
	TerraformPeakMiB     float64        `json:"terraform_peak_mib"`
	CPUSeconds           float64        `json:"cpu_seconds"`
	ProviderCPUSeconds   float64        `json:"provider_cpu_seconds"`
	LoadAvg              float64        `json:"loadavg_1m_before"`
	StateBytes           int64          `json:"state_bytes,omitempty"` // terraform.tfstate after the step
	Error                string         `json:"error,omitempty"`
}

// TotalRequests sums the requests of every verb and resource.
func (r *Result) TotalRequests() int {
	n := 0
	for _, v := range r.Requests {
		n += v
	}
	return n
}

// runScenario writes the configuration, runs terraform init, then each step; a failed step
// ends the scenario after a best-effort destroy, so that the next one starts clean.
func runScenario(ctx context.Context, tf *tfRunner, sc scenario, nodes int) []Result {
	fmt.Printf("-- %d nodes, %s: %d x %s (%s), qps %s\n", nodes, sc.Name, sc.Resources, sc.Kind, sc.Form, sc.QPS)
	base := Result{Scenario: sc.Name, Kind: sc.Kind, Form: sc.Form, Resources: sc.Resources, QPS: sc.QPS,
		Predict: sc.Predict, Pinned: sc.Pinned}
	fail := func(stepName string, err error) []Result {
		r := base
		r.Step, r.Error = stepName, err.Error()
		fmt.Printf("   %-18s FAILED: %v\n", stepName, firstLine(err.Error()))
		return []Result{r}
	}
	if err := os.MkdirAll(tf.dir, 0o755); err != nil {
		return fail("setup", err)
	}
	if err := os.WriteFile(filepath.Join(tf.dir, "main.tf"), []byte(sc.HCL), 0o644); err != nil {
		return fail("setup", err)
	}
	if _, err := tf.run(ctx, "init", step{"init", []string{"init", "-input=false", "-no-color"}, 0}); err != nil {
		return fail("init", err)
	}
	var out []Result
	destroyed := false
	for _, st := range sc.Steps {
		r, err := tf.runRepeated(ctx, st, sc.Repeat)
		r.Scenario, r.Kind, r.Form, r.Resources, r.QPS = base.Scenario, base.Kind, base.Form, base.Resources, base.QPS
		r.Predict, r.Pinned = base.Predict, base.Pinned
		if err != nil {
			r.Error = err.Error()
		}
		out = append(out, r)
		fmt.Printf("   %-18s %7.2f s  cpu %6.2f s (provider %6.2f s)  %5d requests  wait %6.2f s  provider %6.1f MiB  %s\n",
			st.Name, r.WallSeconds, r.CPUSeconds, r.ProviderCPUSeconds, r.TotalRequests(), r.RateLimitWaitSeconds, r.ProviderPeakMiB, firstLine(r.Error))
		if st.Name == stepDestroy.Name {
			destroyed = true
		}
		if err != nil {
			break
		}
	}
	if !destroyed {
		if _, err := tf.run(ctx, "cleanup", stepDestroy); err != nil {
			fmt.Printf("   cleanup destroy failed: %v\n", firstLine(err.Error()))
		}
	}
	return out
}

// runRepeated runs a plan step n times and keeps the fastest run, with every wall time, the
// largest memory and the smallest CPU times; other steps run once.
func (t *tfRunner) runRepeated(ctx context.Context, st step, n int) (Result, error) {
	if n < 2 || st.Args[0] != "plan" {
		return t.run(ctx, st.Name, st)
	}
	var best Result
	var walls []float64
	peak, tfPeak, cpu, providerCPU := 0.0, 0.0, math.Inf(1), math.Inf(1)
	for i := range n {
		r, err := t.run(ctx, fmt.Sprintf("%s %d", st.Name, i+1), st)
		if err != nil {
			return r, err
		}
		walls = append(walls, r.WallSeconds)
		peak, tfPeak = max(peak, r.ProviderPeakMiB), max(tfPeak, r.TerraformPeakMiB)
		cpu, providerCPU = min(cpu, r.CPUSeconds), min(providerCPU, r.ProviderCPUSeconds)
		if i == 0 || r.WallSeconds < best.WallSeconds {
			best = r
		}
	}
	best.WallRuns, best.ProviderPeakMiB, best.TerraformPeakMiB = walls, peak, tfPeak
	best.CPUSeconds, best.ProviderCPUSeconds = cpu, providerCPU
	return best, nil
}

// run times one terraform command, with a fresh request log and the memory sampler.
func (t *tfRunner) run(ctx context.Context, label string, st step) (Result, error) {
	var r Result
	r.Step = st.Name
	slug := strings.NewReplacer(" ", "-", "(", "", ")", "").Replace(label)
	reqLog := filepath.Join(t.dir, "requests-"+slug+".log")
	_ = os.Remove(reqLog)
	outLog, err := os.Create(filepath.Join(t.dir, "terraform-"+slug+".log"))
	if err != nil {
		return r, err
	}
	defer outLog.Close()

	r.LoadAvg, r.Measured = loadAvg1(), time.Now().UTC().Format(time.RFC3339)
	ctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, t.bin, st.Args...)
	cmd.Dir = t.dir
	cmd.Stdout, cmd.Stderr = outLog, outLog
	cmd.Env = append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+t.rc,
		"KUBE_CONFIG_PATH="+t.kubeconfig,
		kube.RequestLogEnv+"="+reqLog,
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
	)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return r, err
	}
	sampler := startSampler(cmd.Process.Pid)
	err = cmd.Wait()
	r.WallSeconds = time.Since(start).Seconds()
	mem := sampler.stop()
	r.ProviderPeakMiB, r.ProviderProcesses, r.TerraformPeakMiB = mem.providerPeakMiB(), len(mem.providers), mem.terraformPeakMiB()
	r.ProviderCPUSeconds = mem.providerCPUSeconds()
	if ps := cmd.ProcessState; ps != nil {
		// wait4's usage covers terraform and the children it reaped: the providers.
		r.CPUSeconds = (ps.UserTime() + ps.SystemTime()).Seconds()
	}

	if fi, err := os.Stat(filepath.Join(t.dir, "terraform.tfstate")); err == nil {
		r.StateBytes = fi.Size()
	}
	reqs, err2 := readRequestLog(reqLog)
	if err2 != nil {
		return r, err2
	}
	r.Requests, r.RateLimitWaitSeconds, r.RateLimitWaits = reqs.counts, reqs.wait.Seconds(), reqs.waits

	code := 0
	if err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			return r, err
		}
		code = exit.ExitCode()
	}
	if code != st.WantExit {
		tail, _ := os.ReadFile(outLog.Name())
		msg := fmt.Sprintf("terraform %s exited %d, want %d (%s)", st.Args[0], code, st.WantExit, outLog.Name())
		if st.WantExit == 0 && code == 2 {
			msg = "the no-change plan is not empty (" + outLog.Name() + ")"
		}
		return r, fmt.Errorf("%s\n%s", msg, lastLines(string(tail), 30))
	}
	return r, nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
