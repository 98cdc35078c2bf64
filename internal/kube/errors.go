package kube

import (
	"errors"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Explain turns an API error into a sentence that says what happened and what to do.
// verb and resource name the call, e.g. "patch", "nodes".
func Explain(err error, verb, resource string) string {
	var status apierrors.APIStatus
	switch {
	case err == nil:
		return ""
	case apierrors.IsForbidden(err) && refusedByAdmission(err):
		return fmt.Sprintf("the API server's admission control refused to %s %s (a webhook or admission policy, not RBAC): %v", verb, resource, err)
	case apierrors.IsForbidden(err):
		return fmt.Sprintf("the provider's credentials may not %s %s: grant the verb %q on %q in the provider's ClusterRole (see docs/guides/rbac.md): %v",
			verb, resource, verb, resource, err)
	case apierrors.IsUnauthorized(err):
		return fmt.Sprintf("the API server rejected the provider's credentials while trying to %s %s: %v", verb, resource, err)
	case apierrors.IsConflict(err) && len(FieldConflicts(err)) > 0:
		return fmt.Sprintf("%s %s: %s", verb, resource, strings.Join(FieldConflicts(err), "; "))
	case errors.As(err, &status):
		return fmt.Sprintf("%s %s: %v", verb, resource, err)
	default:
		return fmt.Sprintf("%s %s: cannot reach the API server: %v", verb, resource, err)
	}
}

// refusedByAdmission tells a webhook's or an admission policy's denial from an RBAC one: both
// are 403 Forbidden.
func refusedByAdmission(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "admission webhook") || strings.Contains(msg, "ValidatingAdmissionPolicy") ||
		strings.Contains(msg, "denied request")
}

// FieldConflicts lists server-side apply conflicts as "field F is owned by field manager M".
func FieldConflicts(err error) []string {
	var status apierrors.APIStatus
	if !errors.As(err, &status) || status.Status().Details == nil {
		return nil
	}
	var out []string
	for _, c := range status.Status().Details.Causes {
		if c.Type != metav1.CauseTypeFieldManagerConflict {
			continue
		}
		out = append(out, fmt.Sprintf("field %s is owned by field manager %s; set force = true to take it over", c.Field, conflictManager(c.Message)))
	}
	return out
}

// conflictManager reads the manager out of `conflict with "kubectl-label" using v1`.
func conflictManager(msg string) string {
	if i := strings.Index(msg, `"`); i >= 0 {
		if j := strings.Index(msg[i+1:], `"`); j >= 0 {
			return msg[i+1 : i+1+j]
		}
	}
	return msg
}
