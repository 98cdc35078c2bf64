package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/daemonset"
)

// resources is the list of managed resources, in one place.
var resources = []func() resource.Resource{
	daemonset.NewResource,
}
