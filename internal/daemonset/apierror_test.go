package daemonset

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

func TestAttributePath(t *testing.T) {
	for field, want := range map[string]path.Path{
		"spec.template.spec.containers[0].imagePullPolicy": path.Root("spec").AtName("template").AtName("spec").
			AtName("containers").AtListIndex(0).AtName("image_pull_policy"),
		"metadata.labels[app]":                       path.Root("metadata").AtName("labels").AtMapKey("app"),
		"spec.template.spec.hostIPC":                 path.Root("spec").AtName("template").AtName("spec").AtName("host_ipc"),
		"spec.updateStrategy.rollingUpdate.maxSurge": path.Root("spec").AtName("update_strategy").AtName("rolling_update").AtName("max_surge"),
	} {
		got, ok := attributePath(field)
		if !ok || !got.Equal(want) {
			t.Errorf("%s: got %s (%v), want %s", field, got, ok, want)
		}
	}
	if _, ok := attributePath("status.numberReady"); ok {
		t.Error("status has no attribute path")
	}
}

func TestMissingDependency(t *testing.T) {
	ns := apierrors.NewNotFound(schema.GroupResource{Resource: "namespaces"}, "monitoring")
	if got := missingDependency(ns); got != `namespace "monitoring"` {
		t.Errorf("missing namespace: %q", got)
	}
	self := apierrors.NewNotFound(schema.GroupResource{Group: "apps", Resource: "daemonsets"}, "agent")
	if got := missingDependency(self); got != "" {
		t.Errorf("the DaemonSet itself is not a dependency: %q", got)
	}
	var diags diag.Diagnostics
	reportDryRun(ns, &diags)
	if diags.HasError() || diags.WarningsCount() != 1 {
		t.Errorf("a missing namespace is one warning: %v", diags)
	}
}

func TestAppendAPIErrorNamesTheAttribute(t *testing.T) {
	err := apierrors.NewInvalid(schema.GroupKind{Group: "apps", Kind: "DaemonSet"}, "agent", field.ErrorList{
		field.Invalid(field.NewPath("spec", "template", "spec", "tolerations").Index(0).Child("operator"), "Sometimes", "value must be Exists or Equal"),
	})
	var diags diag.Diagnostics
	appendAPIError(&diags, "rejected", err)
	want := path.Root("spec").AtName("template").AtName("spec").AtName("tolerations").AtListIndex(0).AtName("operator")
	if len(diags) != 1 {
		t.Fatalf("diagnostics %v", diags)
	}
	d, ok := diags[0].(diag.DiagnosticWithPath)
	if !ok || !d.Path().Equal(want) {
		t.Errorf("diagnostic %v is not at %s", diags[0], want)
	}
	if msg := diags[0].Detail(); !strings.HasPrefix(msg, "spec.template.spec.tolerations[0].operator (spec.template.spec.tolerations[0].operator): Invalid value") {
		t.Errorf("detail %q", msg)
	}
}
