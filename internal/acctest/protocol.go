package acctest

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	k8sfleet "github.com/k8sfleet/terraform-provider-k8sfleet/internal/provider"
)

// clientProvider is the provider with its Configure replaced: every resource, list resource
// and action receives client, a fake clientset in tests that run without terraform.
type clientProvider struct {
	*k8sfleet.Provider
	client *kube.Client
}

func (p clientProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (p clientProvider) Configure(_ context.Context, _ provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	resp.ResourceData, resp.DataSourceData = p.client, p.client
	resp.ListResourceData, resp.ActionData = p.client, p.client
}

var _ provider.Provider = clientProvider{}

// Server is the protocol 6 server with list resources and actions.
type Server interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
	tfprotov6.ActionServer
}

// ProtocolServer is the provider's protocol 6 server, configured with client, for tests that
// call ListResource, InvokeAction, ImportResourceState and ReadResource without terraform.
func ProtocolServer(t *testing.T, client *kube.Client) Server {
	t.Helper()
	real, ok := k8sfleet.New("test")().(*k8sfleet.Provider)
	if !ok {
		t.Fatal("provider.New returns no *provider.Provider")
	}
	server, err := providerserver.NewProtocol6WithError(clientProvider{Provider: real, client: client})()
	if err != nil {
		t.Fatal(err)
	}
	empty := tftypes.Object{AttributeTypes: map[string]tftypes.Type{}}
	config, err := tfprotov6.NewDynamicValue(empty, tftypes.NewValue(empty, map[string]tftypes.Value{}))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.ConfigureProvider(context.Background(), &tfprotov6.ConfigureProviderRequest{Config: &config})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			t.Fatalf("configure: %s: %s", d.Summary, d.Detail)
		}
	}
	full, ok := server.(Server)
	if !ok {
		t.Fatalf("%T serves no list resources or actions", server)
	}
	return full
}
