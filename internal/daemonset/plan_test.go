package daemonset

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	clienttesting "k8s.io/client-go/testing"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kubeschema"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/placement"
)

func demoNodes(n int) []runtime.Object {
	var out []runtime.Object
	for i := 1; i <= n; i++ {
		out = append(out, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("k8s-%02d", i)}})
	}
	for i := 1; i <= 3; i++ {
		out = append(out, &corev1.Node{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("k8s-master-%02d", i)},
			Spec:       corev1.NodeSpec{Taints: []corev1.Taint{{Key: "node-role.kubernetes.io/master", Effect: corev1.TaintEffectNoSchedule}}},
		})
	}
	return out
}

func planFor(t *testing.T, s tfsdk.Plan, tolerate, asConfig bool) tfsdk.Plan {
	t.Helper()
	ctx := context.Background()
	labels := map[string]string{"name": "fluentd"}
	spec := appsv1.DaemonSetSpec{
		Selector: &metav1.LabelSelector{MatchLabels: labels},
		Template: corev1.PodTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Labels: labels},
			Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "fluentd", Image: "fluentd:v2.5.2"}}},
		},
	}
	if tolerate {
		spec.Template.Spec.Tolerations = []corev1.Toleration{{Key: "node-role.kubernetes.io/master", Effect: corev1.TaintEffectNoSchedule}}
	}
	raw, _ := json.Marshal(spec)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	specObj, err := kubeschema.FromKube(m, specType, specOptions)
	if err != nil {
		t.Fatal(err)
	}
	meta := types.ObjectValueMust(metadataAttrTypes, map[string]attr.Value{
		"name": types.StringValue("fluentd"), "namespace": types.StringValue("kube-system"),
		"labels": types.MapNull(types.StringType), "annotations": types.MapNull(types.StringType), "uid": types.StringUnknown(),
	})
	tt := map[string]attr.Type{"create": types.StringType, "update": types.StringType, "delete": types.StringType}
	mod := model{
		ID: types.StringUnknown(), Metadata: meta, Spec: specObj,
		FieldManager: types.StringValue(DefaultFieldManager), Force: types.BoolValue(false), WaitForRollout: types.BoolValue(true),
		PlacementChanges: types.MapUnknown(types.StringType), ExpectedPodCount: types.Int64Unknown(), ExcludedNodeCounts: types.MapUnknown(types.Int64Type),
		Timeouts: timeouts.Value{Object: types.ObjectNull(tt)},
	}
	if asConfig {
		mod.ID, mod.ExpectedPodCount = types.StringNull(), types.Int64Null()
		mod.PlacementChanges, mod.ExcludedNodeCounts = types.MapNull(types.StringType), types.MapNull(types.Int64Type)
		mod.Metadata = types.ObjectValueMust(metadataAttrTypes, map[string]attr.Value{
			"name": types.StringValue("fluentd"), "namespace": types.StringValue("kube-system"),
			"labels": types.MapNull(types.StringType), "annotations": types.MapNull(types.StringType), "uid": types.StringNull(),
		})
	}
	if diags := s.Set(ctx, &mod); diags.HasError() {
		t.Fatal(diags)
	}
	return s
}

// TestModifyPlan_warning checks the plan's placement warning, which acceptance tests cannot see.
func TestModifyPlan_warning(t *testing.T) {
	ctx := context.Background()
	sch := resourceSchema(ctx)
	for _, tc := range []struct {
		tolerate bool
		count    int64
		summary  string
	}{
		{false, 3, "kube-system/fluentd: 0 -> 3 pods; +3 (new DaemonSet): k8s-01, k8s-02, k8s-03"},
		{true, 6, "kube-system/fluentd: 0 -> 6 pods; +6 (new DaemonSet): k8s-01, k8s-02, k8s-03, k8s-master-01, k8s-master-02, k8s-master-03"},
	} {
		client := kube.FromClientset(fake.NewClientset(demoNodes(3)...), kube.Options{PredictPlacement: true})
		r := &Resource{client: client}
		plan := planFor(t, emptyPlan(ctx), tc.tolerate, false)
		config := planFor(t, emptyPlan(ctx), tc.tolerate, true)
		req := resource.ModifyPlanRequest{
			Plan:   plan,
			State:  tfsdk.State{Schema: sch, Raw: tftypes.NewValue(sch.Type().TerraformType(ctx), nil)},
			Config: tfsdk.Config{Schema: sch, Raw: config.Raw},
		}
		resp := &resource.ModifyPlanResponse{Plan: plan}
		r.ModifyPlan(ctx, req, resp)
		if resp.Diagnostics.HasError() {
			t.Fatal(resp.Diagnostics)
		}
		warnings := resp.Diagnostics.Warnings()
		if len(warnings) != 1 || warnings[0].Summary() != "DaemonSet kube-system/fluentd placement" ||
			!strings.HasPrefix(warnings[0].Detail(), tc.summary) {
			t.Fatalf("warnings %v, want one with detail starting %q", warnings, tc.summary)
		}
		var got model
		resp.Plan.Get(ctx, &got)
		if got.ExpectedPodCount.ValueInt64() != tc.count {
			t.Fatalf("expected_pod_count %v, want %d", got.ExpectedPodCount, tc.count)
		}
	}
}

// TestModifyPlan_summaryTruncated: large fleets list 20 names, then "and N more".
func TestModifyPlan_summaryTruncated(t *testing.T) {
	ctx := context.Background()
	sch := resourceSchema(ctx)
	client := kube.FromClientset(fake.NewClientset(demoNodes(50)...), kube.Options{PredictPlacement: true})
	r := &Resource{client: client}
	plan := planFor(t, emptyPlan(ctx), false, false)
	config := planFor(t, emptyPlan(ctx), false, true)
	resp := &resource.ModifyPlanResponse{Plan: plan}
	r.ModifyPlan(ctx, resource.ModifyPlanRequest{Plan: plan, State: tfsdk.State{Schema: sch, Raw: tftypes.NewValue(sch.Type().TerraformType(ctx), nil)}, Config: tfsdk.Config{Schema: sch, Raw: config.Raw}}, resp)
	w := resp.Diagnostics.Warnings()
	if len(w) != 1 || !strings.Contains(w[0].Detail(), "0 -> 50 pods; +50 (new DaemonSet): k8s-01,") || !strings.Contains(w[0].Detail(), "and 30 more") {
		t.Fatalf("warnings %v", w)
	}
}

// TestModifyPlan_unconfigured: an unknown provider configuration plans unknown values.
func TestModifyPlan_unconfigured(t *testing.T) {
	ctx := context.Background()
	sch := resourceSchema(ctx)
	r := &Resource{client: kube.Unconfigured(kube.Options{PredictPlacement: true})}
	plan := planFor(t, emptyPlan(ctx), false, false)
	config := planFor(t, emptyPlan(ctx), false, true)
	resp := &resource.ModifyPlanResponse{Plan: plan}
	r.ModifyPlan(ctx, resource.ModifyPlanRequest{Plan: plan, State: tfsdk.State{Schema: sch, Raw: tftypes.NewValue(sch.Type().TerraformType(ctx), nil)}, Config: tfsdk.Config{Schema: sch, Raw: config.Raw}}, resp)
	var got model
	resp.Plan.Get(ctx, &got)
	if resp.Diagnostics.HasError() || !got.PlacementChanges.IsUnknown() || !got.ExpectedPodCount.IsUnknown() {
		t.Fatalf("diags %v placement_changes %v", resp.Diagnostics, got.PlacementChanges)
	}
}

func emptyPlan(ctx context.Context) tfsdk.Plan {
	sch := resourceSchema(ctx)
	return tfsdk.Plan{Schema: sch, Raw: tftypes.NewValue(sch.Type().TerraformType(ctx), nil)}
}

// fluentdDaemonSet is the live object planFor describes, as the API server returns it.
func fluentdDaemonSet() *appsv1.DaemonSet {
	labels := map[string]string{"name": "fluentd"}
	return &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Name: "fluentd", Namespace: "kube-system"},
		Spec: appsv1.DaemonSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "fluentd", Image: "fluentd:v2.5.2"}}},
			},
		},
	}
}

func nodeObjects(objs []runtime.Object) []*corev1.Node {
	var out []*corev1.Node
	for _, o := range objs {
		if n, ok := o.(*corev1.Node); ok {
			out = append(out, n)
		}
	}
	return out
}

// TestModifyPlan_updateFromSnapshot: a changed DaemonSet is predicted from the refresh's
// snapshot, not from the nodes the cluster has now (a fourth worker joined since), and the
// tolerations another manager set on the live template count.
func TestModifyPlan_updateFromSnapshot(t *testing.T) {
	ctx := context.Background()
	sch := resourceSchema(ctx)
	for _, tc := range []struct {
		name        string
		others      []corev1.Toleration // set on the live template by another manager
		tolerate    bool                // our configuration's toleration
		count       int64
		changes     map[string]string
		warningPart string
	}{
		{"toleration added", nil, true, 6, map[string]string{
			"k8s-master-01": "+1: tolerates node-role.kubernetes.io/master:NoSchedule",
			"k8s-master-02": "+1: tolerates node-role.kubernetes.io/master:NoSchedule",
			"k8s-master-03": "+1: tolerates node-role.kubernetes.io/master:NoSchedule",
		}, "kube-system/fluentd: 3 -> 6 pods; +3 (tolerates node-role.kubernetes.io/master:NoSchedule): k8s-master-01, k8s-master-02, k8s-master-03"},
		{"another manager's toleration stays", []corev1.Toleration{{Operator: corev1.TolerationOpExists}}, false, 6, map[string]string{},
			"kube-system/fluentd: 6 -> 6 pods; no node changes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			joined := append(demoNodes(3), &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "k8s-04"}})
			live := fluentdDaemonSet()
			live.Spec.Template.Spec.Tolerations = tc.others
			cs := fake.NewClientset(joined...)
			// The fake keeps what a dry run applies; the API server would still serve live.
			cs.PrependReactor("get", "daemonsets", func(clienttesting.Action) (bool, runtime.Object, error) {
				return true, live.DeepCopy(), nil
			})
			client := kube.FromClientset(cs, kube.Options{PredictPlacement: true})
			r := &Resource{client: client}
			live.ManagedFields = []metav1.ManagedFieldsEntry{managed(DefaultFieldManager, `{"f:spec":{"f:template":{"f:spec":{"f:containers":{}}}}}`)}
			if tc.others != nil {
				live.ManagedFields = append(live.ManagedFields, managed("kubectl-edit", `{"f:spec":{"f:template":{"f:spec":{"f:tolerations":{}}}}}`))
			}
			private := fakePrivate{}
			if d := saveSnapshot(ctx, private, &kube.NodeList{Nodes: nodeObjects(demoNodes(3))}, live, DefaultFieldManager, nil); d.HasError() {
				t.Fatal(d)
			}
			state := planFor(t, emptyPlan(ctx), false, false)
			var prior model
			state.Get(ctx, &prior)
			prior.ID = types.StringValue("kube-system/fluentd")
			setPrediction(&prior, placement.Predict(&live.Spec.Template.Spec, nodeObjects(demoNodes(3)), placement.Options{}), nil)
			state.Set(ctx, &prior)
			plan := planFor(t, emptyPlan(ctx), tc.tolerate, false)
			config := planFor(t, emptyPlan(ctx), tc.tolerate, true)
			// The image changes too, so that the plan is an update in either case.
			var pm model
			plan.Get(ctx, &pm)
			pm.ID = prior.ID
			plan.Set(ctx, &pm)
			req := resource.ModifyPlanRequest{Plan: plan, State: tfsdk.State{Schema: sch, Raw: state.Raw}, Config: tfsdk.Config{Schema: sch, Raw: config.Raw}}
			resp := &resource.ModifyPlanResponse{Plan: plan}
			if !tc.tolerate {
				// Same spec as the state: change how the apply writes so that the plan is an
				// update (wait_for_rollout alone writes nothing and predicts nothing).
				var cm model
				plan.Get(ctx, &cm)
				cm.Force = types.BoolValue(true)
				plan.Set(ctx, &cm)
				req.Plan, resp.Plan = plan, plan
			}
			r.modifyPlan(ctx, req, private, resp)
			if resp.Diagnostics.HasError() {
				t.Fatal(resp.Diagnostics)
			}
			var got model
			resp.Plan.Get(ctx, &got)
			if got.ExpectedPodCount.ValueInt64() != tc.count {
				t.Errorf("expected_pod_count %v, want %d", got.ExpectedPodCount, tc.count)
			}
			changes := map[string]string{}
			got.PlacementChanges.ElementsAs(ctx, &changes, false)
			if !reflect.DeepEqual(changes, tc.changes) {
				t.Errorf("placement_changes %v, want %v", changes, tc.changes)
			}
			w := resp.Diagnostics.Warnings()
			if len(w) != 1 || w[0].Detail() != tc.warningPart {
				t.Errorf("warnings %v, want %q", w, tc.warningPart)
			}
		})
	}
}
