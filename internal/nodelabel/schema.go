package nodelabel

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kubeattr"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodeattr"
)

var kind = nodeattr.Kind{
	Plural: "labels",
	Items:  "label keys",
	Force: "Take over a label that another field manager owns with a different value (server-side apply with force); " +
		"without it that is a conflict error naming the label and its owner. A label taken over this way belongs to " +
		"this resource from then on, and destroy removes it.",
}

const description = "Sets labels on one node (`node_name`) or on every node a label selector matches (`label_selector`), " +
	"with server-side apply under a field manager of its own, so that it never touches labels it did not set.\n\n" +
	"**What is managed.** Exactly the keys in `labels`. Refresh reads back only the labels this resource's field manager " +
	"owns, so drift shows on them and nowhere else. Removing a key from `labels`, and destroy, release only this " +
	"resource's labels: a label that another manager also set with the same value stays, as it would had this " +
	"resource never existed. Labels of other tools, other `k8sfleet_node_label` resources, `k8sfleet_node_taint` " +
	"and the kubelet are left alone.\n\n**Conflicts.** A label that another manager (kubectl, a controller, another " +
	"resource) owns with a different value is a conflict error that names the label and its owner, unless `force` " +
	"is set. Labels adopted with `force` or `terraform import` belong to this resource from then on: destroy removes them." +
	"\n\n**Import.** `terraform import` takes `<node_name>:<key>,<key>` (e.g. `k8s-01:logger,team`) or " +
	"`label_selector:<selector>:<key>,<key>` (e.g. `label_selector:pool=gpu:logger`). When one k8sfleet field manager " +
	"owns those labels (this resource's state was lost), it becomes the resource's manager; otherwise the labels are " +
	"adopted, and destroy removes them. The fleet form reads every node of the selector: when they disagree, the state " +
	"holds the value most nodes carry and a warning names the others, so the plan shows the change the apply makes."

// attributes are node_label's own: labels and field_manager.
func attributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"labels": schema.MapAttribute{
			Required:    true,
			ElementType: types.StringType,
			Description: "The labels to set, key to value. Keys and values are checked at plan time. Labels the kubelet " +
				"owns and resets (`kubernetes.io/hostname`, `kubernetes.io/os`, `kubernetes.io/arch`, " +
				"`node.kubernetes.io/instance-type`, `topology.kubernetes.io/region`, `topology.kubernetes.io/zone`, " +
				"`beta.kubernetes.io/*`) are rejected.",
			Validators: append([]validator.Map{mapvalidator.SizeAtLeast(1)}, kubeattr.LabelMapValidators()...),
		},
		"field_manager": schema.StringAttribute{
			Optional: true,
			Computed: true,
			Description: "The server-side apply field manager that owns this resource's labels; it must start with " +
				"`k8sfleet` and be at most 128 bytes. Unset, create draws `k8sfleet-label-<10 random hex digits>` (the plan shows it as known " +
				"after apply) and keeps it, so no two resources share a manager, not even identical ones in two " +
				"workspaces. Changing it moves ownership of the labels to the new manager; a resource created with an " +
				"older default keeps the manager it has until it is set here. Two resources may not share one on a node: " +
				"the plan fails naming both (or the labels the manager already holds there), since each apply would " +
				"remove the other's labels.",
			Validators: []validator.String{kubeattr.FieldManagerValidator{}, kubeattr.FieldManagerLengthValidator{}},
		},
	}
}
