package daemonset

import (
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// missingDependency names what the API server found missing for a request about this
// DaemonSet, when that is something other than the DaemonSet itself: its namespace, which
// another resource of the same run may create. Empty for every other error.
func missingDependency(err error) string {
	var status apierrors.APIStatus
	if !apierrors.IsNotFound(err) || !errors.As(err, &status) {
		return ""
	}
	d := status.Status().Details
	if d == nil || d.Name == "" || d.Kind == "" || d.Kind == "daemonsets" {
		return ""
	}
	if d.Kind == "namespaces" {
		return fmt.Sprintf("namespace %q", d.Name)
	}
	return fmt.Sprintf("%s %q", d.Kind, d.Name)
}

// reportMissingDependency is the plan's warning for a dry run that could not run because
// something the DaemonSet needs does not exist yet; it reports whether err was one.
func reportMissingDependency(err error, diags *diag.Diagnostics) bool {
	missing := missingDependency(err)
	if missing == "" {
		return false
	}
	diags.AddWarning("The API server could not validate this DaemonSet",
		fmt.Sprintf("The server-side dry run was skipped: %s does not exist yet (%v). The plan checked the DaemonSet "+
			"against the provider's own rules only. If a resource of this run creates %s and this DaemonSet depends on "+
			"it (a reference or depends_on), the apply creates the DaemonSet after it; otherwise the apply fails on the "+
			"missing %s.", missing, err, missing, missing))
	return true
}

// missingDependencyHint is what the apply's error adds when the DaemonSet's namespace (or
// another object it needs) is missing.
func missingDependencyHint(err error) string {
	missing := missingDependency(err)
	if missing == "" {
		return ""
	}
	return fmt.Sprintf(". %s does not exist: create it first, in a resource this DaemonSet depends on (a reference or depends_on)", missing)
}
