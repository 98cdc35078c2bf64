package kube

import (
	"fmt"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/samerun"
)

// Options are provider-level switches that resources read.
type Options struct {
	PredictPlacement bool
	// PredictScheduling judges, in the DaemonSet plan's warning, whether the scheduler places
	// each new pod (one LIST of every pod per process).
	PredictScheduling bool
	// ComparisonOperators says the cluster enables the TaintTolerationComparisonOperators feature gate.
	ComparisonOperators bool
}

// Client is the one value the provider hands to every resource and data source.
type Client struct {
	Clientset kubernetes.Interface
	Requests  *RequestCounter
	Nodes     *NodeCache
	// Planned holds the node edits node_label and node_taint plan in this provider process.
	Planned *samerun.Store
	Options Options
	// daemonSets is the one DaemonSet list of this client (DaemonSets).
	daemonSets *daemonSetList
	// placements is the one DaemonSetPlacements of this client.
	placements *placementList
	// podUsage is the one PodUsage of this client.
	podUsage *podUsage
	// configured is false when the provider configuration was unknown at plan time.
	configured bool
}

// New builds a client; it does not contact the cluster.
func New(cfg *rest.Config, opts Options) (*Client, error) {
	counter := NewRequestCounter()
	counter.Instrument(cfg)
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("building the Kubernetes client: %w", err)
	}
	return &Client{
		Clientset:  cs,
		Requests:   counter,
		Nodes:      NewNodeCache(cs),
		Planned:    samerun.NewStore(),
		Options:    opts,
		daemonSets: &daemonSetList{}, placements: &placementList{}, podUsage: &podUsage{},
		configured: true,
	}, nil
}

// FromClientset wraps an existing clientset, for unit tests with the fake clientset.
func FromClientset(cs kubernetes.Interface, opts Options) *Client {
	return &Client{Clientset: cs, Requests: NewRequestCounter(), Nodes: NewNodeCache(cs), Planned: samerun.NewStore(),
		Options: opts, daemonSets: &daemonSetList{}, placements: &placementList{}, podUsage: &podUsage{}, configured: true}
}

// Unconfigured stands in when the provider configuration is not known yet (the cluster
// is created in the same run): resources plan unknown values instead of failing.
func Unconfigured(opts Options) *Client {
	return &Client{Planned: samerun.NewStore(), Options: opts, daemonSets: &daemonSetList{}, placements: &placementList{}, podUsage: &podUsage{}}
}

// Configured reports whether the client can reach a cluster.
func (c *Client) Configured() bool { return c != nil && c.configured }
