// Package restartaction is the k8sfleet_daemonset_restart action: it restarts a DaemonSet's
// pods as `kubectl rollout restart` does and waits for the rollout, reporting progress.
package restartaction

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/types"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8stypes "k8s.io/apimachinery/pkg/types"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/daemonset"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/providerdata"
)

var _ action.ActionWithConfigure = &Action{}

// TypeName is the action's type name.
const TypeName = "k8sfleet_daemonset_restart"

// RestartedAtAnnotation is the pod template annotation `kubectl rollout restart` sets.
const RestartedAtAnnotation = "kubectl.kubernetes.io/restartedAt"

const (
	defaultTimeout = 5 * time.Minute
	pollInterval   = time.Second
)

// Action restarts one DaemonSet's pods.
type Action struct {
	client *kube.Client
}

// New is the constructor the provider registers.
func New() action.Action { return &Action{} }

type model struct {
	Namespace types.String `tfsdk:"namespace"`
	Name      types.String `tfsdk:"name"`
	Timeout   types.String `tfsdk:"timeout"`
	Wait      types.Bool   `tfsdk:"wait"`
}

// Metadata names the action.
func (a *Action) Metadata(_ context.Context, _ action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = TypeName
}

// Schema describes the action.
func (a *Action) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = actionSchema()
}

// Configure receives the provider's client.
func (a *Action) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.client = providerdata.Client(req.ProviderData, &resp.Diagnostics)
}

// Invoke writes the restartedAt annotation under the action's own field manager and, with
// wait, follows the rollout until every pod is replaced and available.
func (a *Action) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var m model
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !a.client.Configured() {
		resp.Diagnostics.AddError("Provider not configured", "the restart action needs a provider configuration that is known when it runs.")
		return
	}
	ns := m.Namespace.ValueString()
	if ns == "" {
		ns = "default"
	}
	timeout := defaultTimeout
	if !m.Timeout.IsNull() {
		d, err := time.ParseDuration(m.Timeout.ValueString())
		if err != nil {
			resp.Diagnostics.AddError("Invalid timeout", err.Error())
			return
		}
		timeout = d
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	r := restart{client: a.client, ns: ns, name: m.Name.ValueString(), progress: resp.SendProgress}
	if err := r.write(ctx); err != nil {
		resp.Diagnostics.AddError("Cannot restart the DaemonSet", err.Error())
		return
	}
	if m.Wait.IsNull() || m.Wait.ValueBool() {
		if err := r.wait(ctx, timeout); err != nil {
			resp.Diagnostics.AddError("DaemonSet restart did not finish", err.Error())
		}
	}
}

// restart is one invocation.
type restart struct {
	client   *kube.Client
	ns, name string
	stamp    string
	progress func(action.InvokeProgressEvent)
	last     string
}

// write refuses OnDelete DaemonSets (docs: the restart action), then patches the template's
// restartedAt annotation as kubectl does, under daemonset.RestartFieldManager.
func (r *restart) write(ctx context.Context) error {
	api := r.client.Clientset.AppsV1().DaemonSets(r.ns)
	ds, err := api.Get(ctx, r.name, metav1.GetOptions{})
	if err != nil {
		return errors.New(kube.Explain(err, "get", "daemonsets"))
	}
	if ds.Spec.UpdateStrategy.Type == appsv1.OnDeleteDaemonSetStrategyType {
		return errors.New(onDeleteRefusal(ds))
	}
	r.stamp = time.Now().Format(time.RFC3339)
	patch, err := json.Marshal(map[string]any{"spec": map[string]any{"template": map[string]any{
		"metadata": map[string]any{"annotations": map[string]string{RestartedAtAnnotation: r.stamp}},
	}}})
	if err != nil {
		return err
	}
	if _, err := api.Patch(ctx, r.name, k8stypes.StrategicMergePatchType, patch,
		metav1.PatchOptions{FieldManager: daemonset.RestartFieldManager}); err != nil {
		return errors.New(kube.Explain(err, "patch", "daemonsets"))
	}
	r.send(fmt.Sprintf("restarting DaemonSet %s/%s: %s = %s", r.ns, r.name, RestartedAtAnnotation, r.stamp))
	return nil
}

// onDeleteRefusal says why an OnDelete DaemonSet is not restarted and what to run instead.
func onDeleteRefusal(ds *appsv1.DaemonSet) string {
	return fmt.Sprintf("DaemonSet %s/%s has updateStrategy OnDelete: its pods are replaced only when someone deletes them, "+
		"an order its owners chose to control (network, storage and node agents often need a drain first). "+
		"Nothing was written. Restart it node by node, waiting for each new pod to be ready:\n"+
		"  kubectl -n %s delete pod -l %s --field-selector spec.nodeName=NODE\n"+
		"or set spec.update_strategy.type = \"RollingUpdate\" on the DaemonSet to let this action restart it.",
		ds.Namespace, ds.Name, ds.Namespace, metav1.FormatLabelSelector(ds.Spec.Selector))
}

// wait polls until the rollout is done, sending a progress event whenever its text changes.
func (r *restart) wait(ctx context.Context, timeout time.Duration) error {
	api := r.client.Clientset.AppsV1().DaemonSets(r.ns)
	status := ""
	for {
		ds, err := api.Get(ctx, r.name, metav1.GetOptions{})
		if err == nil {
			if daemonset.RolloutDone(ds) {
				r.send(fmt.Sprintf("DaemonSet %s/%s restarted: %d of %d pods updated and available",
					r.ns, r.name, ds.Status.UpdatedNumberScheduled, ds.Status.DesiredNumberScheduled))
				return nil
			}
			status = r.status(ctx, ds)
			r.send(status)
		}
		select {
		case <-ctx.Done():
			if status == "" && err != nil {
				status = kube.Explain(err, "get", "daemonsets")
			}
			return fmt.Errorf("DaemonSet %s/%s: not restarted within %s: %s; the restart was written, and the "+
				"controller goes on replacing its pods", r.ns, r.name, timeout, status)
		case <-time.After(pollInterval):
		}
	}
}

// status is the rollout in kubectl's words, with the first node it waits on and why:
// "12 of 40 updated; waiting for k8s-07: pod Pending (...)".
func (r *restart) status(ctx context.Context, ds *appsv1.DaemonSet) string {
	s := ds.Status
	text := fmt.Sprintf("%d of %d updated, %d available", s.UpdatedNumberScheduled, s.DesiredNumberScheduled, s.NumberAvailable)
	pods, err := r.client.Clientset.CoreV1().Pods(r.ns).List(ctx, metav1.ListOptions{
		LabelSelector: metav1.FormatLabelSelector(ds.Spec.Selector),
	})
	if err != nil {
		return text
	}
	if node, why := waitingOn(pods.Items, r.stamp); node != "" {
		text += fmt.Sprintf("; waiting for %s: %s", node, why)
	}
	return text
}

// waitingOn names the first node, by name, whose pod is new and not ready, else the first
// that still runs a pod from before the restart.
func waitingOn(pods []corev1.Pod, stamp string) (node, why string) {
	sort.Slice(pods, func(i, j int) bool { return daemonset.PodNode(&pods[i]) < daemonset.PodNode(&pods[j]) })
	for i := range pods {
		p := &pods[i]
		if p.Annotations[RestartedAtAnnotation] == stamp && !daemonset.PodReady(p) {
			return daemonset.PodNode(p), "pod " + daemonset.PodReason(p)
		}
	}
	for i := range pods {
		p := &pods[i]
		if p.Annotations[RestartedAtAnnotation] != stamp {
			return daemonset.PodNode(p), "pod " + p.Name + " from before the restart not replaced yet"
		}
	}
	return "", ""
}

func (r *restart) send(msg string) {
	if msg == r.last || r.progress == nil {
		return
	}
	r.last = msg
	r.progress(action.InvokeProgressEvent{Message: msg})
}
