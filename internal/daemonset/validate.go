package daemonset

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kubeattr"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/scheduling"
)

// ValidateConfig checks at plan time, without the cluster, the rules of a DaemonSet that
// the API server would otherwise reject at apply.
func (r *Resource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	if !req.Config.Raw.IsFullyKnown() {
		return // checked again when the values are known
	}
	var m model
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.Spec.IsNull() {
		return
	}
	want, diags := m.desired(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	for _, p := range problems(want) {
		// Terraform shows an attribute nested in an object on the resource's line: the text
		// names it.
		resp.Diagnostics.AddAttributeError(p.path, "Invalid DaemonSet", p.path.String()+": "+p.msg)
	}
}

type problem struct {
	path path.Path
	msg  string
}

var (
	pathTemplate = pathSpec.AtName("template")
	pathPodSpec  = pathTemplate.AtName("spec")
)

// problems lists every rule the desired object breaks.
func problems(want *desired) []problem {
	var out []problem
	add := func(p path.Path, format string, args ...any) {
		out = append(out, problem{p, fmt.Sprintf(format, args...)})
	}
	ds := want.ds
	if errs := validation.IsDNS1123Subdomain(ds.Name); len(errs) > 0 {
		add(pathMetadata.AtName("name"), "%q is not a valid name: %s", ds.Name, strings.Join(errs, "; "))
	}
	if errs := validation.IsDNS1123Label(ds.Namespace); len(errs) > 0 {
		add(pathMetadata.AtName("namespace"), "%q is not a valid namespace: %s", ds.Namespace, strings.Join(errs, "; "))
	}
	for k := range ds.Annotations {
		if msg := kubeattr.AnnotationKeyError(k); msg != "" {
			add(pathMetadata.AtName("annotations").AtMapKey(k), "%s", msg)
		}
	}
	tmplLabels := pathTemplate.AtName("metadata").AtName("labels")
	for k, v := range ds.Spec.Template.Labels {
		if msg := kubeattr.LabelKeyError(k); msg != "" {
			add(tmplLabels.AtMapKey(k), "%s", msg)
		} else if msg := kubeattr.LabelValueError(k, v); msg != "" {
			add(tmplLabels.AtMapKey(k), "%s", msg)
		}
	}
	switch ds.Spec.Template.Spec.RestartPolicy {
	case "", corev1.RestartPolicyAlways:
	default:
		add(pathPodSpec.AtName("restart_policy"), "a DaemonSet's pods must restart: restart_policy must be Always or unset, got %q", ds.Spec.Template.Spec.RestartPolicy)
	}
	if len(ds.Spec.Template.Spec.Containers) == 0 {
		add(pathPodSpec.AtName("containers"), "a DaemonSet needs at least one container")
	}
	out = append(out, selectorProblems(want)...)
	out = append(out, numberProblems(want)...)
	out = append(out, surgeProblems(want)...)
	return out
}

// surgeProblems refuses host ports with maxSurge: the new pod is created beside the old one,
// which holds the port, so the scheduler never places it and the rolling update stops on the
// first node. The API server accepts this; the rollout deadlocks.
func surgeProblems(want *desired) []problem {
	spec := &want.ds.Spec
	if !surges(spec) {
		return nil
	}
	ports := scheduling.NeedsOf(&spec.Template.Spec, scheduling.Admission{}).Ports
	if len(ports) == 0 {
		return nil
	}
	texts := make([]string, len(ports))
	for i, p := range ports {
		texts[i] = p.String()
	}
	return []problem{{pathSpec.AtName("update_strategy").AtName("rolling_update").AtName("max_surge"), fmt.Sprintf(
		"the pods hold %s %s (a host_port, or a container_port under host_network): with max_surge the new pod is "+
			"created beside the old one on the same node, which still holds the port, so the scheduler never places it and "+
			"the rolling update stops on the first node; set max_surge to 0 and roll with max_unavailable",
		portsNoun(len(texts)), strings.Join(texts, ", "))}}
}

func selectorProblems(want *desired) []problem {
	ds := want.ds
	p := pathSpec.AtName("selector")
	if ds.Spec.Selector == nil || (len(ds.Spec.Selector.MatchLabels) == 0 && len(ds.Spec.Selector.MatchExpressions) == 0) {
		return []problem{{p, "selector is required and must not be empty: set match_labels to the template's labels"}}
	}
	sel, err := metav1.LabelSelectorAsSelector(ds.Spec.Selector)
	if err != nil {
		return []problem{{p, fmt.Sprintf("invalid selector: %v", err)}}
	}
	if !sel.Matches(labels.Set(ds.Spec.Template.Labels)) {
		return []problem{{p, fmt.Sprintf("selector %q does not match the template's labels %v: the DaemonSet would never own its pods",
			sel.String(), labels.Set(ds.Spec.Template.Labels))}}
	}
	return nil
}

func numberProblems(want *desired) []problem {
	var out []problem
	neg := func(p path.Path, v int64) {
		if v < 0 {
			out = append(out, problem{p, fmt.Sprintf("must not be negative, got %d", v)})
		}
	}
	spec := want.ds.Spec
	neg(pathSpec.AtName("min_ready_seconds"), int64(spec.MinReadySeconds))
	if spec.RevisionHistoryLimit != nil {
		neg(pathSpec.AtName("revision_history_limit"), int64(*spec.RevisionHistoryLimit))
	}
	if g := spec.Template.Spec.TerminationGracePeriodSeconds; g != nil {
		neg(pathPodSpec.AtName("termination_grace_period_seconds"), *g)
	}
	if d := spec.Template.Spec.ActiveDeadlineSeconds; d != nil {
		out = append(out, problem{pathPodSpec.AtName("active_deadline_seconds"), "a DaemonSet's pods run until deleted: active_deadline_seconds is not allowed"})
	}
	return out
}

func portsNoun(n int) string {
	if n == 1 {
		return "host port"
	}
	return "host ports"
}
