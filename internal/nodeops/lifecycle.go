package nodeops

import (
	"context"
	"sort"

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

// Create runs a create over job.Targets. When some nodes fail, or the apply is interrupted,
// it undoes every node, so that nothing is saved and the resource is not tainted (a tainted
// resource would be replaced, which removes everything first). save is true on success, and
// when the undo left nodes behind: those are then the nodes to keep in state, tainted, so
// that the next apply removes them before creating the resource again.
func Create(ctx context.Context, c *kube.Client, t Texts, job Job, diags *diag.Diagnostics) (nodes []string, owned Ownership, save bool) {
	out, left, ok := runOrUndo(ctx, c, t, job, diags)
	if !ok || len(out.Failures) == 0 {
		return job.Targets, out.Owned, ok
	}
	diags.AddError(t.Action+" failed", NodeFailuresText(t.Action, len(job.Targets), out.Failures)+"\n\n"+
		UndoText("Nothing was created", "The resource is saved as tainted with only these nodes, so the next apply "+
			"removes them before creating it again; or remove them by hand as shown.", job.Writer, left))
	if len(left) == 0 {
		return nil, nil, false
	}
	kept := Ownership{}
	for name := range left {
		nodes = append(nodes, name)
		if rec, had := out.Owned[name]; had {
			kept[name] = rec
		}
	}
	sort.Strings(nodes)
	return nodes, kept, true
}

// Update runs an update: job.Targets get the wanted state and job.Leaving are cleaned. When
// some nodes fail, or the apply is interrupted, every node is put back as it was and the
// prior state stays. On success it returns the planned targets (a target that disappeared
// drops out at the next refresh) and what the resource owns on them.
func Update(ctx context.Context, c *kube.Client, t Texts, job Job, diags *diag.Diagnostics) (nodes []string, owned Ownership, save bool) {
	out, left, ok := runOrUndo(ctx, c, t, job, diags)
	if !ok || len(out.Failures) == 0 {
		return job.Targets, out.Owned, ok
	}
	diags.AddError(t.Action+" failed", NodeFailuresText(t.Action, len(job.Targets)+len(job.Leaving), out.Failures)+"\n\n"+
		UndoText("Nothing was changed", "Remove them by hand as shown, or apply again.", job.Writer, left))
	return nil, nil, false
}

// Delete cleans job.Leaving; nodes that are gone need nothing.
func Delete(ctx context.Context, c *kube.Client, t Texts, job Job, diags *diag.Diagnostics) {
	out, ok := Run(ctx, c, t.Conflict, job, diags)
	if ok && len(out.Failures) > 0 {
		diags.AddError(t.Removal+" failed", NodeFailuresText(t.Removal, len(job.Leaving), out.Failures))
	}
}

// runOrUndo runs the job; when nodes failed it puts every node back and returns the nodes
// it could not. ok is false when the job stopped before writing.
func runOrUndo(ctx context.Context, c *kube.Client, t Texts, job Job, diags *diag.Diagnostics) (Outcome, map[string]error, bool) {
	out, ok := Run(ctx, c, t.Conflict, job, diags)
	if !ok {
		return out, nil, false
	}
	if len(out.Gone) > 0 {
		diags.AddWarning("Node gone", GoneText(out.Gone))
	}
	if len(out.Failures) == 0 {
		return out, nil, true
	}
	left := Undo(ctx, c.Clientset, job, out.Before, out.Failures)
	tflog.Warn(ctx, t.Action+" failed on some nodes; put the nodes back", map[string]any{
		"failed": len(out.Failures), "left": len(left), "interrupted": ctx.Err() != nil,
	})
	return out, left, true
}
