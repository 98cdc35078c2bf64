package nodes

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kubeattr"
)

// dataSourceSchema describes the data source.
func dataSourceSchema() schema.Schema {
	return schema.Schema{
		Description: "Lists the cluster's nodes, sorted by name, with their labels, taints, schedulability and readiness. " +
			"Use `names` with `for_each` to label or taint a fleet.",
		Attributes: map[string]schema.Attribute{
			"label_selector": schema.StringAttribute{
				Optional:    true,
				Description: "Kubernetes label selector, e.g. `logger=fluentd,!gpu`. Unset lists every node.",
				Validators:  []validator.String{kubeattr.LabelSelectorValidator{}},
			},
			"names": schema.ListAttribute{
				Computed:    true,
				ElementType: types.StringType,
				Description: "Names of the selected nodes, sorted.",
			},
			"nodes": schema.ListNestedAttribute{
				Computed:    true,
				Description: "The selected nodes, sorted by name.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name":          schema.StringAttribute{Computed: true, Description: "Node name."},
					"labels":        schema.MapAttribute{Computed: true, ElementType: types.StringType, Description: "All labels of the node."},
					"taints":        schema.ListAttribute{Computed: true, ElementType: kubeattr.TaintObjectType, Description: "All taints of the node, as `{ key, value, effect }`."},
					"unschedulable": schema.BoolAttribute{Computed: true, Description: "Whether the node is cordoned (`spec.unschedulable`)."},
					"ready":         schema.BoolAttribute{Computed: true, Description: "Whether the node's Ready condition is True."},
				}},
			},
		},
	}
}
