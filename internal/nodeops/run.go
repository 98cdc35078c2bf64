package nodeops

import (
	"context"
	"errors"
	"maps"
	"sort"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilnet "k8s.io/apimachinery/pkg/util/net"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/util/retry"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
)

// Workers bounds how many nodes one resource changes at once.
const Workers = 16

// Backoff spaces retries after optimistic-concurrency conflicts and transient API errors;
// all of them together take about ten seconds before a node counts as failed.
var Backoff = wait.Backoff{Steps: 12, Duration: 20 * time.Millisecond, Factor: 1.5, Jitter: 0.5, Cap: 2 * time.Second}

// Fetch reads the named nodes fresh from the API server (one GET for a single node, else one
// paginated LIST), and names those that do not exist.
func Fetch(ctx context.Context, cs kubernetes.Interface, names []string) (map[string]*corev1.Node, []string, error) {
	found := map[string]*corev1.Node{}
	if len(names) == 1 {
		n, err := cs.CoreV1().Nodes().Get(ctx, names[0], metav1.GetOptions{})
		switch {
		case apierrors.IsNotFound(err):
			return found, names, nil
		case err != nil:
			return nil, nil, err
		}
		found[n.Name] = n
		return found, nil, nil
	}
	opts := metav1.ListOptions{Limit: 500}
	for {
		page, err := cs.CoreV1().Nodes().List(ctx, opts)
		if err != nil {
			return nil, nil, err
		}
		for i := range page.Items {
			found[page.Items[i].Name] = &page.Items[i]
		}
		if page.Continue == "" {
			break
		}
		opts.Continue = page.Continue
	}
	var missing []string
	for _, name := range names {
		if _, ok := found[name]; !ok {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	return found, missing, nil
}

// Parallel calls fn for every name with at most Workers at once and returns the errors by name.
func Parallel(ctx context.Context, names []string, fn func(ctx context.Context, name string) error) map[string]error {
	work := make(chan string)
	var mu sync.Mutex
	failures := map[string]error{}
	var wg sync.WaitGroup
	for range min(Workers, len(names)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for name := range work {
				if err := fn(ctx, name); err != nil {
					mu.Lock()
					failures[name] = err
					mu.Unlock()
				}
			}
		}()
	}
	for _, name := range names {
		work <- name
	}
	close(work)
	wg.Wait()
	return failures
}

// Retry runs attempt on first (a node read a moment ago, or nil), and after a conflict or a
// transient error again on a fresh copy, until it succeeds, fails for good or the backoff
// ends. A node that no longer exists ends it with ErrNodeGone.
func Retry(ctx context.Context, cs kubernetes.Interface, name string, first *corev1.Node, attempt func(*corev1.Node) error) error {
	node := first
	return retry.OnError(Backoff, func(err error) bool { return ctx.Err() == nil && Retryable(err) }, func() error {
		if node == nil {
			n, err := cs.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
			if apierrors.IsNotFound(err) {
				return ErrNodeGone
			}
			if err != nil {
				return err
			}
			node = n
		}
		err := attempt(node)
		node = nil
		if apierrors.IsNotFound(err) || (err != nil && !Retryable(err) && ctx.Err() == nil && deleted(ctx, cs, name)) {
			// A write to a node deleted meanwhile fails in several ways (an apply with a uid
			// precondition is refused as invalid): what matters is that the node is gone.
			return ErrNodeGone
		}
		return err
	})
}

// Guarded is Retry for a write that checks for conflicts first, on every fresh read, and
// returns what the resource owns on the node after it.
func Guarded(ctx context.Context, cs kubernetes.Interface, name string, first *corev1.Node,
	precheck func(*corev1.Node) []string, write func(*corev1.Node) (Owned, error)) (Owned, error) {
	var owned Owned
	err := Retry(ctx, cs, name, first, func(node *corev1.Node) error {
		if conflicts := precheck(node); len(conflicts) > 0 {
			return &ConflictError{Details: conflicts}
		}
		var err error
		owned, err = write(node)
		return err
	})
	return owned, err
}

func deleted(ctx context.Context, cs kubernetes.Interface, name string) bool {
	_, err := cs.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
	return apierrors.IsNotFound(err)
}

// Retryable reports whether an error may go away on a second try with a fresh read: a
// resourceVersion conflict (not a field-manager conflict, which force decides) or an API
// server that is busy or briefly unreachable.
func Retryable(err error) bool {
	var conflict *ConflictError
	switch {
	case err == nil, errors.Is(err, ErrNodeGone), errors.As(err, &conflict):
		return false
	case apierrors.IsConflict(err):
		return !hasFieldConflicts(err)
	case apierrors.IsServerTimeout(err), apierrors.IsTimeout(err), apierrors.IsTooManyRequests(err),
		apierrors.IsInternalError(err), apierrors.IsServiceUnavailable(err):
		return true
	default:
		return utilnet.IsConnectionRefused(err) || utilnet.IsConnectionReset(err) || utilnet.IsProbableEOF(err)
	}
}

func hasFieldConflicts(err error) bool { return len(kube.FieldConflicts(err)) > 0 }

// FieldConflictError turns a server-side apply conflict into our conflict error, naming
// the node, each field and its owner.
func FieldConflictError(node string, err error) error {
	if !apierrors.IsConflict(err) || !hasFieldConflicts(err) {
		return err
	}
	var details []string
	for _, c := range kube.FieldConflicts(err) {
		details = append(details, "node "+node+": "+c)
	}
	return &ConflictError{Details: details}
}

// FromList takes the named nodes from the process's node list and reads those it lacks
// (nodes that joined since it was made); missing are the ones the server lacks as well.
func FromList(ctx context.Context, cs kubernetes.Interface, list *kube.NodeList, names []string) (found map[string]*corev1.Node, missing []string, err error) {
	found = map[string]*corev1.Node{}
	var unknown []string
	for _, name := range names {
		if n := list.Find(name); n != nil {
			found[name] = n
		} else {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		return found, nil, nil
	}
	read, missing, err := Fetch(ctx, cs, unknown)
	if err != nil {
		return nil, nil, err
	}
	maps.Copy(found, read)
	return found, missing, nil
}
