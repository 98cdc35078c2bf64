package nodetaint

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kubeattr"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodeattr"
)

// FieldManager names this resource's node updates in managedFields.
const FieldManager = kubeattr.FieldManagerPrefix + "-taint"

var kind = nodeattr.Kind{
	Plural: "taints",
	Items:  "key:Effect pairs",
	Force: "Adopt a taint with the same key and effect that this resource did not set; without it that is a conflict " +
		"error. An adopted taint belongs to this resource from then on, and destroy removes it.",
}

const description = "Sets taints on one node (`node_name`) or on every node a label selector matches (`label_selector`), " +
	"and never touches taints it did not set.\n\n**What is managed.** Exactly the taints in `taints`, each identified by " +
	"key and effect as kubectl does, so `gpu:NoSchedule` and `gpu:NoExecute` are two taints. `spec.taints` is one atomic " +
	"list that server-side apply cannot share between managers, so every write reads the node, changes only this " +
	"resource's taints and writes the list back under the node's resourceVersion (field manager `" + FieldManager +
	"`), reading again and retrying when someone else wrote in between: a concurrent writer's taints are never lost, " +
	"and neither are ours. Refresh reports only this resource's taints. A taint of the same key and effect that " +
	"someone else removed and set again, or set to another value or `timeAdded`, is theirs: refresh drops it, and " +
	"update and destroy, which check the node again before they write, leave it. Removing a taint from " +
	"`taints`, and destroy, remove only this resource's taints. Taints of other tools, of other `k8sfleet_node_taint` " +
	"resources and of the node lifecycle controller are left alone, as are all labels.\n\n**Conflicts.** A taint with the " +
	"same key and effect that is already on a node and was not set by this resource is a conflict error, unless " +
	"`force` is set. Taints adopted with `force` or `terraform import` belong to this resource from then on: destroy " +
	"removes them.\n\n**Condition taints.** `node.kubernetes.io/not-ready`, `unreachable`, `unschedulable`, " +
	"`memory-pressure`, `disk-pressure`, `pid-pressure` and `network-unavailable` are rejected: the node lifecycle " +
	"controller and the TaintNodesByCondition admission plugin own them. `node.kubernetes.io/out-of-service` is allowed." +
	"\n\n**Import.** `terraform import` takes `<node_name>:<key>:<Effect>,...` (e.g. `k8s-01:gpu:NoSchedule,gpu:NoExecute`) " +
	"or `label_selector:<selector>:<key>:<Effect>,...` (e.g. `label_selector:pool=gpu:gpu:NoSchedule`); the imported " +
	"taints are adopted. The fleet form reads every node of the selector: when their values disagree, the state holds " +
	"the value most nodes carry and a warning names the others."

var effects = []string{"NoSchedule", "PreferNoSchedule", "NoExecute"}

// attributes are node_taint's own: the taints.
func attributes() map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{}
	attrs["taints"] = schema.SetNestedAttribute{
		Required: true,
		Description: "The taints to set. Each key and effect pair may appear once. Condition taints under " +
			"`node.kubernetes.io/` are rejected, except `out-of-service`.",
		Validators: []validator.Set{setvalidator.SizeAtLeast(1), kubeattr.UniqueTaintsValidator{}},
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"key": schema.StringAttribute{
				Required:    true,
				Description: "Taint key, a qualified name such as `gpu` or `example.com/dedicated`.",
				Validators:  []validator.String{kubeattr.TaintKeyValidator{}},
			},
			"value": schema.StringAttribute{
				Optional:    true,
				Computed:    true,
				Default:     stringdefault.StaticString(""),
				Description: "Taint value; empty by default. Follows the label value rules.",
				Validators:  []validator.String{kubeattr.TaintValueValidator{}},
			},
			"effect": schema.StringAttribute{
				Required:    true,
				Description: "`NoSchedule`, `PreferNoSchedule` or `NoExecute`.",
				Validators:  []validator.String{stringvalidator.OneOf(effects...)},
			},
		}},
	}
	return attrs
}
