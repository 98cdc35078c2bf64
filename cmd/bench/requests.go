package main

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"
)

// requestLog is what the provider wrote to K8SFLEET_REQUEST_LOG during one terraform command
// (every provider process terraform started appends to the same file).
type requestLog struct {
	counts map[string]int // "verb resource" -> requests
	wait   time.Duration  // summed over requests: concurrent waits overlap, so it can exceed wall time
	waits  int            // requests that waited more than 1 ms
}

// readRequestLog parses lines `<verb> <resource> <wait-ns>` and `ratelimit-wait <ns>`.
// A missing file means no request (terraform_data, or a provider that made none).
func readRequestLog(path string) (requestLog, error) {
	l := requestLog{counts: map[string]int{}}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return l, nil
	}
	if err != nil {
		return l, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		ns, err := strconv.ParseInt(fields[len(fields)-1], 10, 64)
		if err != nil {
			return l, fmt.Errorf("%s: bad line %q", path, sc.Text())
		}
		if fields[0] == "ratelimit-wait" {
			l.wait += time.Duration(ns)
			l.waits++
			continue
		}
		l.counts[strings.Join(fields[:len(fields)-1], " ")]++
	}
	return l, sc.Err()
}
