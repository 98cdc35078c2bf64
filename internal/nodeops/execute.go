package nodeops

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	corev1 "k8s.io/api/core/v1"
	utilnet "k8s.io/apimachinery/pkg/util/net"
	"k8s.io/client-go/kubernetes"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
)

// Writer changes what one resource owns on nodes; labels and taints each have one.
type Writer interface {
	// Precheck returns conflicts on a target that force does not cover, before any write.
	Precheck(node *corev1.Node) []string
	// Set writes the resource's wanted state on a target and returns what it owns there.
	Set(ctx context.Context, name string, fresh *corev1.Node) (Owned, error)
	// Clear removes what the resource owns from a node.
	Clear(ctx context.Context, name string, fresh *corev1.Node) error
	// Revert puts the resource's fields on the node back as they were on before, the node as
	// read before this apply wrote anything; a node object other than before is left alone.
	Revert(ctx context.Context, name string, before *corev1.Node) error
	// Leftover says what an apply that could not be undone left on the node, and how to remove it.
	Leftover(name string) string
}

// Job is one apply of a resource over its nodes. Targets are the nodes the plan listed: each
// must exist, or nothing is written at all, unless SkipGone (the fleet form), where a target
// that is gone is skipped with a warning. Leaving are nodes to clean up (destroy, a node
// that left the selection); one that is gone needs nothing.
type Job struct {
	Targets, Leaving []string
	SkipGone         bool
	Writer           Writer
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
	// Gone are targets skipped because the node no longer exists (SkipGone).
	Gone []string
	// Owned is what the resource owns on each target that succeeded.
	Owned Ownership
	// Before holds every node as read before the first write, for an undo.
	Before map[string]*corev1.Node
}

// Stopped reports whether the job ended before writing.
func (o Outcome) Stopped() bool { return len(o.Missing) > 0 || len(o.Conflicts) > 0 }

// Execute reads every node once, stops before any write when a target is missing or in
// conflict, then changes the nodes with bounded parallelism.
func Execute(ctx context.Context, cs kubernetes.Interface, job Job) (Outcome, error) {
	out := Outcome{Failures: map[string]error{}, Owned: Ownership{}}
	all := Union(job.Targets, job.Leaving)
	if len(all) == 0 {
		return out, nil
	}
	fresh, missing, err := fetchFirst(ctx, cs, job.Cache, all)
	if err != nil {
		return out, err
	}
	out.Before = fresh
	gone := map[string]bool{}
	for _, name := range missing {
		gone[name] = true
	}
	isTarget := map[string]bool{}
	for _, name := range job.Targets {
		isTarget[name] = true
		switch {
		case gone[name] && job.SkipGone:
			out.Gone = append(out.Gone, name)
		case gone[name]:
			out.Missing = append(out.Missing, name)
		default:
			out.Conflicts = append(out.Conflicts, job.Writer.Precheck(fresh[name])...)
		}
	}
	if out.Stopped() {
		return out, nil
	}
	var mu sync.Mutex
	failures := Parallel(ctx, all, func(ctx context.Context, name string) error {
		if gone[name] {
			return nil
		}
		if !isTarget[name] {
			if err := job.Writer.Clear(ctx, name, fresh[name]); !errors.Is(err, ErrNodeGone) {
				return err
			}
			return nil
		}
		owned, err := job.Writer.Set(ctx, name, fresh[name])
		mu.Lock()
		defer mu.Unlock()
		switch {
		case err == nil:
			out.Owned[name] = owned
		case errors.Is(err, ErrNodeGone) && job.SkipGone:
			out.Gone = append(out.Gone, name)
			return nil
		}
		return err
	})
	out.Failures = failures
	sort.Strings(out.Gone)
	tflog.Debug(ctx, "node changes done", map[string]any{
		"targets": len(job.Targets), "leaving": len(job.Leaving), "failed": len(failures), "gone": len(out.Gone),
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

// Undo reverts every node of the job that exists to what it was before, on a context of its
// own: the apply's context may be what failed (its deadline) or have been cancelled (an
// interrupt), and the undo must run either way. It returns the nodes it could not revert.
func Undo(ctx context.Context, cs kubernetes.Interface, job Job, before map[string]*corev1.Node, failures map[string]error) map[string]error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), undoTimeout)
	defer cancel()
	var names []string
	for _, name := range Union(job.Targets, job.Leaving) {
		if before[name] != nil && !neverWritten(failures[name]) {
			names = append(names, name)
		}
	}
	return Parallel(ctx, names, func(ctx context.Context, name string) error {
		if err := job.Writer.Revert(ctx, name, before[name]); !errors.Is(err, ErrNodeGone) {
			return err
		}
		return nil
	})
}

// neverWritten reports whether a node's failure proves that nothing was written to it: a
// conflict found before the write, or a connection the API server refused. Any other error
// may hide a write that landed (its answer lost, or cancelled in flight).
func neverWritten(err error) bool {
	var conflict *ConflictError
	return err != nil && (errors.As(err, &conflict) || utilnet.IsConnectionRefused(err))
}

// undoTimeout bounds an undo, apart from the apply's own deadline.
const undoTimeout = 2 * time.Minute

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
