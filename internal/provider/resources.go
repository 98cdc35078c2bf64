package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/daemonset"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/daemonsetpatch"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodelabel"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodetaint"
)

// resources is the list of managed resources, in one place.
var resources = []func() resource.Resource{
	daemonset.NewResource,
	daemonsetpatch.NewResource,
	nodelabel.NewResource,
	nodetaint.NewResource,
}
