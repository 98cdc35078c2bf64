package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// unsupported rejects an argument of the hashicorp/kubernetes provider block that has no
// meaning here, naming it and saying why, so that a pasted block fails clearly instead of
// being half honoured.
type unsupported struct{ reason string }

var (
	unsupportedBasicAuth = unsupported{"basic authentication was removed from Kubernetes in 1.19; " +
		"use token, client_certificate and client_key, or an exec block"}
	unsupportedIgnoreMetadata = unsupported{"k8sfleet applies only the fields it is given (server-side apply) " +
		"and compares only those, so labels and annotations that others set never show as changes; remove it"}
	unsupportedExperiments = unsupported{"the hashicorp/kubernetes provider's experiments (manifest_resource) " +
		"have no counterpart here; remove the block"}
)

func (u unsupported) Description(context.Context) string {
	return "Not supported (accepted from hashicorp/kubernetes provider blocks only to fail with the reason): " + u.reason + "."
}

func (u unsupported) MarkdownDescription(ctx context.Context) string { return u.Description(ctx) }

func (u unsupported) report(p path.Path, null bool, diags interface {
	AddAttributeError(path.Path, string, string)
}) {
	if null {
		return
	}
	diags.AddAttributeError(p, "Unsupported provider argument",
		"The provider argument "+p.String()+" is not supported by k8sfleet: "+u.reason+".")
}

func (u unsupported) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	u.report(req.Path, req.ConfigValue.IsNull(), &resp.Diagnostics)
}

func (u unsupported) ValidateList(_ context.Context, req validator.ListRequest, resp *validator.ListResponse) {
	u.report(req.Path, req.ConfigValue.IsNull(), &resp.Diagnostics)
}

func (u unsupported) ValidateObject(_ context.Context, req validator.ObjectRequest, resp *validator.ObjectResponse) {
	u.report(req.Path, req.ConfigValue.IsNull(), &resp.Diagnostics)
}
