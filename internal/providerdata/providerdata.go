// Package providerdata hands the provider's shared client to resources and data sources.
package providerdata

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
)

// Client checks the type of ProviderData; it returns nil (and no error) before the provider
// is configured, as the framework calls Configure on resources early with nil data.
func Client(data any, diags *diag.Diagnostics) *kube.Client {
	if data == nil {
		return nil
	}
	c, ok := data.(*kube.Client)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("expected *kube.Client, got %T; this is a bug in terraform-provider-k8sfleet, please report it", data))
		return nil
	}
	return c
}
