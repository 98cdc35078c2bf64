package provider

import "github.com/hashicorp/terraform-plugin-framework/resource"

// resources is the list of managed resources, in one place.
var resources = []func() resource.Resource{}
