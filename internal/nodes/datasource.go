// Package nodes is the k8sfleet_nodes data source: the nodes of the cluster, optionally
// filtered by a label selector, for fleet-wide for_each.
package nodes

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kubeattr"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/providerdata"
)

var _ datasource.DataSourceWithConfigure = &DataSource{}

// DataSource reads nodes.
type DataSource struct {
	client *kube.Client
}

// NewDataSource is the constructor the provider registers.
func NewDataSource() datasource.DataSource { return &DataSource{} }

// Metadata names the data source.
func (d *DataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_nodes"
}

// Schema describes the data source.
func (d *DataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Lists the cluster's nodes, sorted by name, with their labels, taints, schedulability and readiness. " +
			"Use `names` with `for_each` to label or taint a fleet.",
		Attributes: map[string]schema.Attribute{
			"label_selector": schema.StringAttribute{
				Optional:    true,
				Description: "Kubernetes label selector, e.g. `logger=fluentd,!gpu`. Unset lists every node.",
				Validators:  []validator.String{kubeattr.LabelSelectorValidator{}},
			},
			"names": schema.ListAttribute{
				Computed:    true,
				ElementType: types.StringType,
				Description: "Names of the selected nodes, sorted.",
			},
			"nodes": schema.ListNestedAttribute{
				Computed:    true,
				Description: "The selected nodes, sorted by name.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name":          schema.StringAttribute{Computed: true, Description: "Node name."},
					"labels":        schema.MapAttribute{Computed: true, ElementType: types.StringType, Description: "All labels of the node."},
					"taints":        schema.ListAttribute{Computed: true, ElementType: kubeattr.TaintObjectType, Description: "All taints of the node, as `{ key, value, effect }`."},
					"unschedulable": schema.BoolAttribute{Computed: true, Description: "Whether the node is cordoned (`spec.unschedulable`)."},
					"ready":         schema.BoolAttribute{Computed: true, Description: "Whether the node's Ready condition is True."},
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
	LabelSelector types.String `tfsdk:"label_selector"`
	Names         types.List   `tfsdk:"names"`
	Nodes         []nodeModel  `tfsdk:"nodes"`
}

type nodeModel struct {
	Name          types.String `tfsdk:"name"`
	Labels        types.Map    `tfsdk:"labels"`
	Taints        types.List   `tfsdk:"taints"`
	Unschedulable types.Bool   `tfsdk:"unschedulable"`
	Ready         types.Bool   `tfsdk:"ready"`
}

// Read lists the nodes; its results must be known, so an unconfigured provider is an error.
func (d *DataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m model
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !d.client.Configured() {
		resp.Diagnostics.AddError("Provider not configured yet",
			"k8sfleet_nodes must read the cluster, but the provider configuration is not known until apply "+
				"(the cluster is created in the same run). Apply the cluster first, e.g. with -target, then plan again.")
		return
	}
	sel := labels.Everything()
	if s := m.LabelSelector.ValueString(); s != "" {
		var err error
		if sel, err = labels.Parse(s); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("label_selector"), "Invalid label selector", err.Error())
			return
		}
	}
	list, err := d.client.Nodes.List(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Cannot list nodes", kube.Explain(err, "list", "nodes"))
		return
	}
	selected := kube.Select(list.Nodes, sel)
	m.Nodes = make([]nodeModel, 0, len(selected))
	names := make([]string, 0, len(selected))
	for _, n := range selected {
		nm, diags := toModel(ctx, n)
		resp.Diagnostics.Append(diags...)
		m.Nodes = append(m.Nodes, nm)
		names = append(names, n.Name)
	}
	var diags diag.Diagnostics
	m.Names, diags = types.ListValueFrom(ctx, types.StringType, names)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func toModel(ctx context.Context, n *corev1.Node) (nodeModel, diag.Diagnostics) {
	labelsV, diags := types.MapValueFrom(ctx, types.StringType, n.Labels)
	taints, d2 := kubeattr.TaintList(n.Spec.Taints)
	diags.Append(d2...)
	ready := false
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			ready = c.Status == corev1.ConditionTrue
		}
	}
	return nodeModel{
		Name:          types.StringValue(n.Name),
		Labels:        labelsV,
		Taints:        taints,
		Unschedulable: types.BoolValue(n.Spec.Unschedulable),
		Ready:         types.BoolValue(ready),
	}, diags
}
