package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kubeattr"
)

func configSchema() schema.Schema {
	str := func(desc string, sensitive bool, v ...validator.String) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, Sensitive: sensitive, Description: desc, MarkdownDescription: desc, Validators: v}
	}
	return schema.Schema{
		Description: "Manages DaemonSets, node labels and node taints, and predicts in every plan how many DaemonSet pods each node gets. " +
			"Point it at a cluster with config_path, config_paths or host; ~/.kube/config is never read implicitly.",
		Attributes: map[string]schema.Attribute{
			"config_path":              str("Path to a kubeconfig file. Env: `KUBE_CONFIG_PATH`.", false),
			"config_paths":             schema.ListAttribute{ElementType: types.StringType, Optional: true, Description: "Kubeconfig files merged in order, as in `KUBECONFIG`. Env: `KUBE_CONFIG_PATHS` (separated by the OS path list separator).", Validators: []validator.List{listvalidator.SizeAtLeast(1)}},
			"config_context":           str("Kubeconfig context to use instead of the current context. Env: `KUBE_CTX`.", false),
			"config_context_auth_info": str("Kubeconfig user to use with the context. Env: `KUBE_CTX_AUTH_INFO`.", false),
			"config_context_cluster":   str("Kubeconfig cluster to use with the context. Env: `KUBE_CTX_CLUSTER`.", false),
			"host":                     str("API server URL, e.g. `https://10.0.0.1:6443`. Overrides the kubeconfig's server. Env: `KUBE_HOST`.", false),
			"token":                    str("Bearer token. Env: `KUBE_TOKEN`.", true),
			"client_certificate":       str("PEM client certificate, or a path to a PEM file. Env: `KUBE_CLIENT_CERT_DATA`.", false),
			"client_key":               str("PEM client key, or a path to a PEM file. Env: `KUBE_CLIENT_KEY_DATA`.", true),
			"cluster_ca_certificate":   str("PEM CA certificate of the API server, or a path to a PEM file. Env: `KUBE_CLUSTER_CA_CERT_DATA`.", false),
			"insecure":                 schema.BoolAttribute{Optional: true, Description: "Skip TLS verification of the API server. Off unless set explicitly. Env: `KUBE_INSECURE`."},
			"tls_server_name":          str("Server name used to verify the API server's certificate. Env: `KUBE_TLS_SERVER_NAME`.", false),
			"proxy_url":                str("HTTP, HTTPS or SOCKS5 proxy for API requests. Env: `KUBE_PROXY_URL`.", false),
			"qps": schema.Float64Attribute{Optional: true, Description: "Client rate limit in requests per second. Default 50.",
				Validators: []validator.Float64{float64validator.AtLeast(0.1)}},
			"burst": schema.Int64Attribute{Optional: true, Description: "Client rate limiter burst. Default 100.",
				Validators: []validator.Int64{int64validator.Between(1, 100000)}},
			"request_timeout":                 str("Timeout of one API request, as a Go duration such as `30s`. Default `30s`. Bounds how long an unreachable cluster takes to fail.", false, kubeattr.DurationValidator{}),
			"predict_placement":               schema.BoolAttribute{Optional: true, Description: "Compute `placement_changes`, `expected_pod_count` and `excluded_node_counts` of k8sfleet_daemonset, and `daemonset_impact` of k8sfleet_node_label and k8sfleet_node_taint with their \"Pods start or stop\" warning, in every plan. Default true."},
			"predict_scheduling":              schema.BoolAttribute{Optional: true, Description: "Judge, in the plan warning of k8sfleet_daemonset, whether the default scheduler will place each pod the change creates (resources, host ports, preemption), from the nodes' allocatable and the pods bound to them: one LIST of every pod per plan with a DaemonSet change, which needs `list` on pods cluster-wide. Only with `predict_placement`. Default true."},
			"toleration_comparison_operators": schema.BoolAttribute{Optional: true, Description: "The cluster enables the TaintTolerationComparisonOperators feature gate, so `Lt`/`Gt` tolerations match numerically. Default false."},

			// Arguments of a hashicorp/kubernetes provider block that do not apply here: declared so
			// that a pasted block fails with the reason, not with "Unsupported argument".
			"username":           schema.StringAttribute{Optional: true, Description: unsupportedBasicAuth.Description(context.Background()), Validators: []validator.String{unsupportedBasicAuth}},
			"password":           schema.StringAttribute{Optional: true, Sensitive: true, Description: unsupportedBasicAuth.Description(context.Background()), Validators: []validator.String{unsupportedBasicAuth}},
			"ignore_annotations": schema.ListAttribute{ElementType: types.StringType, Optional: true, Description: unsupportedIgnoreMetadata.Description(context.Background()), Validators: []validator.List{unsupportedIgnoreMetadata}},
			"ignore_labels":      schema.ListAttribute{ElementType: types.StringType, Optional: true, Description: unsupportedIgnoreMetadata.Description(context.Background()), Validators: []validator.List{unsupportedIgnoreMetadata}},
		},
		Blocks: map[string]schema.Block{
			// A block, as in the hashicorp/kubernetes and helm providers, so that their EKS, GKE
			// and AKS snippets paste as they are.
			"exec": schema.SingleNestedBlock{
				Description: "Credential plugin run to obtain credentials, as a kubeconfig's `user.exec`: " +
					"`aws eks get-token`, `gke-gcloud-auth-plugin`, `kubelogin get-token` and the like.",
				Attributes: map[string]schema.Attribute{
					// Required within the block, which the framework can only say of a block that
					// is always present; the block's validator says it instead.
					"api_version": schema.StringAttribute{Optional: true, Description: "API version of the ExecCredential, e.g. `client.authentication.k8s.io/v1beta1`. Required in the block."},
					"command":     schema.StringAttribute{Optional: true, Description: "Command to run, found on `PATH` unless it is a path. Required in the block."},
					"args":        schema.ListAttribute{ElementType: types.StringType, Optional: true, Description: "Arguments."},
					"env":         schema.MapAttribute{ElementType: types.StringType, Optional: true, Sensitive: true, Description: "Environment variables for the command, added to the provider's (sensitive)."},
				},
				Validators: []validator.Object{objectvalidator.AlsoRequires(
					path.MatchRelative().AtName("api_version"), path.MatchRelative().AtName("command"))},
			},
			"experiments": schema.SingleNestedBlock{
				Description: unsupportedExperiments.Description(context.Background()),
				Attributes: map[string]schema.Attribute{
					"manifest_resource": schema.BoolAttribute{Optional: true, Description: unsupportedExperiments.Description(context.Background())},
				},
				Validators: []validator.Object{unsupportedExperiments},
			},
		},
	}
}
