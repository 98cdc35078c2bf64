package restartaction_test

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/restartaction"
)

var configType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
	"namespace": tftypes.String, "name": tftypes.String, "timeout": tftypes.String, "wait": tftypes.Bool,
}}

func fluentd(strategy appsv1.DaemonSetUpdateStrategyType) *appsv1.DaemonSet {
	labels := map[string]string{"app": "fluentd"}
	return &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Namespace: "logging", Name: "fluentd"},
		Spec: appsv1.DaemonSetSpec{
			Selector:       &metav1.LabelSelector{MatchLabels: labels},
			UpdateStrategy: appsv1.DaemonSetUpdateStrategy{Type: strategy},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "fluentd", Image: "fluentd:1"}}},
			},
		},
		// Nothing runs the controller here: the rollout never completes.
		Status: appsv1.DaemonSetStatus{DesiredNumberScheduled: 2, UpdatedNumberScheduled: 1, NumberAvailable: 1},
	}
}

type invoked struct {
	progress []string
	errors   []string
}

func invoke(t *testing.T, cs *fake.Clientset, timeout string, wait bool) invoked {
	t.Helper()
	server := acctest.ProtocolServer(t, kube.FromClientset(cs, kube.Options{}))
	config := tftypes.NewValue(configType, map[string]tftypes.Value{
		"namespace": tftypes.NewValue(tftypes.String, "logging"), "name": tftypes.NewValue(tftypes.String, "fluentd"),
		"timeout": tftypes.NewValue(tftypes.String, timeout), "wait": tftypes.NewValue(tftypes.Bool, wait),
	})
	dv, err := tfprotov6.NewDynamicValue(configType, config)
	if err != nil {
		t.Fatal(err)
	}
	stream, err := server.InvokeAction(context.Background(), &tfprotov6.InvokeActionRequest{ActionType: restartaction.TypeName, Config: &dv})
	if err != nil {
		t.Fatal(err)
	}
	var out invoked
	for event := range stream.Events {
		switch e := event.Type.(type) {
		case tfprotov6.ProgressInvokeActionEventType:
			out.progress = append(out.progress, e.Message)
		case tfprotov6.CompletedInvokeActionEventType:
			for _, d := range e.Diagnostics {
				if d.Severity == tfprotov6.DiagnosticSeverityError {
					out.errors = append(out.errors, d.Summary+": "+d.Detail)
				}
			}
		}
	}
	return out
}

func templateAnnotation(t *testing.T, cs *fake.Clientset) string {
	t.Helper()
	ds, err := cs.AppsV1().DaemonSets("logging").Get(context.Background(), "fluentd", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return ds.Spec.Template.Annotations[restartaction.RestartedAtAnnotation]
}

// TestInvoke_writesRestartedAt: without wait, the action sets the template annotation as
// kubectl rollout restart does and reports it.
func TestInvoke_writesRestartedAt(t *testing.T) {
	cs := fake.NewClientset(fluentd(appsv1.RollingUpdateDaemonSetStrategyType))
	got := invoke(t, cs, "1m", false)
	if len(got.errors) > 0 {
		t.Fatal(got.errors)
	}
	stamp := templateAnnotation(t, cs)
	if stamp == "" || len(got.progress) != 1 || !strings.Contains(got.progress[0], stamp) {
		t.Errorf("annotation %q, progress %q", stamp, got.progress)
	}
}

// TestInvoke_refusesOnDelete: an OnDelete DaemonSet is not written, and the error says what to run.
func TestInvoke_refusesOnDelete(t *testing.T) {
	cs := fake.NewClientset(fluentd(appsv1.OnDeleteDaemonSetStrategyType))
	got := invoke(t, cs, "1m", true)
	if len(got.errors) != 1 || !strings.Contains(got.errors[0], "updateStrategy OnDelete") ||
		!strings.Contains(got.errors[0], "kubectl -n logging delete pod -l app=fluentd --field-selector spec.nodeName=NODE") {
		t.Errorf("errors %q", got.errors)
	}
	if stamp := templateAnnotation(t, cs); stamp != "" {
		t.Errorf("OnDelete DaemonSet written: restartedAt %q", stamp)
	}
}

// TestInvoke_timeoutNamesTheNode: a rollout that does not finish fails at the timeout with
// the node waited on and why, after progress events in the same words.
func TestInvoke_timeoutNamesTheNode(t *testing.T) {
	old := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: "logging", Name: "fluentd-old", Labels: map[string]string{"app": "fluentd"}},
		Spec:       corev1.PodSpec{NodeName: "k8s-07"},
	}
	cs := fake.NewClientset(fluentd(appsv1.RollingUpdateDaemonSetStrategyType), old)
	got := invoke(t, cs, "2s", true)
	want := "1 of 2 updated, 1 available; waiting for k8s-07: pod fluentd-old from before the restart not replaced yet"
	if len(got.errors) != 1 || !strings.Contains(got.errors[0], "not restarted within 2s: "+want) {
		t.Errorf("errors %q", got.errors)
	}
	if len(got.progress) < 2 || got.progress[1] != want {
		t.Errorf("progress %q", got.progress)
	}
}
