package daemonset

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	k8stypes "k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/placement"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/scheduling"
)

// schedulingNote says which of the pods the apply makes the controller create the default
// scheduler will not place (or will place only by preempting), read from the nodes and the
// pods bound to them now. It is a warning, not a planned value: pods come and go between a
// plan and its apply, and a planned value must be reproducible from the prior state.
func (r *Resource) schedulingNote(ctx context.Context, spec *appsv1.DaemonSetSpec, uid string, starts []placement.Start) string {
	if !r.client.Options.PredictScheduling || len(starts) == 0 {
		return ""
	}
	nodes, err := r.client.Nodes.List(ctx)
	if err != nil {
		return "scheduler: not judged: " + kube.Explain(err, "list", "nodes")
	}
	usage, err := r.client.PodUsage(ctx, nodes)
	if err != nil {
		return "scheduler: not judged: " + kube.Explain(err, "list", "pods")
	}
	adm, err := r.client.Admission(ctx, &spec.Template.Spec)
	if err != nil {
		return "scheduler: not judged: " + err.Error()
	}
	needs := scheduling.NeedsOf(&spec.Template.Spec, adm)
	return judgeStarts(needs, usage, k8stypes.UID(uid), surges(spec), starts).text(summaryLimit)
}

// surges is a rolling update with maxSurge: the new pod is created beside the old one.
func surges(spec *appsv1.DaemonSetSpec) bool {
	ru := spec.UpdateStrategy.RollingUpdate
	if spec.UpdateStrategy.Type == appsv1.OnDeleteDaemonSetStrategyType || ru == nil || ru.MaxSurge == nil {
		return false
	}
	// Any surge above zero scales to at least one pod (rounded up), whatever the node count.
	surge, err := intstr.GetScaledValueFromIntOrPercent(ru.MaxSurge, 100, true)
	return err == nil && surge > 0
}

// verdicts are the scheduler's verdicts on the pods the controller creates.
type verdicts struct {
	pending  map[string][]string // reason message -> "node (figures)", in node order
	reasons  []string            // the messages, most nodes first
	stalls   bool                // a pending pod replaces one of ours: the rolling update stalls
	surge    bool                // the old pod stays beside its pending replacement
	preempts []string            // nodes where the pod preempts
	victims  int
}

// judgeStarts is the scheduler's verdict for each start, with the DaemonSet's own old pod gone
// first where a rolling update without surge deletes it before creating the replacement.
func judgeStarts(needs scheduling.PodNeeds, usage *kube.PodUsage, uid k8stypes.UID, surge bool, starts []placement.Start) verdicts {
	v := verdicts{pending: map[string][]string{}, surge: surge}
	for _, s := range starts {
		verdict, ok := usage.Fit(needs, s.Node, uid, s.Replaces && !surge)
		if !ok {
			continue // the node left since the refresh, or reports no allocatable yet
		}
		switch verdict.Outcome {
		case scheduling.Pending:
			first := verdict.Reasons[0].Message
			var details []string
			for _, reason := range verdict.Reasons {
				details = append(details, reason.Detail())
			}
			if _, ok := v.pending[first]; !ok {
				v.reasons = append(v.reasons, first)
			}
			v.pending[first] = append(v.pending[first], s.Node+" ("+strings.Join(details, "; ")+")")
			v.stalls = v.stalls || s.Replaces
		case scheduling.Preempting:
			v.preempts = append(v.preempts, s.Node)
			v.victims += verdict.Victims
		}
	}
	slices.SortStableFunc(v.reasons, func(a, b string) int { return len(v.pending[b]) - len(v.pending[a]) })
	return v
}

// text is the warning's lines: the pods that stay Pending by reason, and the preemptions.
func (v verdicts) text(limit int) string {
	var lines []string
	for _, reason := range v.reasons {
		nodes := v.pending[reason]
		shown := nodes[:min(len(nodes), limit)]
		line := fmt.Sprintf("scheduler: %s will stay Pending: %s: %s", podCount(len(nodes)), reason, strings.Join(shown, ", "))
		if more := len(nodes) - len(shown); more > 0 {
			line += fmt.Sprintf(", and %d more", more)
		}
		lines = append(lines, line)
	}
	// The controller replaces available pods only while fewer than maxUnavailable are
	// unavailable (with surge: while fewer than maxSurge replacements wait), in an order of
	// its own; a replacement that stays Pending holds that budget for good.
	switch {
	case v.stalls && v.surge:
		lines = append(lines, "scheduler: the rolling update will stall: the old pods keep running beside their Pending "+
			"replacements, and once max_surge replacements wait, the other nodes keep the old template")
	case v.stalls:
		lines = append(lines, "scheduler: the rolling update will stall: a replacement that stays Pending stays unavailable, "+
			"so up to max_unavailable of these nodes are left without a running pod (the controller's order decides which), "+
			"and the other nodes keep the old template")
	}
	if len(v.preempts) > 0 {
		shown := v.preempts[:min(len(v.preempts), limit)]
		line := fmt.Sprintf("scheduler: %s placed by preempting %s of lower priority: %s", podCount(len(v.preempts)),
			podCount(v.victims), strings.Join(shown, ", "))
		if more := len(v.preempts) - len(shown); more > 0 {
			line += fmt.Sprintf(", and %d more", more)
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

func podCount(n int) string {
	if n == 1 {
		return "1 pod"
	}
	return strconv.Itoa(n) + " pods"
}
