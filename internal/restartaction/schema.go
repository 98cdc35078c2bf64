package restartaction

import (
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kubeattr"
)

func actionSchema() schema.Schema {
	return schema.Schema{
		Description: "Restarts every pod of a DaemonSet as `kubectl rollout restart` does: it sets the pod template's " +
			"`kubectl.kubernetes.io/restartedAt` annotation under a field manager of its own (`k8sfleet-restart`), which " +
			"`k8sfleet_daemonset` neither shows as a change nor adopts at import, and waits until every pod is replaced " +
			"and available. A DaemonSet with `updateStrategy: OnDelete` is refused with the commands to run instead.",
		Attributes: map[string]schema.Attribute{
			"namespace": schema.StringAttribute{
				Optional:    true,
				Description: "Namespace of the DaemonSet, default `default`.",
			},
			"name": schema.StringAttribute{
				Required:    true,
				Description: "Name of the DaemonSet.",
			},
			"timeout": schema.StringAttribute{
				Optional:   true,
				Validators: []validator.String{kubeattr.DurationValidator{}},
				Description: "How long the restart may take, as a Go duration such as `\"10m\"`; default `5m`. At the end, " +
					"the error names the node it waited on and why.",
			},
			"wait": schema.BoolAttribute{
				Optional:    true,
				Description: "Wait until every pod is replaced and available, reporting progress; default true.",
			},
		},
	}
}
