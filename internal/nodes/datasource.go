// Package nodes is the k8sfleet_nodes data source: the nodes of the cluster, optionally
// filtered by a label selector, for fleet-wide for_each.
package nodes

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
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
	resp.Schema = dataSourceSchema()
}

// Configure receives the provider's client.
func (d *DataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = providerdata.Client(req.ProviderData, &resp.Diagnostics)
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
