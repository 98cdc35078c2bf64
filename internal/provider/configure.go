package provider

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
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
		ComparisonOperators: m.ComparisonOperators.ValueBool(),
	}
	if !req.Config.Raw.IsFullyKnown() {
		tflog.Info(ctx, "provider configuration is not known yet; planning unknown values")
		client := kube.Unconfigured(opts)
		resp.ResourceData, resp.DataSourceData = client, client
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
	resp.ResourceData, resp.DataSourceData = client, client
}

// inClusterConfig is used only when running in a pod and nothing else is set.
func inClusterConfig() (*rest.Config, error) {
	if os.Getenv("KUBERNETES_SERVICE_HOST") == "" {
		return nil, kube.ErrNoConfiguration
	}
	return rest.InClusterConfig()
}

// durationValidator checks a Go duration string at plan time.
type durationValidator struct{}

func (durationValidator) Description(context.Context) string {
	return "must be a positive Go duration such as 30s or 2m"
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v durationValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err != nil || d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("%q %s", req.ConfigValue.ValueString(), v.Description(ctx)))
	}
}
