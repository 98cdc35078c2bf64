package daemonset

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kubeschema"
)

// ValueTypes are the types of the resource's metadata and spec attributes, by name.
func ValueTypes() map[string]attr.Type {
	return map[string]attr.Type{
		"metadata": types.ObjectType{AttrTypes: metadataAttrTypes},
		"spec":     kubeschema.ObjectType(specType, specOptions),
	}
}
