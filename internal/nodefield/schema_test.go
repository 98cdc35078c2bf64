package nodefield_test

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodelabel"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/nodetaint"
)

// TestSchemaIsValid: each kind's schema, the shared attributes with its own, is valid and
// every attribute is described.
func TestSchemaIsValid(t *testing.T) {
	for name, r := range map[string]resource.Resource{"node_label": nodelabel.NewResource(), "node_taint": nodetaint.NewResource()} {
		t.Run(name, func(t *testing.T) {
			resp := &resource.SchemaResponse{}
			r.Schema(context.Background(), resource.SchemaRequest{}, resp)
			if resp.Diagnostics.HasError() {
				t.Fatal(resp.Diagnostics)
			}
			if diags := resp.Schema.ValidateImplementation(context.Background()); diags.HasError() {
				t.Fatal(diags)
			}
			for attr, a := range resp.Schema.Attributes {
				if a.GetDescription() == "" {
					t.Errorf("attribute %s has no description", attr)
				}
			}
		})
	}
}
