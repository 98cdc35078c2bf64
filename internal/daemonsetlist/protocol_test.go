package daemonsetlist_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	k8stypes "k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
)

const typeName = "k8sfleet_daemonset"

var configType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
	"namespace": tftypes.String, "label_selector": tftypes.String, "include_owned": tftypes.Bool,
}}

// agent is a DaemonSet as `kubectl apply` leaves it: its manifest in the last-applied annotation.
func agent(ns, name string, owned bool) *appsv1.DaemonSet {
	labels := map[string]string{"app": name}
	ds := &appsv1.DaemonSet{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "DaemonSet"},
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: map[string]string{"tier": "agent"}},
		Spec: appsv1.DaemonSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "agent", Image: "registry.k8s.io/pause:3.10"}}},
			},
		},
	}
	last, _ := json.Marshal(ds)
	ds.Annotations = map[string]string{"kubectl.kubernetes.io/last-applied-configuration": string(last)}
	if owned {
		ds.OwnerReferences = []metav1.OwnerReference{{APIVersion: "example.com/v1", Kind: "Agent", Name: name, UID: k8stypes.UID("u-" + name)}}
	}
	return ds
}

// pagedClient serves the DaemonSets in pages of the request's limit, as the API server does,
// and records each request's options.
func pagedClient(objects ...*appsv1.DaemonSet) (*kube.Client, *[]metav1.ListOptions) {
	cs := fake.NewClientset()
	for _, ds := range objects {
		_ = cs.Tracker().Add(ds)
	}
	var requests []metav1.ListOptions
	cs.PrependReactor("list", "daemonsets", func(action k8stesting.Action) (bool, runtime.Object, error) {
		list, ok := action.(k8stesting.ListActionImpl)
		if !ok {
			return false, nil, nil
		}
		opts := list.GetListOptions()
		requests = append(requests, opts)
		var items []appsv1.DaemonSet
		for _, ds := range objects {
			if (list.Namespace == "" || ds.Namespace == list.Namespace) && list.GetListRestrictions().Labels.Matches(labelsOf(ds)) {
				items = append(items, *ds)
			}
		}
		start, _ := strconv.Atoi(opts.Continue)
		end := len(items)
		out := &appsv1.DaemonSetList{}
		if opts.Limit > 0 && start+int(opts.Limit) < end {
			end = start + int(opts.Limit)
			out.Continue = strconv.Itoa(end)
		}
		out.Items = items[start:end]
		return true, out, nil
	})
	return kube.FromClientset(cs, kube.Options{}), &requests
}

type labelSet map[string]string

func (l labelSet) Has(k string) bool              { _, ok := l[k]; return ok }
func (l labelSet) Get(k string) string            { return l[k] }
func (l labelSet) Lookup(k string) (string, bool) { v, ok := l[k]; return v, ok }

func labelsOf(ds *appsv1.DaemonSet) labelSet { return labelSet(ds.Labels) }

type listed struct {
	names    []string
	objects  map[string]tftypes.Value
	warnings []string
	errors   []string
}

func list(t *testing.T, server acctest.Server, config map[string]tftypes.Value, includeResource bool, limit int64) listed {
	t.Helper()
	ctx := context.Background()
	for _, k := range []string{"namespace", "label_selector"} {
		if _, ok := config[k]; !ok {
			config[k] = tftypes.NewValue(tftypes.String, nil)
		}
	}
	if _, ok := config["include_owned"]; !ok {
		config["include_owned"] = tftypes.NewValue(tftypes.Bool, nil)
	}
	dv, err := tfprotov6.NewDynamicValue(configType, tftypes.NewValue(configType, config))
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	resourceType := schemas.ResourceSchemas[typeName].ValueType()
	stream, err := server.ListResource(ctx, &tfprotov6.ListResourceRequest{TypeName: typeName, Config: &dv, IncludeResource: includeResource, Limit: limit})
	if err != nil {
		t.Fatal(err)
	}
	out := listed{objects: map[string]tftypes.Value{}}
	for r := range stream.Results {
		for _, d := range r.Diagnostics {
			if d.Severity == tfprotov6.DiagnosticSeverityError {
				out.errors = append(out.errors, d.Summary+": "+d.Detail)
			} else {
				out.warnings = append(out.warnings, d.Summary)
			}
		}
		if r.Identity == nil {
			continue
		}
		out.names = append(out.names, r.DisplayName)
		if r.Resource != nil {
			v, err := r.Resource.Unmarshal(resourceType)
			if err != nil {
				t.Fatal(err)
			}
			out.objects[r.DisplayName] = v
		}
	}
	return out
}

func str(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

// TestList_filtersAndOwned: namespace and label selector narrow the list; DaemonSets with an
// owner are skipped and counted in a warning unless include_owned.
func TestList_filtersAndOwned(t *testing.T) {
	client, _ := pagedClient(
		agent("logging", "fluentd", false), agent("monitoring", "node-exporter", false),
		agent("kube-system", "kube-proxy", false), agent("monitoring", "operator-agent", true),
	)
	server := acctest.ProtocolServer(t, client)
	for _, tc := range []struct {
		name     string
		config   map[string]tftypes.Value
		want     string
		warnings int
	}{
		{"all", map[string]tftypes.Value{}, "kube-system/kube-proxy logging/fluentd monitoring/node-exporter", 1},
		{"owned too", map[string]tftypes.Value{"include_owned": tftypes.NewValue(tftypes.Bool, true)},
			"kube-system/kube-proxy logging/fluentd monitoring/node-exporter monitoring/operator-agent", 0},
		{"namespace", map[string]tftypes.Value{"namespace": str("monitoring")}, "monitoring/node-exporter", 1},
		{"selector", map[string]tftypes.Value{"label_selector": str("tier=agent")}, "kube-system/kube-proxy logging/fluentd monitoring/node-exporter", 1},
		{"selector none", map[string]tftypes.Value{"label_selector": str("tier=web")}, "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := list(t, server, tc.config, false, 100)
			if len(got.errors) > 0 {
				t.Fatal(got.errors)
			}
			sort.Strings(got.names)
			if strings.Join(got.names, " ") != tc.want {
				t.Errorf("listed %q, want %q", got.names, tc.want)
			}
			if len(got.warnings) != tc.warnings || (tc.warnings > 0 && got.warnings[0] != "1 DaemonSets with an owner skipped") {
				t.Errorf("warnings %q, want %d", got.warnings, tc.warnings)
			}
			if len(got.objects) != 0 {
				t.Errorf("resource objects without include_resource: %d", len(got.objects))
			}
		})
	}
}

// TestList_limitPagesTheAPI: the query's limit is the LIST page size, and the list stops at it,
// reading further pages when owned DaemonSets were skipped.
func TestList_limitPagesTheAPI(t *testing.T) {
	var objects []*appsv1.DaemonSet
	for i := range 7 {
		objects = append(objects, agent("default", fmt.Sprintf("agent-%d", i), i%2 == 0))
	}
	client, requests := pagedClient(objects...)
	got := list(t, acctest.ProtocolServer(t, client), map[string]tftypes.Value{}, false, 2)
	if strings.Join(got.names, " ") != "default/agent-1 default/agent-3" {
		t.Errorf("listed %q", got.names)
	}
	if len(*requests) != 2 || (*requests)[0].Limit != 2 || (*requests)[1].Continue != "2" {
		t.Errorf("requests %+v, want two pages of 2", *requests)
	}
}

// TestList_resourceIsImportsRefresh: with include_resource, each result is the object an
// import of the DaemonSet holds after its first refresh, attribute for attribute (the
// placement figures aside, which the refresh computes from nodes and are never configured).
func TestList_resourceIsImportsRefresh(t *testing.T) {
	client, _ := pagedClient(agent("logging", "fluentd", false), agent("monitoring", "node-exporter", false))
	server := acctest.ProtocolServer(t, client)
	got := list(t, server, map[string]tftypes.Value{}, true, 100)
	if len(got.errors) > 0 || len(got.objects) != 2 {
		t.Fatalf("errors %q, objects %d", got.errors, len(got.objects))
	}
	ctx := context.Background()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	resourceType := schemas.ResourceSchemas[typeName].ValueType()
	for id, listedObject := range got.objects {
		imported, err := server.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: typeName, ID: id})
		if err != nil || len(imported.Diagnostics) > 0 || len(imported.ImportedResources) != 1 {
			t.Fatalf("import %s: %v %v", id, err, imported.Diagnostics)
		}
		read, err := server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{
			TypeName: typeName, CurrentState: imported.ImportedResources[0].State, Private: imported.ImportedResources[0].Private,
		})
		if err != nil || hasError(read.Diagnostics) {
			t.Fatalf("read %s: %v %v", id, err, read.Diagnostics)
		}
		refreshed, err := read.NewState.Unmarshal(resourceType)
		if err != nil {
			t.Fatal(err)
		}
		want, have := attributes(t, refreshed), attributes(t, listedObject)
		for name, v := range want {
			if name == "placement_changes" || name == "expected_pod_count" || name == "excluded_node_counts" {
				continue
			}
			if !v.Equal(have[name]) {
				t.Errorf("%s: %s is %s in the list, %s after import", id, name, have[name], v)
			}
		}
		if spec := have["spec"]; spec.IsNull() {
			t.Errorf("%s: no spec", id)
		}
	}
}

func attributes(t *testing.T, v tftypes.Value) map[string]tftypes.Value {
	t.Helper()
	out := map[string]tftypes.Value{}
	if err := v.As(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

func hasError(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}
