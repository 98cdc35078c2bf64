package daemonset

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	appsv1 "k8s.io/api/apps/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kubeschema"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/placement"
)

// This file is what k8sfleet_daemonset shares with resources that own only some fields of a
// DaemonSet someone else installed (k8sfleet_daemonset_patch): the spec's schema and
// conversions, and the placement prediction with its snapshot.

// SpecAttributes are the spec's attributes, derived as this resource's are; every one is
// optional.
func SpecAttributes() map[string]schema.Attribute {
	return kubeschema.ResourceAttributes(specType, specOptions)
}

// SpecType is the spec attribute's object type.
func SpecType() types.ObjectType { return kubeschema.ObjectType(specType, specOptions) }

// SpecToKube is a spec value as Kubernetes JSON; nil for a null spec.
func SpecToKube(v types.Object) (map[string]any, error) {
	return kubeschema.ToKube(v, specType, specOptions)
}

// SpecFromKube is the spec value of Kubernetes JSON.
func SpecFromKube(m map[string]any) (types.Object, error) {
	if m == nil {
		m = map[string]any{}
	}
	return kubeschema.FromKube(m, specType, specOptions)
}

// Placement is this resource's placement prediction for a manager that owns part of a
// DaemonSet: the same snapshot, the same rule over the fields the other managers keep, the
// same settling of the running pods.
type Placement struct{ r *Resource }

// NewPlacement predicts with the client's nodes and options.
func NewPlacement(c *kube.Client) Placement { return Placement{r: &Resource{client: c}} }

// Refresh predicts from the live DaemonSet (nothing changes) and saves the snapshot later
// plans predict from, with manager's fields as ours; false when the nodes cannot be read.
func (p Placement) Refresh(ctx context.Context, ds *appsv1.DaemonSet, manager string, priv PrivateSetter, diags *diag.Diagnostics) (Prediction, bool) {
	return p.r.refreshPlacement(ctx, ds, manager, priv, diags)
}

// Forecast predicts the DaemonSet once manager has applied spec over the fields the other
// managers own, and returns the plan warning's text. It reads the snapshot of the last
// refresh from prior or, when live is set (a create, which has none), takes one of live now.
// rollout says whether the apply changes the pod template.
func (p Placement) Forecast(ctx context.Context, prior PrivateGetter, live *appsv1.DaemonSet, change Change) (Prediction, string, diag.Diagnostics) {
	if !p.r.client.Options.PredictPlacement {
		return NullPrediction(), "", nil
	}
	var snap *snapshot
	var diags diag.Diagnostics
	if live != nil {
		snap = p.snapshotOf(ctx, live, change.Manager, &diags)
	} else {
		snap, diags = loadSnapshot(ctx, prior)
	}
	if diags.HasError() {
		return UnknownPrediction(), "", diags
	}
	f, err := p.r.forecast(ctx, true, snap, change.Spec, change.Rollout)
	if err != nil {
		diags.AddWarning("Cannot predict DaemonSet placement", err.Error())
		return UnknownPrediction(), "", diags
	}
	return predictionOf(f.after, f.pods.Changes), f.summary(change.Namespace, change.Name), diags
}

// Change is what a partial apply does to a DaemonSet: Manager applies Spec (the fields it
// sets, the rest zero); Rollout says whether that changes the pod template.
type Change struct {
	Namespace, Name, Manager string
	Spec                     *appsv1.DaemonSetSpec
	Rollout                  bool
}

// snapshotOf is the snapshot a refresh of live would save, in memory.
func (p Placement) snapshotOf(ctx context.Context, live *appsv1.DaemonSet, manager string, diags *diag.Diagnostics) *snapshot {
	list, err := p.r.client.Nodes.List(ctx)
	if err != nil {
		diags.AddWarning("Cannot predict DaemonSet placement", kube.Explain(err, "list", "nodes"))
		return nil
	}
	others, err := othersPlacement(live, manager)
	if err != nil {
		diags.AddError("Cannot read the DaemonSet's field owners", fmt.Sprint(err))
		return nil
	}
	rule := placement.Predict(&live.Spec.Template.Spec, list.Nodes, p.r.placementOptions())
	return &snapshot{nodes: list.Nodes, live: placementOf(&live.Spec.Template.Spec), others: others,
		strategy: toStrategy(strategyOf(live)), running: p.r.podsIfDiffer(ctx, live, rule, diags)}
}
