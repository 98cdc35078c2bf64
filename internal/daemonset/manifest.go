package daemonset

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	appsv1 "k8s.io/api/apps/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kubeschema"
)

// FromObject converts a typed DaemonSet into the values of the resource's `metadata` and
// `spec` attributes, with the conversion import uses. uid is null, namespace "default" when
// unset. Template metadata the schema cannot carry (anything but name, generateName, labels
// and annotations) is an error rather than a field silently dropped.
func FromObject(ds *appsv1.DaemonSet) (metadata, spec types.Object, err error) {
	if extra := templateMetaExtra(ds); len(extra) > 0 {
		return types.ObjectNull(metadataAttrTypes), types.ObjectNull(kubeschema.AttrTypes(specType, specOptions)),
			fmt.Errorf("spec.template.metadata: %s cannot be set in a DaemonSet's pod template", strings.Join(extra, ", "))
	}
	raw, err := json.Marshal(ds)
	if err != nil {
		return metadata, spec, err
	}
	var obj map[string]any
	if err := json.Unmarshal(raw, &obj); err != nil {
		return metadata, spec, err
	}
	meta, _ := obj["metadata"].(map[string]any)
	ns := ds.Namespace
	if ns == "" {
		ns = "default"
	}
	metadata, spec, err = valuesFromJSON(ds.Name, ns, "", meta, obj["spec"])
	if err != nil {
		return metadata, spec, err
	}
	return metadata, spec, nil
}

// valuesFromJSON builds metadata and spec from Kubernetes JSON; uid "" is null.
func valuesFromJSON(name, namespace, uid string, meta map[string]any, rawSpec any) (types.Object, types.Object, error) {
	specMap, _ := rawSpec.(map[string]any)
	if specMap == nil {
		specMap = map[string]any{}
	}
	spec, err := kubeschema.FromKube(specMap, specType, specOptions)
	if err != nil {
		return types.ObjectNull(metadataAttrTypes), spec, err
	}
	uidValue := types.StringNull()
	if uid != "" {
		uidValue = types.StringValue(uid)
	}
	metadata, diags := types.ObjectValue(metadataAttrTypes, map[string]attr.Value{
		"name":        types.StringValue(name),
		"namespace":   types.StringValue(namespace),
		"uid":         uidValue,
		"labels":      stringMap(meta["labels"]),
		"annotations": stringMap(meta["annotations"]),
	})
	if diags.HasError() {
		return metadata, spec, fmt.Errorf("metadata: %v", diags)
	}
	return metadata, spec, nil
}

// templateMetaExtra lists the template metadata fields set that the schema does not carry.
func templateMetaExtra(ds *appsv1.DaemonSet) []string {
	raw, err := json.Marshal(ds.Spec.Template.ObjectMeta)
	if err != nil {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	var extra []string
	for k, v := range m {
		if v == nil || slices.Contains(specOptions.ObjectMetaFields, k) {
			continue
		}
		extra = append(extra, k)
	}
	sort.Strings(extra)
	return extra
}
