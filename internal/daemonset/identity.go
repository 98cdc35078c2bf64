package daemonset

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ resource.ResourceWithIdentity = &Resource{}

// identityModel is the resource's identity: namespace and name never change over the
// life of one DaemonSet (changing either replaces it), so import blocks can name it.
type identityModel struct {
	Namespace types.String `tfsdk:"namespace"`
	Name      types.String `tfsdk:"name"`
}

// IdentitySchema describes the identity (Terraform 1.12+, OpenTofu 1.12+).
func (r *Resource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"namespace": identityschema.StringAttribute{
				OptionalForImport: true, Description: "Namespace of the DaemonSet, default `default`.",
			},
			"name": identityschema.StringAttribute{
				RequiredForImport: true, Description: "Name of the DaemonSet.",
			},
		},
	}
}

// setIdentity records namespace and name; a Terraform without identity support passes nil.
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, namespace, name string) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	return identity.Set(ctx, identityModel{Namespace: types.StringValue(namespace), Name: types.StringValue(name)})
}

// importID is the `namespace/name` of an import by ID, or built from an import by identity.
func importID(ctx context.Context, req resource.ImportStateRequest) (string, diag.Diagnostics) {
	if req.ID != "" || req.Identity == nil {
		return req.ID, nil
	}
	var id identityModel
	diags := req.Identity.Get(ctx, &id)
	ns := id.Namespace.ValueString()
	if ns == "" {
		ns = "default"
	}
	return ns + "/" + id.Name.ValueString(), diags
}

func (m *model) setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity) diag.Diagnostics {
	ns, name, err := splitID(m.ID.ValueString())
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Invalid id", err.Error())
		return diags
	}
	return setIdentity(ctx, identity, ns, name)
}
