package daemonset

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	appsv1ac "k8s.io/client-go/applyconfigurations/apps/v1"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodetable"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/placement"
)

// privateSnapshot is the private-state key of what a refresh read for the plans after it,
// so that a plan, and the re-plan during apply of a saved plan, predict from the same facts
// whatever the cluster did in between (the API server may no longer serve the refresh's
// resource version). Terraform stores private state as one opaque value and never walks it.
//
// Layout, version 1 (JSON):
//
//	{"v": 1,
//	 "nodes":  "<base64 of gzip of the node table>",
//	 "live":   {placement fields of the live pod template},
//	 "others": {placement fields that field managers other than ours own},
//	 "strategy": "OnDelete" (omitted for RollingUpdate),
//	 "pods":   {"current": [node, ...], "old": [node, ...]}}
//
// "pods" is there only when the status said the pods can differ from the controller's rule
// on the live template (podsDiffer); without it they run where that rule says, all of the
// current template. A snapshot written before "strategy" and "pods" reads as RollingUpdate
// with pods where the rule says, which is what plans assumed then.
//
// Placement fields are what the DaemonSet controller reads of a template: nodeName,
// nodeSelector, required node affinity, tolerations, hostNetwork (Kubernetes JSON names).
// The node table holds what it reads of a node (name, labels, taints); its layout is
// internal/nodetable's, shared with the fleet form of node_label and node_taint.
// A reader meeting another "v" ignores the snapshot and plans as without one.
const privateSnapshot = "placement"

const snapshotVersion = 1

type snapshotJSON struct {
	V        int             `json:"v"`
	Nodes    string          `json:"nodes"`
	Live     placementFields `json:"live"`
	Others   placementFields `json:"others"`
	Strategy string          `json:"strategy,omitempty"`
	Pods     *podsJSON       `json:"pods,omitempty"`
}

// placementFields are the fields of a pod template that decide placement.
type placementFields struct {
	NodeName     string               `json:"nodeName,omitempty"`
	NodeSelector map[string]string    `json:"nodeSelector,omitempty"`
	Required     *corev1.NodeSelector `json:"required,omitempty"`
	Tolerations  []corev1.Toleration  `json:"tolerations,omitempty"`
	HostNetwork  bool                 `json:"hostNetwork,omitempty"`
}

func placementOf(spec *corev1.PodSpec) placementFields {
	p := placementFields{NodeName: spec.NodeName, NodeSelector: spec.NodeSelector, Tolerations: spec.Tolerations, HostNetwork: spec.HostNetwork}
	if a := spec.Affinity; a != nil && a.NodeAffinity != nil {
		p.Required = a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution
	}
	return p
}

// over returns the fields as the API server will store them after our apply of spec: each
// field our configuration sets replaces the field of the other managers (tolerations, the
// node selector and the required affinity's terms are atomic in a server-side apply).
func (base placementFields) over(spec *corev1.PodSpec) placementFields {
	ours := placementOf(spec)
	out := base
	if ours.NodeName != "" {
		out.NodeName = ours.NodeName
	}
	if ours.NodeSelector != nil {
		out.NodeSelector = ours.NodeSelector
	}
	if ours.Required != nil {
		out.Required = ours.Required
	}
	if ours.Tolerations != nil {
		out.Tolerations = ours.Tolerations
	}
	out.HostNetwork = out.HostNetwork || ours.HostNetwork
	return out
}

func (p placementFields) podSpec() *corev1.PodSpec {
	spec := &corev1.PodSpec{NodeName: p.NodeName, NodeSelector: p.NodeSelector, Tolerations: p.Tolerations, HostNetwork: p.HostNetwork}
	if p.Required != nil {
		spec.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: p.Required}}
	}
	return spec
}

// snapshot is a decoded private snapshot.
type snapshot struct {
	nodes        []*corev1.Node
	live, others placementFields
	strategy     placement.Strategy
	running      placement.Running // nil: pods run where the live template's rule says
}

// othersPlacement reads the placement fields that managers other than ours own in ds.
func othersPlacement(ds *appsv1.DaemonSet, manager string) (placementFields, error) {
	union := &fieldpath.Set{}
	for _, e := range ds.ManagedFields {
		if e.Manager == manager || e.Subresource != "" || e.FieldsV1 == nil {
			continue
		}
		s := &fieldpath.Set{}
		if err := s.FromJSON(bytes.NewReader(e.FieldsV1.GetRawBytes())); err != nil {
			return placementFields{}, fmt.Errorf("managed fields of %s: %w", e.Manager, err)
		}
		union = union.Union(s)
	}
	if union.Empty() {
		return placementFields{}, nil
	}
	fields, err := union.ToJSON()
	if err != nil {
		return placementFields{}, err
	}
	src := ds.DeepCopy()
	src.ManagedFields = []metav1.ManagedFieldsEntry{{
		Manager: importManager, Operation: metav1.ManagedFieldsOperationApply, APIVersion: "apps/v1",
		FieldsType: "FieldsV1", FieldsV1: metav1.NewFieldsV1(string(fields)),
	}}
	ac, err := appsv1ac.ExtractDaemonSet(src, importManager)
	if err != nil {
		return placementFields{}, err
	}
	raw, err := json.Marshal(ac)
	if err != nil {
		return placementFields{}, err
	}
	var typed appsv1.DaemonSet
	if err := json.Unmarshal(raw, &typed); err != nil {
		return placementFields{}, err
	}
	return placementOf(&typed.Spec.Template.Spec), nil
}

// saveSnapshot records the nodes, the live DaemonSet's placement fields and strategy, and the
// pods that run where they differ from the controller's rule (running nil), for later plans.
func saveSnapshot(ctx context.Context, p PrivateSetter, list *kube.NodeList, ds *appsv1.DaemonSet, manager string, running placement.Running) diag.Diagnostics {
	var diags diag.Diagnostics
	others, err := othersPlacement(ds, manager)
	if err != nil {
		diags.AddError("Cannot read the DaemonSet's field owners", err.Error())
		return diags
	}
	nodes, err := nodetable.EncodeList(list.Nodes)
	if err != nil {
		diags.AddError("Cannot encode the node snapshot", err.Error())
		return diags
	}
	raw, err := json.Marshal(snapshotJSON{V: snapshotVersion, Nodes: nodes, Live: placementOf(&ds.Spec.Template.Spec), Others: others,
		Strategy: strategyOf(ds), Pods: encodePods(running)})
	if err != nil {
		diags.AddError("Cannot encode the node snapshot", err.Error())
		return diags
	}
	return p.SetKey(ctx, privateSnapshot, raw)
}

// loadSnapshot reads the snapshot; nil when there is none or it has another version.
func loadSnapshot(ctx context.Context, p PrivateGetter) (*snapshot, diag.Diagnostics) {
	raw, diags := p.GetKey(ctx, privateSnapshot)
	if diags.HasError() || len(raw) == 0 {
		return nil, diags
	}
	var s snapshotJSON
	if err := json.Unmarshal(raw, &s); err != nil || s.V != snapshotVersion {
		return nil, diags
	}
	nodes, err := nodetable.Decode(s.Nodes)
	if err != nil {
		diags.AddError("Unreadable private state", "the node snapshot of this DaemonSet cannot be decoded ("+err.Error()+
			"); run terraform refresh (or a plan without -refresh=false) to take a new one")
		return nil, diags
	}
	return &snapshot{nodes: nodes, live: s.Live, others: s.Others, strategy: toStrategy(s.Strategy), running: s.Pods.decode()}, diags
}

// PrivateGetter reads private state: a request's prior private state, or a test's fake.
type PrivateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

// PrivateSetter writes private state.
type PrivateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}
