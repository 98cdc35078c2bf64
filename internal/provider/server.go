package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/daemonset"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/mapcarrier"
)

// Server returns a constructor for the protocol server: the framework's, with the
// DaemonSet's per-node maps carried around it (see package mapcarrier).
func Server(version string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		return mapcarrier.Wrap(providerserver.NewProtocol6(New(version)())(), daemonset.TypeName, daemonset.CarriedMaps...)
	}
}
