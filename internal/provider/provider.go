// Package provider defines the k8sfleet provider: its configuration schema, how it builds
// the shared Kubernetes client, and the list of resources and data sources.
package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/daemonsetlist"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/manifestfunc"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodes"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/placementdata"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/restartaction"
)

// Address is the provider's registry address.
const Address = "registry.terraform.io/k8sfleet/k8sfleet"

var (
	_ provider.ProviderWithFunctions     = &Provider{}
	_ provider.ProviderWithListResources = &Provider{}
	_ provider.ProviderWithActions       = &Provider{}
)

// Provider is the k8sfleet provider.
type Provider struct {
	version string
}

// New returns a constructor for the provider server.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &Provider{version: version} }
}

// Metadata names the provider.
func (p *Provider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "k8sfleet"
	resp.Version = p.version
}

// Schema describes the provider block.
func (p *Provider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = configSchema()
}

// Resources lists the managed resources.
func (p *Provider) Resources(context.Context) []func() resource.Resource {
	return resources
}

// DataSources lists the data sources.
func (p *Provider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{nodes.NewDataSource, placementdata.NewDataSource}
}

// Functions lists the provider-defined functions (Terraform 1.8+, OpenTofu 1.7+).
func (p *Provider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{manifestfunc.New}
}

// ListResources lists the list resources of `terraform query` (Terraform 1.14+).
func (p *Provider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{daemonsetlist.NewListResource}
}

// Actions lists the actions (Terraform 1.14+).
func (p *Provider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{restartaction.New}
}
