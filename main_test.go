package main

import (
	"runtime/debug"
	"testing"
)

func TestLimitMemory(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))

	t.Setenv("GOMEMLIMIT", "")
	debug.SetMemoryLimit(1 << 40)
	limitMemory()
	if got := debug.SetMemoryLimit(-1); got != softMemoryLimit {
		t.Errorf("limit without GOMEMLIMIT = %d, want %d", got, softMemoryLimit)
	}

	t.Setenv("GOMEMLIMIT", "300MiB")
	debug.SetMemoryLimit(300 << 20) // what the runtime read from GOMEMLIMIT at start
	limitMemory()
	if got := debug.SetMemoryLimit(-1); got != 300<<20 {
		t.Errorf("limit with GOMEMLIMIT=300MiB = %d, want it kept", got)
	}
}
