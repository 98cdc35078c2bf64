// Package placementdata is the k8sfleet_daemonset_placement data source: every node with the
// DaemonSet controller's decision for one DaemonSet and the pod that runs there now, the
// per-node detail that the resource's state does not keep.
package placementdata

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/placement"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/providerdata"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/scheduling"
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
	resp.Schema = dataSourceSchema()
}

// Configure receives the provider's client.
func (d *DataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = providerdata.Client(req.ProviderData, &resp.Diagnostics)
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
	judge, ok := d.scheduler(ctx, ds, list, &resp.Diagnostics)
	if !ok {
		return
	}
	for _, dec := range res.Decisions {
		n := nodeModel{Name: types.StringValue(dec.Node), ShouldRun: types.BoolValue(dec.ShouldRun),
			Reason: types.StringNull(), Schedulable: types.BoolNull(), PendingReason: types.StringNull(),
			PodName: types.StringNull(), PodPhase: types.StringNull()}
		if !dec.ShouldRun {
			n.Reason = types.StringValue(dec.Reason)
		} else if judge != nil {
			n.Schedulable, n.PendingReason = judge(dec.Node)
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
		node := kube.PodNode(p)
		if node == "" || !ownedBy(p, uid) {
			continue
		}
		if cur, ok := out[node]; ok && (cur.DeletionTimestamp == nil || p.DeletionTimestamp != nil) {
			continue
		}
		out[node] = p
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

// scheduler returns, with predict_scheduling, the scheduler's verdict on the DaemonSet's pod
// for a node: its needs against the node's pods other than the DaemonSet's own.
func (d *DataSource) scheduler(ctx context.Context, ds *appsv1.DaemonSet, nodes *kube.NodeList, diags *diag.Diagnostics) (func(string) (types.Bool, types.String), bool) {
	if !d.client.Options.PredictScheduling {
		return nil, true
	}
	usage, err := d.client.PodUsage(ctx, nodes)
	if err != nil {
		diags.AddError("Cannot list pods", kube.Explain(err, "list", "pods"))
		return nil, false
	}
	adm, err := d.client.Admission(ctx, &ds.Spec.Template.Spec)
	if err != nil {
		diags.AddError("Cannot read what admission adds to the DaemonSet's pods", err.Error())
		return nil, false
	}
	needs := scheduling.NeedsOf(&ds.Spec.Template.Spec, adm)
	return func(node string) (types.Bool, types.String) {
		v, ok := usage.Fit(needs, node, ds.UID, true)
		switch {
		case !ok:
			return types.BoolNull(), types.StringNull()
		case v.Outcome != scheduling.Pending:
			return types.BoolValue(true), types.StringNull()
		}
		return types.BoolValue(false), types.StringValue(strings.TrimPrefix(v.String(), "Pending: "))
	}, true
}
