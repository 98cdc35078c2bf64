package daemonset

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// settingsOnly saves an update that changes only the provider's own settings
// (wait_for_rollout, timeouts) in the state alone, and reports whether it was one: such a
// change writes nothing to the cluster, so an object adopted by import stays as its installer
// left it, with no field of ours, until its first real change.
func (r *Resource) settingsOnly(ctx context.Context, req resource.UpdateRequest, plan *model, resp *resource.UpdateResponse) bool {
	var state model
	if d := req.State.Get(ctx, &state); d.HasError() || changed(plan, &state) {
		return false
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	resp.Diagnostics.Append(plan.setIdentity(ctx, resp.Identity)...)
	return true
}

// withoutWarningsAfter drops the warnings added after the first n diagnostics: those of a dry run
// (a conflict with another manager) say what an apply would meet, and a plan that writes
// nothing meets nothing.
func withoutWarningsAfter(diags diag.Diagnostics, n int) diag.Diagnostics {
	out := diags[:n:n]
	for _, d := range diags[n:] {
		if d.Severity() != diag.SeverityWarning {
			out = append(out, d)
		}
	}
	return out
}
