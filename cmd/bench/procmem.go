package main

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// sampleEvery is how often /proc is read while terraform runs.
const sampleEvery = 100 * time.Millisecond

// providerComm is the kernel's 15-byte name of terraform-provider-k8sfleet_v0.0.1.
const providerComm = "terraform-provi"

// memSample is the peak memory seen, in KiB: the largest of VmHWM (the kernel's own high-water
// mark, read as late as possible) and VmRSS over every sample.
type memSample struct {
	terraform uint64
	providers map[int]uint64
	// providerTicks is each provider process's CPU time (user and system) at its last sample.
	providerTicks map[int]uint64
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat's CPU times (100 on Linux).
const clockTicks = 100

// providerCPUSeconds is the CPU time of every provider process, as last sampled (a process's
// final 100 ms can be missed).
func (m memSample) providerCPUSeconds() float64 {
	var t uint64
	for _, v := range m.providerTicks {
		t += v
	}
	return float64(t) / clockTicks
}

func (m memSample) providerPeakMiB() float64 {
	var peak uint64
	for _, kib := range m.providers {
		peak = max(peak, kib)
	}
	return float64(peak) / 1024
}

func (m memSample) terraformPeakMiB() float64 { return float64(m.terraform) / 1024 }

type sampler struct {
	pid  int
	done chan struct{}
	wg   sync.WaitGroup
	mem  memSample
}

// startSampler polls terraform (pid) and its provider child processes until stop. Only the
// children of this terraform count: other provider processes on the machine are not ours.
func startSampler(pid int) *sampler {
	s := &sampler{pid: pid, done: make(chan struct{}), mem: memSample{providers: map[int]uint64{}, providerTicks: map[int]uint64{}}}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(sampleEvery)
		defer t.Stop()
		for {
			s.sample()
			select {
			case <-s.done:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *sampler) stop() memSample {
	close(s.done)
	s.wg.Wait()
	return s.mem
}

func (s *sampler) sample() {
	if kib, ok := peakKiB(s.pid); ok {
		s.mem.terraform = max(s.mem.terraform, kib)
	}
	for _, child := range children(s.pid) {
		comm, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(child), "comm"))
		if err != nil || !strings.HasPrefix(string(comm), providerComm) {
			continue
		}
		if kib, ok := peakKiB(child); ok {
			s.mem.providers[child] = max(s.mem.providers[child], kib)
		}
		if ticks, ok := cpuTicks(child); ok {
			s.mem.providerTicks[child] = max(s.mem.providerTicks[child], ticks)
		}
	}
}

// children lists the child processes of pid from /proc/<pid>/task/*/children.
func children(pid int) []int {
	tasks, _ := filepath.Glob(filepath.Join("/proc", strconv.Itoa(pid), "task", "*", "children"))
	var out []int
	for _, f := range tasks {
		raw, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, field := range strings.Fields(string(raw)) {
			if c, err := strconv.Atoi(field); err == nil {
				out = append(out, c)
			}
		}
	}
	return out
}

// peakKiB reads max(VmHWM, VmRSS) of a process.
func peakKiB(pid int) (uint64, bool) {
	f, err := os.Open(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0, false
	}
	defer f.Close()
	var peak uint64
	found := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "VmHWM:") && !strings.HasPrefix(line, "VmRSS:") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 2 {
			continue
		}
		if v, err := strconv.ParseUint(fields[1], 10, 64); err == nil {
			peak, found = max(peak, v), true
		}
	}
	return peak, found
}

// cpuTicks reads utime+stime of a process from /proc/<pid>/stat.
func cpuTicks(pid int) (uint64, bool) {
	raw, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, false
	}
	i := strings.LastIndexByte(string(raw), ')')
	if i < 0 {
		return 0, false
	}
	fields := strings.Fields(string(raw[i+1:]))
	if len(fields) < 13 {
		return 0, false
	}
	// After the command name: state is field 3 of the line, utime 14 and stime 15.
	utime, err1 := strconv.ParseUint(fields[11], 10, 64)
	stime, err2 := strconv.ParseUint(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return utime + stime, true
}
