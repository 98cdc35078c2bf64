package daemonset

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// RestartFieldManager is the field manager of the k8sfleet_daemonset_restart action. An import
// never adopts its fields (mergedManager), so a takeover neither owns nor releases the
// restartedAt annotation it writes.
const RestartFieldManager = "k8sfleet-restart"

// ImportedResource sets resource and identity to what an import of ds holds after its first
// refresh: ImportState's defaults and Read's conversion of an imported object (fromLive: the
// fields its writers own, not FromObject's whole object). The list resource returns it, so
// that configuration generated from it plans as an import with no change.
func ImportedResource(ctx context.Context, ds *appsv1.DaemonSet, resource *tfsdk.Resource, identity *tfsdk.ResourceIdentity) diag.Diagnostics {
	m := model{
		FieldManager:       types.StringValue(DefaultFieldManager),
		Force:              types.BoolValue(false),
		WaitForRollout:     types.BoolValue(true),
		PlacementChanges:   types.MapNull(types.StringType),
		ExpectedPodCount:   types.Int64Null(),
		ExcludedNodeCounts: types.MapNull(types.Int64Type),
	}
	diags := m.fromLive(ctx, ds, true)
	if diags.HasError() {
		return diags
	}
	timeoutsType, ok := resourceSchema(ctx).Attributes["timeouts"].GetType().(attr.TypeWithAttributeTypes)
	if !ok {
		diags.AddError("Cannot build the DaemonSet", "the timeouts attribute has no object type; this is a bug in terraform-provider-k8sfleet")
		return diags
	}
	m.Timeouts = timeouts.Value{Object: types.ObjectNull(timeoutsType.AttributeTypes())}
	if resource != nil {
		diags.Append(resource.Set(ctx, &m)...)
	}
	diags.Append(setIdentity(ctx, identity, ds.Namespace, ds.Name)...)
	return diags
}

// RolloutDone reports whether a DaemonSet's rollout is complete, as `kubectl rollout status`
// says; the restart action waits on it.
func RolloutDone(ds *appsv1.DaemonSet) bool { return rolloutDone(ds) }

// PodNode is the node a daemon pod is for, scheduled or not.
func PodNode(p *corev1.Pod) string { return targetNode(p) }

// PodReason says why a pod is not ready.
func PodReason(p *corev1.Pod) string { return podReason(p) }

// PodReady reports the pod's Ready condition.
func PodReady(p *corev1.Pod) bool { return podReady(p) }
