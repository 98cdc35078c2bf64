package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
)

// providerModel is the provider block.
type providerModel struct {
	ConfigPath            types.String  `tfsdk:"config_path"`
	ConfigPaths           types.List    `tfsdk:"config_paths"`
	ConfigContext         types.String  `tfsdk:"config_context"`
	ConfigContextAuthInfo types.String  `tfsdk:"config_context_auth_info"`
	ConfigContextCluster  types.String  `tfsdk:"config_context_cluster"`
	Host                  types.String  `tfsdk:"host"`
	Token                 types.String  `tfsdk:"token"`
	ClientCertificate     types.String  `tfsdk:"client_certificate"`
	ClientKey             types.String  `tfsdk:"client_key"`
	ClusterCACertificate  types.String  `tfsdk:"cluster_ca_certificate"`
	Insecure              types.Bool    `tfsdk:"insecure"`
	TLSServerName         types.String  `tfsdk:"tls_server_name"`
	ProxyURL              types.String  `tfsdk:"proxy_url"`
	Exec                  *execModel    `tfsdk:"exec"`
	Username              types.String  `tfsdk:"username"`
	Password              types.String  `tfsdk:"password"`
	IgnoreAnnotations     types.List    `tfsdk:"ignore_annotations"`
	IgnoreLabels          types.List    `tfsdk:"ignore_labels"`
	Experiments           types.Object  `tfsdk:"experiments"`
	QPS                   types.Float64 `tfsdk:"qps"`
	Burst                 types.Int64   `tfsdk:"burst"`
	RequestTimeout        types.String  `tfsdk:"request_timeout"`
	PredictPlacement      types.Bool    `tfsdk:"predict_placement"`
	PredictScheduling     types.Bool    `tfsdk:"predict_scheduling"`
	ComparisonOperators   types.Bool    `tfsdk:"toleration_comparison_operators"`
}

type execModel struct {
	APIVersion types.String `tfsdk:"api_version"`
	Command    types.String `tfsdk:"command"`
	Args       types.List   `tfsdk:"args"`
	Env        types.Map    `tfsdk:"env"`
}

// settings is the provider block as kube.Settings, defaults filled in.
func (m providerModel) settings(ctx context.Context) (kube.Settings, diag.Diagnostics) {
	var diags diag.Diagnostics
	s := kube.Settings{
		ConfigPath:            m.ConfigPath.ValueString(),
		ConfigContext:         m.ConfigContext.ValueString(),
		ConfigContextAuthInfo: m.ConfigContextAuthInfo.ValueString(),
		ConfigContextCluster:  m.ConfigContextCluster.ValueString(),
		Host:                  m.Host.ValueString(),
		Token:                 m.Token.ValueString(),
		ClientCertificate:     m.ClientCertificate.ValueString(),
		ClientKey:             m.ClientKey.ValueString(),
		ClusterCACertificate:  m.ClusterCACertificate.ValueString(),
		Insecure:              m.Insecure.ValueBool(),
		TLSServerName:         m.TLSServerName.ValueString(),
		ProxyURL:              m.ProxyURL.ValueString(),
		QPS:                   kube.DefaultQPS,
		Burst:                 kube.DefaultBurst,
		RequestTimeout:        kube.DefaultRequestTimeout,
	}
	diags.Append(m.ConfigPaths.ElementsAs(ctx, &s.ConfigPaths, false)...)
	if !m.QPS.IsNull() {
		s.QPS = m.QPS.ValueFloat64()
	}
	if !m.Burst.IsNull() {
		s.Burst = int(m.Burst.ValueInt64())
	}
	if !m.RequestTimeout.IsNull() {
		d, err := time.ParseDuration(m.RequestTimeout.ValueString())
		if err != nil {
			diags.AddAttributeError(path.Root("request_timeout"), "Invalid request_timeout", err.Error())
		}
		s.RequestTimeout = d
	}
	if m.Exec != nil {
		s.Exec = &kube.ExecSettings{APIVersion: m.Exec.APIVersion.ValueString(), Command: m.Exec.Command.ValueString()}
		diags.Append(m.Exec.Args.ElementsAs(ctx, &s.Exec.Args, false)...)
		diags.Append(m.Exec.Env.ElementsAs(ctx, &s.Exec.Env, false)...)
	}
	return s, diags
}
