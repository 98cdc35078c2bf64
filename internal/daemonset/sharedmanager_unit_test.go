package daemonset

import (
	"strings"
	"testing"

	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"
)

func TestAttributeText(t *testing.T) {
	for _, tc := range []struct {
		path []any
		want string
	}{
		{[]any{"spec", "template", "spec", "containers", fieldpath.KeyByFields("name", "agent"), "env", fieldpath.KeyByFields("name", "B"), "value"},
			`spec.template.spec.containers[name="agent"].env[name="B"].value`},
		{[]any{"spec", "template", "spec", "nodeSelector", "kubernetes.io/os"}, `spec.template.spec.node_selector["kubernetes.io/os"]`},
		{[]any{"metadata", "labels", "appName"}, `metadata.labels["appName"]`},
		{[]any{"spec", "updateStrategy", "rollingUpdate", "maxUnavailable"}, `spec.update_strategy.rolling_update.max_unavailable`},
	} {
		if got := attributeText(fieldpath.MakePathOrDie(tc.path...)); got != tc.want {
			t.Errorf("attributeText(%v) = %s, want %s", tc.path, got, tc.want)
		}
	}
}

func TestSharedClaimTextIsTheSameEitherWay(t *testing.T) {
	a, b := "k8sfleet_daemonset default/x (configuration 00000000)", "k8sfleet_daemonset default/x (configuration ffffffff)"
	if sharedClaimText(a, b, "default/x", "k8sfleet") != sharedClaimText(b, a, "default/x", "k8sfleet") {
		t.Error("the text depends on which resource was planned first")
	}
	if !strings.Contains(sharedClaimText(a, b, "default/x", "k8sfleet"), a+" and "+b) {
		t.Error("the text does not name both resources")
	}
}
