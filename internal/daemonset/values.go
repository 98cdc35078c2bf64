package daemonset

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	appsv1 "k8s.io/api/apps/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kubeschema"
)

// ValueTypes are the types of the resource's metadata and spec attributes, by name.
func ValueTypes() map[string]attr.Type {
	return map[string]attr.Type{
		"metadata": types.ObjectType{AttrTypes: metadataAttrTypes},
		"spec":     kubeschema.ObjectType(specType, specOptions),
	}
}

// Values converts a typed DaemonSet into the values of the resource's metadata and spec,
// as a configuration would write them: name, namespace, labels and annotations; uid and
// every other server-set field are left out, and so is what the typed object holds only
// because its Go fields are not pointers.
func Values(ds *appsv1.DaemonSet) (metadata, spec types.Object, err error) {
	spec, err = kubeschema.FromTyped(ds.Spec, specOptions)
	if err != nil {
		return types.ObjectNull(metadataAttrTypes), spec, err
	}
	metadata = types.ObjectValueMust(metadataAttrTypes, map[string]attr.Value{
		"name":        optionalString(ds.Name),
		"namespace":   optionalString(ds.Namespace),
		"labels":      optionalMap(ds.Labels),
		"annotations": optionalMap(ds.Annotations),
		"uid":         types.StringNull(),
	})
	return metadata, spec, nil
}

func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// optionalMap is null for an empty map, as the API server stores `labels: {}`.
func optionalMap(m map[string]string) types.Map {
	if len(m) == 0 {
		return types.MapNull(types.StringType)
	}
	vals := make(map[string]attr.Value, len(m))
	for k, v := range m {
		vals[k] = types.StringValue(v)
	}
	return types.MapValueMust(types.StringType, vals)
}
