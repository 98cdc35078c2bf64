// Package placementdata is the k8sfleet_daemonset_placement data source: every node with the
// DaemonSet controller's decision for one DaemonSet and the pod that runs there now, the
// per-node detail that the resource's state does not keep.
package placementdata

import (
	"context"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/placement"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/providerdata"
)

var _ datasource.DataSourceWithConfigure = &DataSource{}

// DataSource reads one DaemonSet's placement.
type DataSource struct {
	client *kube.Client
}

// NewDataSource is the constructor the provider registers.
func NewDataSource() datasource.DataSource { return &DataSource{} }

// Metadata names the data source.
func (d *DataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_daemonset_placement"
}

// Schema describes the data source.
func (d *DataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Every node of the cluster with the DaemonSet controller's decision for one DaemonSet (whether its pod " +
			"should run there, and why not) beside the DaemonSet's pod that runs there now: prediction and reality side by " +
			"side, for outputs and debugging, with the DaemonSet's status counters. One DaemonSet GET, one node LIST and one pod " +
			"LIST per read.",
		Attributes: map[string]schema.Attribute{
			"namespace": schema.StringAttribute{Required: true, Description: "Namespace of the DaemonSet."},
			"name":      schema.StringAttribute{Required: true, Description: "Name of the DaemonSet."},
			"expected_pod_count": schema.Int64Attribute{
				Computed: true, Description: "Nodes where the pod should run, as the controller's `status.desiredNumberScheduled`.",
			},
			"status": schema.SingleNestedAttribute{
				Computed: true, Description: "The DaemonSet's status counters as read.",
				Attributes: statusAttributes(),
			},
			"nodes": schema.ListNestedAttribute{
				Computed:    true,
				Description: "Every node, sorted by name.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name":       schema.StringAttribute{Computed: true, Description: "Node name."},
					"should_run": schema.BoolAttribute{Computed: true, Description: "Whether the controller should run the DaemonSet's pod on the node."},
					"reason": schema.StringAttribute{
						Computed: true, Description: "Why not, when `should_run` is false: the untolerated taint, the selector or affinity that does not match, the pinned nodeName. Null otherwise.",
					},
					"pod_name":  schema.StringAttribute{Computed: true, Description: "The DaemonSet's pod on the node now; null when there is none."},
					"pod_phase": schema.StringAttribute{Computed: true, Description: "That pod's phase (`Pending`, `Running`, ...); null when there is none."},
				}},
			},
		},
	}
}

// Configure receives the provider's client.
func (d *DataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = providerdata.Client(req.ProviderData, &resp.Diagnostics)
}

type model struct {
	Namespace        types.String `tfsdk:"namespace"`
	Name             types.String `tfsdk:"name"`
	ExpectedPodCount types.Int64  `tfsdk:"expected_pod_count"`
	Status           *statusModel `tfsdk:"status"`
	Nodes            []nodeModel  `tfsdk:"nodes"`
}

type statusModel struct {
	CurrentNumberScheduled types.Int64 `tfsdk:"current_number_scheduled"`
	DesiredNumberScheduled types.Int64 `tfsdk:"desired_number_scheduled"`
	NumberMisscheduled     types.Int64 `tfsdk:"number_misscheduled"`
	NumberReady            types.Int64 `tfsdk:"number_ready"`
	NumberAvailable        types.Int64 `tfsdk:"number_available"`
	NumberUnavailable      types.Int64 `tfsdk:"number_unavailable"`
	UpdatedNumberScheduled types.Int64 `tfsdk:"updated_number_scheduled"`
	ObservedGeneration     types.Int64 `tfsdk:"observed_generation"`
}

func statusAttributes() map[string]schema.Attribute {
	out := map[string]schema.Attribute{}
	for _, name := range []string{"current_number_scheduled", "desired_number_scheduled", "number_misscheduled", "number_ready",
		"number_available", "number_unavailable", "updated_number_scheduled", "observed_generation"} {
		out[name] = schema.Int64Attribute{Computed: true, Description: "DaemonSet status `" + name + "`."}
	}
	return out
}

func statusOf(ds *appsv1.DaemonSet) *statusModel {
	s := ds.Status
	return &statusModel{
		CurrentNumberScheduled: types.Int64Value(int64(s.CurrentNumberScheduled)),
		DesiredNumberScheduled: types.Int64Value(int64(s.DesiredNumberScheduled)),
		NumberMisscheduled:     types.Int64Value(int64(s.NumberMisscheduled)),
		NumberReady:            types.Int64Value(int64(s.NumberReady)),
		NumberAvailable:        types.Int64Value(int64(s.NumberAvailable)),
		NumberUnavailable:      types.Int64Value(int64(s.NumberUnavailable)),
		UpdatedNumberScheduled: types.Int64Value(int64(s.UpdatedNumberScheduled)),
		ObservedGeneration:     types.Int64Value(s.ObservedGeneration),
	}
}

type nodeModel struct {
	Name      types.String `tfsdk:"name"`
	ShouldRun types.Bool   `tfsdk:"should_run"`
	Reason    types.String `tfsdk:"reason"`
	PodName   types.String `tfsdk:"pod_name"`
	PodPhase  types.String `tfsdk:"pod_phase"`
}

// Read predicts the DaemonSet's placement on the live nodes and finds its pods.
func (d *DataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m model
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || d.client == nil {
		return
	}
	ns, name := m.Namespace.ValueString(), m.Name.ValueString()
	ds, err := d.client.Clientset.AppsV1().DaemonSets(ns).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		resp.Diagnostics.AddError("DaemonSet not found", fmt.Sprintf("DaemonSet %s/%s does not exist.", ns, name))
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the DaemonSet", kube.Explain(err, "get", "daemonsets"))
		return
	}
	list, err := d.client.Nodes.List(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Cannot list nodes", kube.Explain(err, "list", "nodes"))
		return
	}
	opts := metav1.ListOptions{}
	if ds.Spec.Selector != nil {
		sel, err := metav1.LabelSelectorAsSelector(ds.Spec.Selector)
		if err != nil {
			resp.Diagnostics.AddError("Invalid DaemonSet selector", err.Error())
			return
		}
		opts.LabelSelector = sel.String()
	} else {
		opts.LabelSelector = labels.Nothing().String()
	}
	pods, err := d.client.Clientset.CoreV1().Pods(ns).List(ctx, opts)
	if err != nil {
		resp.Diagnostics.AddError("Cannot list the DaemonSet's pods", kube.Explain(err, "list", "pods"))
		return
	}
	onNode := podsByNode(pods.Items, string(ds.UID))
	res := placement.Predict(&ds.Spec.Template.Spec, list.Nodes, placement.Options{ComparisonOperators: d.client.Options.ComparisonOperators})
	m.ExpectedPodCount = types.Int64Value(int64(res.Count()))
	m.Status = statusOf(ds)
	m.Nodes = make([]nodeModel, 0, len(res.Decisions))
	for _, dec := range res.Decisions {
		n := nodeModel{Name: types.StringValue(dec.Node), ShouldRun: types.BoolValue(dec.ShouldRun),
			Reason: types.StringNull(), PodName: types.StringNull(), PodPhase: types.StringNull()}
		if !dec.ShouldRun {
			n.Reason = types.StringValue(dec.Reason)
		}
		if p, ok := onNode[dec.Node]; ok {
			n.PodName, n.PodPhase = types.StringValue(p.Name), types.StringValue(string(p.Status.Phase))
		}
		m.Nodes = append(m.Nodes, n)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// podsByNode picks, per node, the DaemonSet's pod there (owned by uid); of several (a rolling
// update in progress), one that is not being deleted, then the newest.
func podsByNode(pods []corev1.Pod, uid string) map[string]*corev1.Pod {
	sort.SliceStable(pods, func(i, j int) bool {
		return pods[j].CreationTimestamp.Before(&pods[i].CreationTimestamp)
	})
	out := map[string]*corev1.Pod{}
	for i := range pods {
		p := &pods[i]
		if p.Spec.NodeName == "" || !ownedBy(p, uid) {
			continue
		}
		if cur, ok := out[p.Spec.NodeName]; ok && (cur.DeletionTimestamp == nil || p.DeletionTimestamp != nil) {
			continue
		}
		out[p.Spec.NodeName] = p
	}
	return out
}

func ownedBy(p *corev1.Pod, uid string) bool {
	for _, ref := range p.OwnerReferences {
		if string(ref.UID) == uid {
			return true
		}
	}
	return false
}
