package kubeschema

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

// fluentdSpec is the fluentd-elasticsearch DaemonSet from the Kubernetes
// documentation, with a node selector and a node affinity added.
func fluentdSpec() appsv1.DaemonSetSpec {
	labels := map[string]string{"name": "fluentd-elasticsearch"}
	maxUnavailable := intstr.FromInt32(1)
	return appsv1.DaemonSetSpec{
		Selector: &metav1.LabelSelector{MatchLabels: labels},
		UpdateStrategy: appsv1.DaemonSetUpdateStrategy{
			Type:          appsv1.RollingUpdateDaemonSetStrategyType,
			RollingUpdate: &appsv1.RollingUpdateDaemonSet{MaxUnavailable: &maxUnavailable},
		},
		Template: corev1.PodTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Labels: labels},
			Spec: corev1.PodSpec{
				NodeSelector: map[string]string{"kubernetes.io/os": "linux"},
				Affinity: &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
					RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
						NodeSelectorTerms: []corev1.NodeSelectorTerm{{
							MatchExpressions: []corev1.NodeSelectorRequirement{{
								Key:      "node-role.kubernetes.io/logging",
								Operator: corev1.NodeSelectorOpIn,
								Values:   []string{"true", "yes"},
							}},
						}},
					},
				}},
				Tolerations: []corev1.Toleration{{
					Key:      "node-role.kubernetes.io/control-plane",
					Operator: corev1.TolerationOpExists,
					Effect:   corev1.TaintEffectNoSchedule,
				}},
				Containers: []corev1.Container{{
					Name:  "fluentd-elasticsearch",
					Image: "quay.io/fluentd_elasticsearch/fluentd:v2.5.2",
					Resources: corev1.ResourceRequirements{
						Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("200Mi")},
						Requests: corev1.ResourceList{
							corev1.ResourceCPU:    resource.MustParse("100m"),
							corev1.ResourceMemory: resource.MustParse("200Mi"),
						},
					},
					VolumeMounts: []corev1.VolumeMount{
						{Name: "varlog", MountPath: "/var/log"},
						{Name: "varlibdockercontainers", MountPath: "/var/lib/docker/containers", ReadOnly: true},
					},
				}},
				TerminationGracePeriodSeconds: ptr.To[int64](30),
				Volumes: []corev1.Volume{
					{Name: "varlog", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/var/log"}}},
					{Name: "varlibdockercontainers", VolumeSource: corev1.VolumeSource{
						HostPath: &corev1.HostPathVolumeSource{Path: "/var/lib/docker/containers", Type: ptr.To(corev1.HostPathDirectory)},
					}},
				},
			},
		},
	}
}

func kubeJSON(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// normalise makes JSON from different sources comparable: every number a
// float64 (ToKube gives int64, Unmarshal float64), and a null key dropped,
// since absent and null mean the same to the API server.
func normalise(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if e != nil {
				out[k] = normalise(e)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalise(e)
		}
		return out
	case int64:
		return float64(x)
	case json.Number:
		f, _ := x.Float64()
		return f
	}
	return v
}

func TestRoundTripFluentd(t *testing.T) {
	opts := daemonSetOptions()
	original := fluentdSpec()
	kube := kubeJSON(t, original)

	obj, err := FromKube(kube, daemonSetSpecType, opts)
	if err != nil {
		t.Fatalf("FromKube: %v", err)
	}
	back, err := ToKube(obj, daemonSetSpecType, opts)
	if err != nil {
		t.Fatalf("ToKube: %v", err)
	}
	if got, want := normalise(back), normalise(kube); !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip changed the JSON:\n got %v\nwant %v", got, want)
	}

	var decoded appsv1.DaemonSetSpec
	b, _ := json.Marshal(back)
	if err := json.Unmarshal(b, &decoded); err != nil {
		t.Fatalf("ToKube output is not a DaemonSetSpec: %v", err)
	}
	// Quantities cache their text, so compare them through JSON.
	if got, want := kubeJSON(t, decoded), kubeJSON(t, original); !reflect.DeepEqual(got, want) {
		t.Errorf("decoded spec differs:\n got %v\nwant %v", got, want)
	}
	if decoded.UpdateStrategy.RollingUpdate.MaxUnavailable.Type != intstr.Int {
		t.Error("max_unavailable 1 was sent as a string")
	}
}

func TestFromKubeValues(t *testing.T) {
	obj, err := FromKube(kubeJSON(t, fluentdSpec()), daemonSetSpecType, daemonSetOptions())
	if err != nil {
		t.Fatal(err)
	}
	spec := attrAt(t, obj, "template", "spec")
	if got := attrAt(t, spec, "termination_grace_period_seconds"); !got.Equal(types.Int64Value(30)) {
		t.Errorf("termination_grace_period_seconds = %v", got)
	}
	if got := attrAt(t, spec, "host_ipc"); !got.IsNull() {
		t.Errorf("absent host_ipc = %v, want null", got)
	}
	strategy := attrAt(t, obj, "update_strategy", "rolling_update", "max_unavailable")
	if !strategy.Equal(NewIntOrStringValue("1")) {
		t.Errorf("max_unavailable = %#v, want IntOrString \"1\"", strategy)
	}

	empty := map[string]any{"template": map[string]any{"spec": map[string]any{
		"containers": []any{}, "nodeSelector": map[string]any{},
	}}}
	obj, err = FromKube(empty, daemonSetSpecType, daemonSetOptions())
	if err != nil {
		t.Fatal(err)
	}
	spec = attrAt(t, obj, "template", "spec")
	for _, name := range []string{"containers", "node_selector"} {
		if v := attrAt(t, spec, name); v.IsNull() {
			t.Errorf("empty %s became null", name)
		}
	}
	back, err := ToKube(obj, daemonSetSpecType, daemonSetOptions())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, empty) {
		t.Errorf("empty collections did not survive: %v", back)
	}
}

func TestToKubeRejectsUnknown(t *testing.T) {
	opts := daemonSetOptions()
	attrTypes := AttrTypes(daemonSetSpecType, opts)
	vals := map[string]attr.Value{}
	for name, typ := range attrTypes {
		vals[name] = nullOf(t, typ)
	}
	vals["min_ready_seconds"] = types.Int64Unknown()
	obj := types.ObjectValueMust(attrTypes, vals)
	if _, err := ToKube(obj, daemonSetSpecType, opts); err == nil {
		t.Error("ToKube accepted an unknown value")
	}
	vals["min_ready_seconds"] = types.Int64Null()
	m, err := ToKube(types.ObjectValueMust(attrTypes, vals), daemonSetSpecType, opts)
	if err != nil || len(m) != 0 {
		t.Errorf("all-null object gave %v, %v; want an empty map", m, err)
	}
}

func TestFromKubeRejectsWrongJSON(t *testing.T) {
	for _, m := range []map[string]any{
		{"minReadySeconds": "ten"},
		{"minReadySeconds": 1.5},
		{"template": []any{}},
		{"template": map[string]any{"spec": map[string]any{"hostIPC": "yes"}}},
	} {
		if _, err := FromKube(m, daemonSetSpecType, daemonSetOptions()); err == nil {
			t.Errorf("FromKube(%v) gave no error", m)
		}
	}
	obj, err := FromKube(map[string]any{"minReadySeconds": json.Number("10")}, daemonSetSpecType, daemonSetOptions())
	if err != nil || !attrAt(t, obj, "min_ready_seconds").Equal(types.Int64Value(10)) {
		t.Errorf("json.Number: %v, %v", obj, err)
	}
}

func attrAt(t *testing.T, v attr.Value, names ...string) attr.Value {
	t.Helper()
	for _, name := range names {
		obj, ok := v.(types.Object)
		if !ok {
			t.Fatalf("%s: %T is not an object", name, v)
		}
		v = obj.Attributes()[name]
	}
	return v
}

func nullOf(t *testing.T, typ attr.Type) attr.Value {
	t.Helper()
	v, err := typ.ValueFromTerraform(t.Context(), tftypesNull(typ))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Values must survive the trip through Terraform's wire format, which is
// how a plan reaches the resource.
func TestFromKubeSurvivesTerraform(t *testing.T) {
	ctx := t.Context()
	opts := daemonSetOptions()
	kube := kubeJSON(t, fluentdSpec())
	obj, err := FromKube(kube, daemonSetSpecType, opts)
	if err != nil {
		t.Fatal(err)
	}
	s := schema.Schema{Attributes: map[string]schema.Attribute{
		"spec": schema.SingleNestedAttribute{Attributes: ResourceAttributes(daemonSetSpecType, opts), Optional: true},
	}}
	typ, diags := s.TypeAtPath(ctx, path.Root("spec"))
	if diags.HasError() {
		t.Fatal(diags)
	}
	tfv, err := obj.ToTerraformValue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	planned, err := typ.ValueFromTerraform(ctx, tfv)
	if err != nil {
		t.Fatal(err)
	}
	if !planned.Equal(obj) {
		t.Fatal("value changed on the way through Terraform")
	}
	plannedObj, ok := planned.(types.Object)
	if !ok {
		t.Fatalf("planned value is %T", planned)
	}
	back, err := ToKube(plannedObj, daemonSetSpecType, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(normalise(back), normalise(kube)) {
		t.Error("ToKube of the planned value differs from the original JSON")
	}
}
