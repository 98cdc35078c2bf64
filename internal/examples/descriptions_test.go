package examples

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/provider"
)

// TestSchemaDescriptions checks that the provider, every resource, data source, list resource
// and action, and every
// attribute and block at any depth have a description: the Registry pages are generated from
// them.
func TestSchemaDescriptions(t *testing.T) {
	ctx := context.Background()
	server := provider.Server("test")()
	resp, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Errorf("GetProviderSchema: %s: %s", d.Summary, d.Detail)
	}
	var missing []string
	check := func(kind, name string, s *tfprotov6.Schema) {
		if s == nil || s.Block == nil {
			missing = append(missing, kind+" "+name+": no schema")
			return
		}
		if strings.TrimSpace(s.Block.Description) == "" {
			missing = append(missing, kind+" "+name)
		}
		missing = append(missing, undescribed(kind+" "+name, s.Block, true)...)
	}
	check("provider", "k8sfleet", resp.Provider)
	for name, s := range resp.ResourceSchemas {
		check("resource", name, s)
	}
	for name, s := range resp.DataSourceSchemas {
		check("data source", name, s)
	}
	for name, s := range resp.ListResourceSchemas {
		check("list resource", name, s)
	}
	for name, s := range resp.ActionSchemas {
		check("action", name, s.Schema)
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("no description: %s", m)
	}
}

func undescribed(at string, b *tfprotov6.SchemaBlock, top bool) []string {
	var missing []string
	for _, a := range b.Attributes {
		if strings.TrimSpace(a.Description) == "" {
			missing = append(missing, at+"."+a.Name)
		}
		if a.NestedType != nil {
			missing = append(missing, undescribedObject(at+"."+a.Name, a.NestedType)...)
		}
	}
	for _, nb := range b.BlockTypes {
		if nb.Block == nil {
			continue
		}
		if strings.TrimSpace(nb.Block.Description) == "" {
			missing = append(missing, at+"."+nb.TypeName+" (block)")
		}
		missing = append(missing, undescribed(at+"."+nb.TypeName, nb.Block, false)...)
	}
	return missing
}

func undescribedObject(at string, o *tfprotov6.SchemaObject) []string {
	var missing []string
	for _, a := range o.Attributes {
		if strings.TrimSpace(a.Description) == "" {
			missing = append(missing, at+"."+a.Name)
		}
		if a.NestedType != nil {
			missing = append(missing, undescribedObject(at+"."+a.Name, a.NestedType)...)
		}
	}
	return missing
}
