package daemonsetlist

import (
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kubeattr"
)

func configSchema() schema.Schema {
	return schema.Schema{
		Description: "Finds the DaemonSets of a cluster for `terraform query` (Terraform 1.14+): each result has the " +
			"identity an `import` block takes and, with `include_resource`, the configuration an import of it holds, " +
			"so `terraform query -generate-config-out` writes resource and import blocks that plan with no change.",
		Attributes: map[string]schema.Attribute{
			"namespace": schema.StringAttribute{
				Optional:    true,
				Description: "Only DaemonSets in this namespace; unset, every namespace.",
			},
			"label_selector": schema.StringAttribute{
				Optional:    true,
				Validators:  []validator.String{kubeattr.LabelSelectorValidator{}},
				Description: "Only DaemonSets whose labels match this Kubernetes label selector, such as `\"app in (fluentd,vector)\"`.",
			},
			"include_owned": schema.BoolAttribute{
				Optional: true,
				Description: "Also list DaemonSets with an ownerReference (made by an operator, whose controller would undo " +
					"Terraform's changes). Default false: they are skipped, and a warning counts them.",
			},
		},
	}
}
