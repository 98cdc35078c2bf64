package kubeschema

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestDaemonSetSchemaHasFields(t *testing.T) {
	attrs := ResourceAttributes(daemonSetSpecType, daemonSetOptions())

	limits, ok := lookup(t, attrs, "template.spec.containers.resources.limits").(schema.MapAttribute)
	if !ok || !limits.ElementType.Equal(QuantityType{}) {
		t.Errorf("limits = %#v, want a map of QuantityType", limits)
	}
	maxUnavailable, ok := lookup(t, attrs, "update_strategy.rolling_update.max_unavailable").(schema.StringAttribute)
	if !ok || maxUnavailable.CustomType == nil || !maxUnavailable.CustomType.Equal(IntOrStringType{}) {
		t.Errorf("max_unavailable = %#v, want a string of IntOrStringType", maxUnavailable)
	}
	if _, ok := lookup(t, attrs, "template.spec.containers").(schema.ListNestedAttribute); !ok {
		t.Error("containers is not a list of nested objects")
	}
	if _, ok := lookup(t, attrs, "template.spec.node_selector").(schema.MapAttribute); !ok {
		t.Error("node_selector is not a map")
	}
	for _, p := range []string{
		"template.spec.host_ipc",
		"template.spec.set_hostname_as_fqdn",
		"template.spec.volumes.host_path.path",
		"template.spec.volumes.aws_elastic_block_store.volume_id",
		"template.spec.tolerations.toleration_seconds",
		"template.spec.termination_grace_period_seconds",
		"template.spec.affinity.node_affinity.required_during_scheduling_ignored_during_execution.node_selector_terms.match_expressions.values",
		"template.metadata.labels",
		"template.metadata.annotations",
		"selector.match_labels",
		"min_ready_seconds",
	} {
		lookup(t, attrs, p)
	}
	spec := children(lookup(t, attrs, "template.spec"))
	if _, ok := spec["ephemeral_containers"]; ok {
		t.Error("ephemeral_containers is in the schema; the API forbids it in a template")
	}
	if meta := children(lookup(t, attrs, "template.metadata")); len(meta) != 2 {
		t.Errorf("template.metadata has %d attributes, want labels and annotations only", len(meta))
	}
}

func TestDaemonSetSchemaShape(t *testing.T) {
	attrs := ResourceAttributes(daemonSetSpecType, daemonSetOptions())
	count := 0
	walk(attrs, "", func(p, _ string, a schema.Attribute) {
		count++
		if !a.IsOptional() || a.IsComputed() || a.IsRequired() {
			t.Errorf("%s is not Optional-only", p)
		}
		if a.GetDescription() != a.GetMarkdownDescription() {
			t.Errorf("%s: description and markdown description differ", p)
		}
	})
	t.Logf("derived DaemonSetSpec schema: %d attributes", count)
	if count < 500 {
		t.Errorf("only %d attributes; PodSpec alone has far more", count)
	}

	hostIPC := lookup(t, attrs, "template.spec.host_ipc")
	if want := (corev1.PodSpec{}).SwaggerDoc()["hostIPC"]; want == "" || hostIPC.GetDescription() != want {
		t.Errorf("host_ipc description = %q, want PodSpec's SwaggerDoc %q", hostIPC.GetDescription(), want)
	}
	// Inline structs document their own fields.
	hostPath := lookup(t, attrs, "template.spec.volumes.host_path")
	if want := (corev1.VolumeSource{}).SwaggerDoc()["hostPath"]; hostPath.GetDescription() != want {
		t.Errorf("host_path description = %q, want %q", hostPath.GetDescription(), want)
	}
}

// Terraform reserves these names for meta-arguments at the root of a
// resource; nested they are ordinary object keys.
func TestDaemonSetSchemaReservedNames(t *testing.T) {
	reserved := []string{"count", "for_each", "depends_on", "lifecycle", "provider", "connection", "provisioner"}
	attrs := ResourceAttributes(daemonSetSpecType, daemonSetOptions())
	var found []string
	walk(attrs, "", func(p, name string, _ schema.Attribute) {
		if slices.Contains(reserved, name) {
			found = append(found, p)
		}
	})
	slices.Sort(found)
	want := []string{"template.spec.containers.lifecycle", "template.spec.init_containers.lifecycle"}
	if !slices.Equal(found, want) {
		t.Errorf("reserved names at %v, want only %v; a new one needs a look", found, want)
	}
	for name := range attrs {
		if slices.Contains(reserved, name) {
			t.Errorf("root attribute %q is reserved by Terraform", name)
		}
	}
}

func TestDaemonSetSchemaValidatesInFramework(t *testing.T) {
	ctx := context.Background()
	opts := daemonSetOptions()
	s := schema.Schema{Attributes: map[string]schema.Attribute{
		"spec": schema.SingleNestedAttribute{Attributes: ResourceAttributes(daemonSetSpecType, opts), Optional: true},
	}}
	if diags := s.ValidateImplementation(ctx); diags.HasError() {
		t.Fatalf("ValidateImplementation: %v", diags)
	}
	want := types.ObjectType{AttrTypes: AttrTypes(daemonSetSpecType, opts)}
	got, diags := s.TypeAtPath(ctx, path.Root("spec"))
	if diags.HasError() || !got.Equal(want) {
		t.Errorf("schema type of spec differs from AttrTypes (diags %v)", diags)
	}
}

func TestDerivationIsCached(t *testing.T) {
	opts := daemonSetOptions()
	first := ResourceAttributes(daemonSetSpecType, opts)
	first["extra"] = schema.StringAttribute{}
	if _, leaked := ResourceAttributes(daemonSetSpecType, opts)["extra"]; leaked {
		t.Error("a caller's change to the returned map reached the cache")
	}
	if derive(daemonSetSpecType, opts) != derive(daemonSetSpecType, daemonSetOptions()) {
		t.Error("equal options derived twice")
	}
}

type loop struct {
	Name string `json:"name"`
	Next *loop  `json:"next,omitempty"`
}

type withDuration struct {
	Timeout metav1.Duration `json:"timeout"`
}

type tagged struct {
	Hidden   string `json:"-"`
	private  string
	Renamed  string `json:"renamedField,omitempty"`
	Untagged string
}

func TestDerivationRejectsWhatItCannotMap(t *testing.T) {
	for name, typ := range map[string]reflect.Type{
		"contains itself":       reflect.TypeFor[loop](),
		"its own JSON encoding": reflect.TypeFor[withDuration](),
	} {
		func() {
			defer func() {
				if r, _ := recover().(string); !strings.Contains(r, name) {
					t.Errorf("%s: panic %q, want one saying %q", typ, r, name)
				}
			}()
			ResourceAttributes(typ, Options{})
		}()
	}
}

func TestOptionsNamingNoFieldPanic(t *testing.T) {
	for _, opts := range []Options{
		{Skip: map[reflect.Type][]string{reflect.TypeFor[corev1.PodSpec](): {"ephemeral_containers"}}},
		{ObjectMetaFields: []string{"label"}},
	} {
		func() {
			defer func() {
				if r, _ := recover().(string); !strings.Contains(r, "does not have") {
					t.Errorf("%v: panic %q, want one naming the missing field", opts, r)
				}
			}()
			ResourceAttributes(daemonSetSpecType, opts)
		}()
	}
}

func TestDerivationFollowsJSONTags(t *testing.T) {
	_ = tagged{private: ""}
	attrs := ResourceAttributes(reflect.TypeFor[tagged](), Options{})
	got := make([]string, 0, len(attrs))
	for name := range attrs {
		got = append(got, name)
	}
	slices.Sort(got)
	if want := []string{"renamed_field", "untagged"}; !slices.Equal(got, want) {
		t.Errorf("attributes %v, want %v", got, want)
	}
}
