package kube

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/util/flowcontrol"
)

// RequestLogEnv names a file that receives one line per API request (verb, resource,
// rate-limiter wait); benchmarks read it to count requests by verb and resource.
const RequestLogEnv = "K8SFLEET_REQUEST_LOG"

// RequestCounter counts API requests by verb and resource and the time spent waiting
// in the client rate limiter.
type RequestCounter struct {
	mu      sync.Mutex
	counts  map[string]int
	waited  time.Duration
	logFile *os.File
}

// NewRequestCounter returns an empty counter, logging to RequestLogEnv when set.
func NewRequestCounter() *RequestCounter {
	c := &RequestCounter{counts: map[string]int{}}
	if path := os.Getenv(RequestLogEnv); path != "" {
		if f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600); err == nil {
			c.logFile = f
		}
	}
	return c
}

// Instrument wraps the transport and the rate limiter of cfg.
func (c *RequestCounter) Instrument(cfg *rest.Config) {
	cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper {
		return roundTripperFunc(func(req *http.Request) (*http.Response, error) {
			c.record(RequestKey(req), 0)
			return rt.RoundTrip(req)
		})
	})
	if cfg.RateLimiter == nil && cfg.QPS > 0 {
		cfg.RateLimiter = &timedLimiter{
			RateLimiter: flowcontrol.NewTokenBucketRateLimiter(cfg.QPS, cfg.Burst),
			counter:     c,
		}
	}
}

func (c *RequestCounter) record(key string, wait time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if key != "" {
		c.counts[key]++
	}
	c.waited += wait
	if c.logFile != nil {
		if key == "" {
			key = "ratelimit-wait"
		}
		fmt.Fprintf(c.logFile, "%s %d\n", key, wait.Nanoseconds())
	}
}

// Counts returns a copy of the counts, keyed "verb resource".
func (c *RequestCounter) Counts() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.counts))
	for k, v := range c.counts {
		out[k] = v
	}
	return out
}

// Writes counts the requests that change the cluster (dry runs excluded).
func (c *RequestCounter) Writes() int {
	n := 0
	for k, v := range c.Counts() {
		verb := strings.Fields(k)[0]
		switch verb {
		case "create", "update", "patch", "apply", "delete":
			n += v
		}
	}
	return n
}

// String renders the counts sorted, for logs.
func (c *RequestCounter) String() string {
	counts := c.Counts()
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%d", k, counts[k])
	}
	return strings.Join(parts, " ")
}

// RequestKey classifies a request as "verb resource", e.g. "list nodes" or "apply daemonsets".
func RequestKey(req *http.Request) string {
	segs := strings.Split(strings.Trim(req.URL.Path, "/"), "/")
	// /api/v1/... or /apis/group/version/...
	switch {
	case len(segs) >= 2 && segs[0] == "api":
		segs = segs[2:]
	case len(segs) >= 3 && segs[0] == "apis":
		segs = segs[3:]
	default:
		return strings.ToLower(req.Method) + " " + req.URL.Path
	}
	if len(segs) >= 3 && segs[0] == "namespaces" {
		segs = segs[2:]
	}
	resource, named := "", false
	if len(segs) > 0 {
		resource = segs[0]
		named = len(segs) > 1
		if len(segs) > 2 {
			resource += "/" + segs[2]
		}
	}
	q := req.URL.Query()
	verb := ""
	switch req.Method {
	case http.MethodGet:
		switch {
		case q.Get("watch") == "true" || q.Get("watch") == "1":
			verb = "watch"
		case named:
			verb = "get"
		default:
			verb = "list"
		}
	case http.MethodPost:
		verb = "create"
	case http.MethodPut:
		verb = "update"
	case http.MethodPatch:
		verb = "patch"
		if strings.HasPrefix(req.Header.Get("Content-Type"), "application/apply-patch") {
			verb = "apply"
		}
	case http.MethodDelete:
		verb = "delete"
	default:
		verb = strings.ToLower(req.Method)
	}
	if q.Get("dryRun") != "" {
		verb = "dryrun-" + verb
	}
	return verb + " " + resource
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// timedLimiter measures how long requests wait for a rate-limiter token.
type timedLimiter struct {
	flowcontrol.RateLimiter
	counter *RequestCounter
}

func (l *timedLimiter) Wait(ctx context.Context) error {
	start := time.Now()
	err := l.RateLimiter.Wait(ctx)
	if waited := time.Since(start); waited > time.Millisecond {
		l.counter.record("", waited)
	}
	return err
}
