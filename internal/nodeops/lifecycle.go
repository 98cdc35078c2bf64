package nodeops

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
)

// Texts name one resource's work in errors.
type Texts struct {
	Action   string // "Labeling"
	Removal  string // "Removing labels"
	Conflict string // title of the conflict error
}

// Create runs a create over job.Targets. When some nodes fail it undoes the others, so the
// resource is not saved and not tainted; save is true only when the undo left nodes behind,
// which are then the nodes to keep in state.
func Create(ctx context.Context, c *kube.Client, t Texts, job Job, diags *diag.Diagnostics) (nodes []string, owned Ownership, save bool) {
	out, ok := Run(ctx, c, t.Conflict, job, diags)
	if !ok {
		return nil, nil, false
	}
	if len(out.Failures) == 0 {
		return job.Targets, out.Owned, true
	}
	// The create's own deadline may be what failed it; the undo gets time of its own.
	undoCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	changed := make([]string, 0, len(out.Owned))
	for name := range out.Owned {
		changed = append(changed, name)
	}
	left := Rollback(undoCtx, c.Clientset, changed, job.Clear)
	tflog.Warn(ctx, "create failed on some nodes; undid the others", map[string]any{
		"failed": len(out.Failures), "undone": len(changed) - len(left), "left": len(left),
	})
	diags.AddError(t.Action+" failed", NodeFailuresText(t.Action, len(job.Targets), out.Failures)+"\n\n"+
		RolledBackText(len(changed)-len(left), left))
	kept := Ownership{}
	for _, name := range left {
		kept[name] = out.Owned[name]
	}
	return left, kept, len(left) > 0
}

// Update runs an update: job.Targets get the wanted state and job.Leaving are cleaned. It
// returns the nodes to keep in state (the targets, and leaving nodes that failed, so the
// next apply cleans them) and the new ownership (a node that failed keeps its old record).
func Update(ctx context.Context, c *kube.Client, t Texts, job Job, prior Ownership, diags *diag.Diagnostics) (nodes []string, owned Ownership, save bool) {
	out, ok := Run(ctx, c, t.Conflict, job, diags)
	if !ok {
		return nil, nil, false
	}
	owned = Ownership{}
	nodes = append(nodes, job.Targets...)
	for _, name := range job.Targets {
		if items, done := out.Owned[name]; done {
			owned[name] = items
		} else if items, had := prior[name]; had {
			owned[name] = items
		}
	}
	for _, name := range job.Leaving {
		if _, failed := out.Failures[name]; failed {
			nodes = append(nodes, name)
			if items, had := prior[name]; had {
				owned[name] = items
			}
		}
	}
	if len(out.Failures) > 0 {
		diags.AddError(t.Action+" failed", NodeFailuresText(t.Action, len(job.Targets)+len(job.Leaving), out.Failures))
	}
	return Union(nodes), owned, true
}

// Delete cleans job.Leaving; nodes that are gone need nothing.
func Delete(ctx context.Context, c *kube.Client, t Texts, job Job, diags *diag.Diagnostics) {
	out, ok := Run(ctx, c, t.Conflict, job, diags)
	if ok && len(out.Failures) > 0 {
		diags.AddError(t.Removal+" failed", NodeFailuresText(t.Removal, len(job.Leaving), out.Failures))
	}
}
