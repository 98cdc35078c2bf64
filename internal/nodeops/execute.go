package nodeops

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
)

// Job is one apply of a resource over its nodes. Targets are the nodes the plan listed: each
// must exist, or nothing is written at all. Leaving are nodes to clean up (destroy, a node
// that left the selection); one that is gone needs nothing.
type Job struct {
	Targets, Leaving []string
	// Precheck returns conflicts on a target that force does not cover, before any write.
	Precheck func(node *corev1.Node) []string
	// Set writes the resource's wanted state on a target and returns what it owns there.
	Set func(ctx context.Context, name string, fresh *corev1.Node) ([]string, error)
	// Clear removes what the resource owns from a node.
	Clear func(ctx context.Context, name string, fresh *corev1.Node) error
	// Cache, when set, supplies each node's first version from the one node list of this
	// process, saving a read per node. Every write carries that version's resourceVersion
	// as a precondition, so a node changed since is read again and the write retried.
	Cache *kube.NodeCache
}

// Outcome says what a Job did.
type Outcome struct {
	// Missing and Conflicts stopped the job before any write.
	Missing   []string
	Conflicts []string
	// Failures are per-node errors after retries.
	Failures map[string]error
	// Owned is what the resource owns on each target that succeeded.
	Owned map[string][]string
	// Done lists the targets that succeeded and the leaving nodes that are clean.
	Done []string
}

// Stopped reports whether the job ended before writing.
func (o Outcome) Stopped() bool { return len(o.Missing) > 0 || len(o.Conflicts) > 0 }

// Execute reads every node once, stops before any write when a target is missing or in
// conflict, then changes the nodes with bounded parallelism.
func Execute(ctx context.Context, cs kubernetes.Interface, job Job) (Outcome, error) {
	out := Outcome{Failures: map[string]error{}, Owned: map[string][]string{}}
	all := Union(job.Targets, job.Leaving)
	if len(all) == 0 {
		return out, nil
	}
	fresh, missing, err := fetchFirst(ctx, cs, job.Cache, all)
	if err != nil {
		return out, err
	}
	gone := map[string]bool{}
	for _, name := range missing {
		gone[name] = true
	}
	for _, name := range job.Targets {
		if gone[name] {
			out.Missing = append(out.Missing, name)
		} else if job.Precheck != nil {
			out.Conflicts = append(out.Conflicts, job.Precheck(fresh[name])...)
		}
	}
	if out.Stopped() {
		return out, nil
	}
	isTarget := map[string]bool{}
	for _, name := range job.Targets {
		isTarget[name] = true
	}
	var mu sync.Mutex
	failures := Parallel(ctx, all, func(ctx context.Context, name string) error {
		if isTarget[name] {
			owned, err := job.Set(ctx, name, fresh[name])
			if err == nil {
				mu.Lock()
				out.Owned[name] = owned
				mu.Unlock()
			}
			return err
		}
		if gone[name] {
			return nil
		}
		err := job.Clear(ctx, name, fresh[name])
		if errors.Is(err, ErrNodeGone) {
			return nil
		}
		return err
	})
	out.Failures = failures
	for _, name := range all {
		if _, failed := failures[name]; !failed {
			out.Done = append(out.Done, name)
		}
	}
	sort.Strings(out.Done)
	tflog.Debug(ctx, "node changes done", map[string]any{
		"targets": len(job.Targets), "leaving": len(job.Leaving), "failed": len(failures),
	})
	return out, nil
}

// fetchFirst takes the nodes from the process's node list when the job has one.
func fetchFirst(ctx context.Context, cs kubernetes.Interface, cache *kube.NodeCache, names []string) (map[string]*corev1.Node, []string, error) {
	if cache == nil {
		return Fetch(ctx, cs, names)
	}
	list, err := cache.List(ctx)
	if err != nil {
		return nil, nil, err
	}
	return FromList(ctx, cs, list, names)
}

// Rollback clears the targets a failed create already changed; it returns the nodes it
// could not clear.
func Rollback(ctx context.Context, cs kubernetes.Interface, changed []string, clear func(ctx context.Context, name string, fresh *corev1.Node) error) []string {
	out, err := Execute(ctx, cs, Job{Leaving: changed, Clear: clear})
	if err != nil {
		return changed
	}
	var left []string
	for name := range out.Failures {
		left = append(left, name)
	}
	sort.Strings(left)
	return left
}

// Run executes a job and turns what stopped it before any write into an error; ok is
// false then. conflictTitle heads the error that lists conflicts.
func Run(ctx context.Context, c *kube.Client, conflictTitle string, job Job, diags *diag.Diagnostics) (Outcome, bool) {
	if job.Cache == nil {
		job.Cache = c.Nodes
	}
	out, err := Execute(ctx, c.Clientset, job)
	switch {
	case err != nil:
		diags.AddError("Cannot read the nodes", kube.Explain(err, "list", "nodes"))
	case len(out.Missing) > 0:
		diags.AddError("Node not found", MissingNodesText(out.Missing))
	case len(out.Conflicts) > 0:
		diags.AddError(conflictTitle, strings.Join(out.Conflicts, "\n"))
	default:
		return out, true
	}
	return out, false
}

// Without returns the names in all that are not in drop.
func Without(all, drop []string) []string {
	var out []string
	for _, s := range all {
		if !slices.Contains(drop, s) {
			out = append(out, s)
		}
	}
	return out
}
