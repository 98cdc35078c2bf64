package kubeattr

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Unsupported rejects an argument of the hashicorp/kubernetes provider block that has no
// meaning here, naming it and saying why, so that a pasted block fails clearly instead of
// being half honoured.
type Unsupported struct{ Reason string }

// Description says why the argument is not supported.
func (u Unsupported) Description(context.Context) string {
	return "Not supported (accepted from hashicorp/kubernetes provider blocks only to fail with the reason): " + u.Reason + "."
}

// MarkdownDescription says why the argument is not supported.
func (u Unsupported) MarkdownDescription(ctx context.Context) string { return u.Description(ctx) }

func (u Unsupported) report(p path.Path, null bool, diags interface {
	AddAttributeError(path.Path, string, string)
}) {
	if null {
		return
	}
	diags.AddAttributeError(p, "Unsupported provider argument",
		"The provider argument "+p.String()+" is not supported by k8sfleet: "+u.Reason+".")
}

// ValidateString rejects any value.
func (u Unsupported) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	u.report(req.Path, req.ConfigValue.IsNull(), &resp.Diagnostics)
}

// ValidateList rejects any value.
func (u Unsupported) ValidateList(_ context.Context, req validator.ListRequest, resp *validator.ListResponse) {
	u.report(req.Path, req.ConfigValue.IsNull(), &resp.Diagnostics)
}

// ValidateObject rejects any value.
func (u Unsupported) ValidateObject(_ context.Context, req validator.ObjectRequest, resp *validator.ObjectResponse) {
	u.report(req.Path, req.ConfigValue.IsNull(), &resp.Diagnostics)
}
