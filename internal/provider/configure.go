package provider

import (
	"context"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"k8s.io/client-go/rest"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
)

// Configure builds the one Kubernetes client that every resource shares.
func (p *Provider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	opts := kube.Options{
		PredictPlacement:    m.PredictPlacement.IsNull() || m.PredictPlacement.ValueBool(),
		PredictScheduling:   m.PredictScheduling.IsNull() || m.PredictScheduling.ValueBool(),
		ComparisonOperators: m.ComparisonOperators.ValueBool(),
	}
	if !req.Config.Raw.IsFullyKnown() {
		tflog.Info(ctx, "provider configuration is not known yet; planning unknown values")
		handOver(resp, kube.Unconfigured(opts))
		return
	}
	settings, diags := m.settings(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	settings.UserAgent = userAgent(p.version, req.TerraformVersion)
	if err := settings.ApplyEnv(os.LookupEnv); err != nil {
		resp.Diagnostics.AddError("Invalid provider environment", err.Error())
		return
	}
	cfg, err := settings.RESTConfig(inClusterConfig)
	if err != nil {
		resp.Diagnostics.AddError("Invalid provider configuration", err.Error())
		return
	}
	client, err := kube.New(cfg, opts)
	if err != nil {
		resp.Diagnostics.AddError("Cannot build the Kubernetes client", err.Error())
		return
	}
	tflog.Debug(ctx, "configured Kubernetes client", map[string]any{"host": cfg.Host, "qps": cfg.QPS, "burst": cfg.Burst, "user_agent": cfg.UserAgent})
	handOver(resp, client)
}

// handOver gives the client to resources, data sources, list resources and actions.
func handOver(resp *provider.ConfigureResponse, client *kube.Client) {
	resp.ResourceData, resp.DataSourceData = client, client
	resp.ListResourceData, resp.ActionData = client, client
}

// inClusterConfig is used only when running in a pod and nothing else is set.
func inClusterConfig() (*rest.Config, error) {
	if os.Getenv("KUBERNETES_SERVICE_HOST") == "" {
		return nil, kube.ErrNoConfiguration
	}
	return rest.InClusterConfig()
}
