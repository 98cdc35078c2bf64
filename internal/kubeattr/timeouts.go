package kubeattr

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Timeouts is the `timeouts = { create, update, delete }` attribute every resource shares,
// with descriptions that say what each bound covers.
func Timeouts(ctx context.Context, defaultLimit, covers string) schema.Attribute {
	attr := timeouts.Attributes(ctx, timeouts.Opts{
		Create: true, Update: true, Delete: true,
		CreateDescription: "How long a create may take, as a positive Go duration such as `\"30s\"` or `\"10m\"`. " + covers + " Default " + defaultLimit + ".",
		UpdateDescription: "How long an update may take, as a positive Go duration. " + covers + " Default " + defaultLimit + ".",
		DeleteDescription: "How long a destroy may take, as a positive Go duration. Default " + defaultLimit + ".",
	})
	if nested, ok := attr.(schema.SingleNestedAttribute); ok {
		for name, a := range nested.Attributes {
			if str, ok := a.(schema.StringAttribute); ok {
				// Ours instead of the library's: it parses, and refuses zero and negatives too.
				str.Validators = []validator.String{DurationValidator{}}
				nested.Attributes[name] = str
			}
		}
		nested.Description = "Bounds on how long each operation may take. An operation that runs out of time stops with an error naming what it was waiting for."
		nested.MarkdownDescription = nested.Description
		return nested
	}
	return attr
}
