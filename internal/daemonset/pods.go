package daemonset

import (
	"context"
	"fmt"
	"slices"

	appsv1 "k8s.io/api/apps/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/placement"
)

// runningPods reads where the DaemonSet's pods run and of which template.
func (r *Resource) runningPods(ctx context.Context, ds *appsv1.DaemonSet) (placement.Running, error) {
	nodes, err := r.client.DaemonSetPods(ctx, ds)
	if err != nil {
		return nil, fmt.Errorf("%s", kube.Explain(err, "list", "pods"))
	}
	running := make(placement.Running, len(nodes))
	for node, current := range nodes {
		running[node] = placement.OldPod
		if current {
			running[node] = placement.CurrentPod
		}
	}
	return running, nil
}

// podsJSON is the snapshot's record of the pods: node names sorted, by template.
type podsJSON struct {
	Current []string `json:"current,omitempty"`
	Old     []string `json:"old,omitempty"`
}

func encodePods(running placement.Running) *podsJSON {
	if running == nil {
		return nil
	}
	out := &podsJSON{}
	for node, state := range running {
		switch state {
		case placement.CurrentPod:
			out.Current = append(out.Current, node)
		case placement.OldPod:
			out.Old = append(out.Old, node)
		}
	}
	slices.Sort(out.Current)
	slices.Sort(out.Old)
	return out
}

func (p *podsJSON) decode() placement.Running {
	if p == nil {
		return nil
	}
	running := make(placement.Running, len(p.Current)+len(p.Old))
	for _, n := range p.Current {
		running[n] = placement.CurrentPod
	}
	for _, n := range p.Old {
		running[n] = placement.OldPod
	}
	return running
}

func strategyOf(ds *appsv1.DaemonSet) string {
	if ds.Spec.UpdateStrategy.Type == appsv1.OnDeleteDaemonSetStrategyType {
		return string(appsv1.OnDeleteDaemonSetStrategyType)
	}
	return ""
}

func toStrategy(s string) placement.Strategy {
	if s == string(appsv1.OnDeleteDaemonSetStrategyType) {
		return placement.OnDelete
	}
	return placement.RollingUpdate
}
