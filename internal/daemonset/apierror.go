package daemonset

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kubeschema"
)

// appendAPIError adds an API error as diagnostics: one per field the server names as invalid,
// at that field's attribute so that Terraform shows the line to change, and named by the
// attribute with the API's own field path in parentheses; else one for the resource.
func appendAPIError(diags *diag.Diagnostics, summary string, err error) {
	var status apierrors.APIStatus
	if !isConflict(err) && errors.As(err, &status) && status.Status().Details != nil {
		added := false
		for _, c := range status.Status().Details.Causes {
			if p, ok := attributePath(c.Field); ok {
				diags.AddAttributeError(p, summary, fieldMessage(p, c.Field, c.Message))
				added = true
			}
		}
		if added {
			return
		}
	}
	diags.AddError(summary, kube.Explain(err, "patch", "daemonsets")+missingDependencyHint(err))
}

// fieldMessage says what the server found wrong with the attribute at p, the API's field path
// beside it for those who read the Kubernetes documentation.
func fieldMessage(p path.Path, field, msg string) string {
	return fmt.Sprintf("%s (%s): %s", p, field, msg)
}

var fieldStep = regexp.MustCompile(`^([A-Za-z0-9_]+)((?:\[[^\]]*\])*)$`)

// attributePath maps a Kubernetes field path (spec.template.spec.containers[0].imagePullPolicy)
// to the resource's attribute path; false when it names no attribute of the resource.
func attributePath(field string) (path.Path, bool) {
	parts := strings.Split(field, ".")
	if len(parts) < 2 || (parts[0] != "spec" && parts[0] != "metadata") {
		return path.Empty(), false
	}
	p := path.Root(parts[0])
	for _, part := range parts[1:] {
		m := fieldStep.FindStringSubmatch(part)
		if m == nil {
			return path.Empty(), false
		}
		p = p.AtName(kubeschema.AttributeName(m[1]))
		for _, idx := range strings.Split(strings.TrimSuffix(strings.TrimPrefix(m[2], "["), "]"), "][") {
			if idx == "" {
				continue
			}
			if i, err := strconv.Atoi(idx); err == nil {
				p = p.AtListIndex(i)
			} else {
				p = p.AtMapKey(idx)
			}
		}
	}
	return p, true
}
