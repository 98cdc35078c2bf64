// Package nodeattr holds the attributes k8sfleet_node_label and k8sfleet_node_taint share:
// the target (node_name or label_selector), force, nodes, daemonset_impact and its values,
// the rule between the target attributes, and the shared part of their descriptions.
package nodeattr

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kubeattr"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodeops"
)

// Kind names what a resource manages, for the shared descriptions.
type Kind struct {
	Plural string // "labels"
	Items  string // "label keys", "key:Effect pairs"
	Force  string // what force does
}

// TargetAttributes are the attributes both node_label and node_taint have: id, node_name,
// label_selector, force and nodes.
func TargetAttributes(k Kind) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id": schema.StringAttribute{
			Computed: true,
			Description: "The import ID: `<node_name>:<" + k.Items + ">` or `label_selector:<selector>:<" + k.Items +
				">`, comma-separated and sorted.",
		},
		"node_name": schema.StringAttribute{
			Optional: true,
			Description: "The one node to manage. Exactly one of `node_name` and `label_selector` is set. Changing it " +
				"replaces the resource: the " + k.Plural + " are removed from the old node and set on the new one. " +
				"A name that cannot be a node name (a DNS subdomain: lower-case alphanumerics, `-` and `.`) fails the plan; " +
				"a node that does not exist fails the apply before anything is written.",
			Validators: []validator.String{kubeattr.NodeNameValidator{}},
			PlanModifiers: []planmodifier.String{
				stringplanmodifier.RequiresReplace(),
			},
		},
		"label_selector": schema.StringAttribute{
			Optional: true,
			Description: "The fleet form: a Kubernetes label selector such as `pool=gpu,!canary`, as in the `k8sfleet_nodes` " +
				"data source. Every plan resolves it into `nodes` against the nodes its refresh read (their names, labels and " +
				"taints, kept compactly in private state; with `-refresh=false`, those of the last refresh), so the plan shows " +
				"nodes joining and leaving; the apply sets the " + k.Plural + " on nodes that joined and removes them from nodes " +
				"that left. Changing it updates in place. The apply changes exactly the nodes the plan listed: for an update " +
				"its re-plan resolves the selector against the same snapshot as the plan, even after the API server compacted " +
				"its history, and nodes that joined since show up in the next plan. A create has no such snapshot: if nodes joined or left between `plan -out` and `apply`, " +
				"Terraform reports an inconsistent final plan before anything is written; plan again.",
			Validators: []validator.String{stringvalidator.LengthAtLeast(1), kubeattr.LabelSelectorValidator{}},
		},
		"force": schema.BoolAttribute{
			Optional:    true,
			Computed:    true,
			Default:     booldefault.StaticBool(false),
			Description: k.Force + " Default false.",
		},
		"nodes": schema.ListAttribute{
			Computed:    true,
			ElementType: types.StringType,
			Description: "The nodes this resource manages, sorted: `[node_name]`, or what `label_selector` matched when the " +
				"plan was made. The apply changes exactly these nodes. A node deleted from the cluster drops out on refresh.",
		},
	}
}

// TargetValidators require exactly one of node_name and label_selector.
func TargetValidators() []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.ExactlyOneOf(path.MatchRoot("node_name"), path.MatchRoot("label_selector")),
	}
}

// TargetOf reads the target out of the two attributes; ok is false while either is unknown.
func TargetOf(nodeName, selector types.String) (nodeops.Target, bool) {
	if nodeName.IsUnknown() || selector.IsUnknown() {
		return nodeops.Target{}, false
	}
	return nodeops.Target{NodeName: nodeName.ValueString(), Selector: selector.ValueString()}, true
}

// TargetValues are the attribute values for a target.
func TargetValues(t nodeops.Target) (nodeName, selector types.String) {
	if t.IsFleet() {
		return types.StringNull(), types.StringValue(t.Selector)
	}
	return types.StringValue(t.NodeName), types.StringNull()
}

// DescribeLifecycle is the part of both resource descriptions that says what a failed
// create, a replacement, the fleet form and a disappearing node mean.
const DescribeLifecycle = "\n\n**Fleet form.** With `label_selector`, one resource manages every matching node, " +
	"16 nodes at a time, with the same ownership rules per node as the single-node form. A create or an update " +
	"that fails on some nodes after retries, or is interrupted (Ctrl-C), puts every node it may have written back " +
	"as it was before the apply, on a time budget of its own (2 minutes), and names the nodes that failed; a create " +
	"then saves nothing, so the resource is not tainted and the next apply simply creates it again (a tainted " +
	"resource would be replaced, which removes everything from the whole fleet before putting it back), and an " +
	"update keeps the prior state. Where putting a node back fails too, the error lists node by node what was left " +
	"and the command that removes it. A provider killed outright (SIGKILL, an out-of-memory kill) cannot undo: the " +
	"nodes keep what was written before it died. After a killed create the state holds nothing, and the next apply " +
	"reports those taints (or labels of another value) as someone else's: remove them with `kubectl taint node <node> " +
	"<key>:<Effect>-` or `kubectl label node <node> <key>-`, or import the resource. After a killed update the state " +
	"is the prior one, and the next plan shows what differs. A node deleted during a fleet apply is skipped with a warning; the next " +
	"refresh drops it. Changing `label_selector` updates " +
	"in place; only changing `node_name` (or switching between the two forms) replaces the resource, which removes " +
	"from the old node before setting on the new ones.\n\n**Nodes that disappear.** A deleted node is dropped from state on refresh; a resource " +
	"whose single node is gone is removed from state, and the next plan creates it again. A node that does not exist " +
	"fails the apply before anything is written, and a plan warns when `node_name` names a missing node.\n\n" +
	"**Same-run prediction.** The plan records what this resource will change on each node, so a " +
	"`k8sfleet_daemonset` planned after it in the same run (it references this resource or lists it in " +
	"`depends_on`) predicts `placement_changes` with these changes. Without such a dependency Terraform may plan the " +
	"DaemonSet first, and a DaemonSet under an aliased provider runs in another process: neither sees the changes. " +
	"When the plan changes where existing DaemonSets run, a warning names them and the nodes."
