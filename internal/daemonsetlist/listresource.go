// Package daemonsetlist is the k8sfleet_daemonset list resource: `terraform query` finds the
// DaemonSets of a cluster, each with the identity and the object an import of it would hold.
package daemonsetlist

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/daemonset"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/providerdata"
)

var _ list.ListResourceWithConfigure = &ListResource{}

// ListResource lists DaemonSets for `terraform query` (Terraform 1.14+).
type ListResource struct {
	client *kube.Client
}

// NewListResource is the constructor the provider registers.
func NewListResource() list.ListResource { return &ListResource{} }

// maxPage bounds one LIST request, as the provider's other lists do.
const maxPage = 500

type configModel struct {
	Namespace     types.String `tfsdk:"namespace"`
	LabelSelector types.String `tfsdk:"label_selector"`
	IncludeOwned  types.Bool   `tfsdk:"include_owned"`
}

// Metadata names the list resource after the resource it finds.
func (l *ListResource) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = daemonset.TypeName
}

// ListResourceConfigSchema describes the list block's config.
func (l *ListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = configSchema()
}

// Configure receives the provider's client.
func (l *ListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.client = providerdata.Client(req.ProviderData, &resp.Diagnostics)
}

// List streams the matching DaemonSets, at most req.Limit, read in pages of that size.
func (l *ListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var config configModel
	if diags := req.Config.Get(ctx, &config); diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	if !l.client.Configured() {
		var diags diag.Diagnostics
		diags.AddError("Provider not configured", "terraform query needs a provider configuration that is known before it runs.")
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	stream.Results = func(push func(list.ListResult) bool) {
		skipped, kept, stopped := 0, int64(0), false
		var diags diag.Diagnostics
		err := l.pages(ctx, config, pageSize(req.Limit), func(ds *appsv1.DaemonSet) bool {
			if len(ds.OwnerReferences) > 0 && !config.IncludeOwned.ValueBool() {
				skipped++
				return true
			}
			kept++
			stopped = !push(l.result(ctx, req, ds))
			return !stopped && (req.Limit <= 0 || kept < req.Limit)
		})
		if err != nil {
			diags.AddError("Cannot list DaemonSets", kube.Explain(err, "list", "daemonsets"))
		}
		if skipped > 0 {
			diags.AddWarning(fmt.Sprintf("%d DaemonSets with an owner skipped", skipped),
				"DaemonSets with an ownerReference are made by an operator or another controller, which would undo "+
					"Terraform's changes; set include_owned = true to list them as well.")
		}
		if len(diags) > 0 && !stopped {
			push(list.ListResult{Diagnostics: diags})
		}
	}
}

// pageSize is the query's limit as the LIST page size, bounded by maxPage.
func pageSize(limit int64) int64 {
	if limit > 0 && limit < maxPage {
		return limit
	}
	return maxPage
}

// pages lists DaemonSets page by page, calling each until it returns false.
func (l *ListResource) pages(ctx context.Context, config configModel, size int64, each func(*appsv1.DaemonSet) bool) error {
	opts := metav1.ListOptions{LabelSelector: config.LabelSelector.ValueString(), Limit: size}
	for {
		page, err := l.client.Clientset.AppsV1().DaemonSets(config.Namespace.ValueString()).List(ctx, opts)
		if err != nil {
			return err
		}
		for i := range page.Items {
			if !each(&page.Items[i]) {
				return nil
			}
		}
		if page.Continue == "" {
			return nil
		}
		opts.Continue = page.Continue
	}
}

// result is one DaemonSet: its identity, its name, and with include_resource the object an
// import holds after its first refresh.
func (l *ListResource) result(ctx context.Context, req list.ListRequest, ds *appsv1.DaemonSet) list.ListResult {
	result := req.NewListResult(ctx)
	result.DisplayName = ds.Namespace + "/" + ds.Name
	obj := result.Resource
	if !req.IncludeResource {
		obj = nil
	}
	result.Diagnostics.Append(daemonset.ImportedResource(ctx, ds, obj, result.Identity)...)
	if !req.IncludeResource {
		result.Resource = nil
	}
	return result
}
