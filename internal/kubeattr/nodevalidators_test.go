package kubeattr

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestNodeLabelsValidator(t *testing.T) {
	for key, bad := range map[string]bool{
		"kubernetes.io/hostname": true, "kubernetes.io/os": true, "kubernetes.io/arch": true,
		"node.kubernetes.io/instance-type": true, "topology.kubernetes.io/region": true, "topology.kubernetes.io/zone": true,
		"beta.kubernetes.io/arch": true, "failure-domain.beta.kubernetes.io/zone": true,
		"logger": false, "node-role.kubernetes.io/worker": false, "example.com/team": false,
	} {
		m, _ := types.MapValue(types.StringType, map[string]attr.Value{key: types.StringValue("x")})
		resp := &validator.MapResponse{}
		NodeLabelsValidator{}.ValidateMap(context.Background(), validator.MapRequest{Path: path.Root("labels"), ConfigValue: m}, resp)
		if resp.Diagnostics.HasError() != bad {
			t.Errorf("%s: error %t, want %t", key, resp.Diagnostics.HasError(), bad)
		}
		if bad && !strings.Contains(resp.Diagnostics.Errors()[0].Detail(), "set by the kubelet") {
			t.Errorf("%s: the error does not say why: %s", key, resp.Diagnostics.Errors()[0].Detail())
		}
	}
}

func TestTaintKeyValidator(t *testing.T) {
	for key, want := range map[string]string{
		"gpu": "", "example.com/dedicated": "", "node.kubernetes.io/out-of-service": "",
		"node.kubernetes.io/not-ready":       "node lifecycle controller",
		"node.kubernetes.io/memory-pressure": "node lifecycle controller",
		"bad key":                            "not a qualified name",
	} {
		resp := &validator.StringResponse{}
		TaintKeyValidator{}.ValidateString(context.Background(), validator.StringRequest{ConfigValue: types.StringValue(key)}, resp)
		switch {
		case want == "" && resp.Diagnostics.HasError():
			t.Errorf("%s rejected: %v", key, resp.Diagnostics)
		case want != "" && (!resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics.Errors()[0].Detail(), want)):
			t.Errorf("%s: want an error saying %q, got %v", key, want, resp.Diagnostics)
		}
	}
}

func TestUniqueTaintsValidator(t *testing.T) {
	obj := func(key, value, effect string) attr.Value {
		v, _ := types.ObjectValue(TaintAttrTypes, map[string]attr.Value{
			"key": types.StringValue(key), "value": types.StringValue(value), "effect": types.StringValue(effect)})
		return v
	}
	check := func(elems ...attr.Value) bool {
		set, d := types.SetValue(TaintObjectType, elems)
		if d.HasError() {
			t.Fatal(d)
		}
		resp := &validator.SetResponse{}
		UniqueTaintsValidator{}.ValidateSet(context.Background(), validator.SetRequest{ConfigValue: set}, resp)
		return resp.Diagnostics.HasError()
	}
	if check(obj("gpu", "true", "NoSchedule"), obj("gpu", "true", "NoExecute")) {
		t.Error("gpu:NoSchedule and gpu:NoExecute must coexist")
	}
	if !check(obj("gpu", "a", "NoSchedule"), obj("gpu", "b", "NoSchedule")) {
		t.Error("two gpu:NoSchedule must be rejected")
	}
}

func TestConditionTaints(t *testing.T) {
	for _, key := range []string{"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable", "node.kubernetes.io/unschedulable",
		"node.kubernetes.io/memory-pressure", "node.kubernetes.io/disk-pressure", "node.kubernetes.io/pid-pressure",
		"node.kubernetes.io/network-unavailable"} {
		if !IsConditionTaint(key) {
			t.Errorf("%s should be a condition taint", key)
		}
	}
	for _, key := range []string{"node.kubernetes.io/out-of-service", "gpu", "node-role.kubernetes.io/master"} {
		if IsConditionTaint(key) {
			t.Errorf("%s should be allowed", key)
		}
	}
}

func TestSelectorKeys(t *testing.T) {
	got, err := SelectorKeys("logger=fluentd,!gpu,zone in (a,b)")
	if err != nil || !reflect.DeepEqual(got, []string{"gpu", "logger", "zone"}) {
		t.Errorf("got %v %v", got, err)
	}
}
