package manifestfunc

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kubeschema"
)

// serverSetMetadata are the metadata fields the API server writes: an object read back
// with `kubectl get -o yaml` has them, and a configuration never sets them.
var serverSetMetadata = []string{
	"uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "selfLink",
	"deletionTimestamp", "deletionGracePeriodSeconds",
}

// bookkeepingAnnotations are written by kubectl and the API server, not by the manifest's
// author: managing them would freeze a value that their writers change.
var bookkeepingAnnotations = []string{
	"kubectl.kubernetes.io/last-applied-configuration",
	"deprecated.daemonset.template.generation",
}

// unmanagedMetadata are metadata fields k8sfleet_daemonset cannot express; dropping them
// silently would change the object, so they are errors.
var unmanagedMetadata = []string{"generateName", "ownerReferences", "finalizers"}

// ParseText returns the DaemonSet of a manifest in YAML or JSON. In a file of several
// documents (or a kind List), the one document of kind DaemonSet is used.
func ParseText(text string) (*appsv1.DaemonSet, error) {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(strings.NewReader(text)))
	var all, found []map[string]any
	for n := 1; ; n++ {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", n, err)
		}
		// Strict: a key written twice is an error, as kubectl reports it.
		raw, err := yaml.YAMLToJSONStrict(doc)
		if err != nil {
			return nil, fmt.Errorf("document %d is not valid YAML: %w", n, err)
		}
		obj, err := decodeJSON(raw)
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", n, err)
		}
		for _, o := range listItems(obj) {
			all = append(all, o)
			if o["kind"] == "DaemonSet" {
				found = append(found, o)
			}
		}
	}
	switch {
	case len(found) == 1:
		return FromObject(found[0])
	case len(found) > 1:
		return nil, fmt.Errorf("the manifest holds %d DaemonSets (%s); pass one document", len(found), names(found))
	case len(all) == 1:
		return FromObject(all[0]) // names the wrong kind or apiVersion
	}
	var kinds []string
	for _, o := range all {
		kinds = append(kinds, fmt.Sprint(o["kind"]))
	}
	return nil, fmt.Errorf("the manifest holds no document of kind DaemonSet (kinds found: %s)", strings.Join(kinds, ", "))
}

// decodeJSON decodes one document; null (an empty document) gives nil.
func decodeJSON(raw []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if v == nil {
		return nil, nil
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("a manifest document is an object with apiVersion, kind, metadata and spec")
	}
	return obj, nil
}

// listItems flattens a kind List, as `kubectl get -o yaml` writes several objects.
func listItems(obj map[string]any) []map[string]any {
	if obj == nil {
		return nil
	}
	items, isList := obj["items"].([]any)
	if obj["kind"] != "List" || !isList {
		return []map[string]any{obj}
	}
	var out []map[string]any
	for _, item := range items {
		if m, ok := item.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func names(objs []map[string]any) string {
	var out []string
	for _, o := range objs {
		meta, _ := o["metadata"].(map[string]any)
		out = append(out, fmt.Sprint(meta["name"]))
	}
	return strings.Join(out, ", ")
}

// FromObject checks a decoded DaemonSet manifest (numbers as json.Number) and returns
// it typed. Server-set metadata and status are dropped when the object was read from a
// cluster; everything else the type would drop or reject is an error naming its path.
func FromObject(obj map[string]any) (*appsv1.DaemonSet, error) {
	if v := obj["apiVersion"]; v != "apps/v1" {
		return nil, &kubeschema.CheckError{Path: "apiVersion", Rule: fmt.Sprintf("is %s; a DaemonSet manifest has apiVersion apps/v1", describe(v))}
	}
	if v := obj["kind"]; v != "DaemonSet" {
		return nil, &kubeschema.CheckError{Path: "kind", Rule: fmt.Sprintf("is %s; the function reads a DaemonSet", describe(v))}
	}
	obj = maps.Clone(obj)
	meta, ok := obj["metadata"].(map[string]any)
	if !ok {
		return nil, &kubeschema.CheckError{Path: "metadata", Rule: "required: an object with at least name"}
	}
	meta = maps.Clone(meta)
	obj["metadata"] = meta
	fromCluster := meta["resourceVersion"] != nil || meta["uid"] != nil
	if err := dropStatus(obj, fromCluster); err != nil {
		return nil, err
	}
	for _, key := range unmanagedMetadata {
		if meta[key] != nil {
			return nil, &kubeschema.CheckError{Path: "metadata." + key, Rule: "k8sfleet_daemonset does not manage this field; remove it from the manifest"}
		}
	}
	if err := kubeschema.CheckJSON(obj, reflect.TypeFor[appsv1.DaemonSet]()); err != nil {
		return nil, err
	}
	for _, key := range serverSetMetadata {
		delete(meta, key)
	}
	if ann, ok := meta["annotations"].(map[string]any); ok {
		ann = maps.Clone(ann)
		for _, key := range bookkeepingAnnotations {
			delete(ann, key)
		}
		meta["annotations"] = ann
	}
	if name, _ := meta["name"].(string); name == "" {
		return nil, &kubeschema.CheckError{Path: "metadata.name", Rule: "required"}
	}
	raw, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	ds := &appsv1.DaemonSet{}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(ds); err != nil {
		return nil, fmt.Errorf("the manifest is not an apps/v1 DaemonSet: %w", err)
	}
	return ds, nil
}

// dropStatus removes status: the API server writes it, so it is expected in an object read
// from a cluster and in the zero counters of `kubectl create --dry-run -o yaml`; anything
// else is a manifest that believes it sets status.
func dropStatus(obj map[string]any, fromCluster bool) error {
	status, present := obj["status"]
	if !present {
		return nil
	}
	if err := kubeschema.CheckJSON(status, reflect.TypeFor[appsv1.DaemonSetStatus]()); err != nil {
		err.Path = strings.TrimSuffix("status."+err.Path, ".")
		return err
	}
	if !fromCluster && !allZero(status) {
		return &kubeschema.CheckError{Path: "status", Rule: "the API server sets the status; a manifest to apply has none " +
			"(in an object read from a cluster, with metadata.resourceVersion, it is dropped)"}
	}
	delete(obj, "status")
	return nil
}

func allZero(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case json.Number:
		return x == "0"
	case map[string]any:
		for _, e := range x {
			if !allZero(e) {
				return false
			}
		}
		return true
	case []any:
		return len(x) == 0
	}
	return false
}

func describe(v any) string {
	if v == nil {
		return "missing"
	}
	return fmt.Sprintf("%q", fmt.Sprint(v))
}
