package daemonset

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
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
