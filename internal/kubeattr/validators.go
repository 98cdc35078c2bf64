package kubeattr

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation"
)

// LabelSelectorValidator checks a Kubernetes label selector string.
type LabelSelectorValidator struct{}

// Description says the rule.
func (LabelSelectorValidator) Description(context.Context) string {
	return "must be a Kubernetes label selector such as `logger=fluentd,!gpu` or `tier in (a,b)`"
}

// MarkdownDescription says the rule.
func (v LabelSelectorValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

// ValidateString parses the selector.
func (v LabelSelectorValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := labels.Parse(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid label selector",
			fmt.Sprintf("%q %s: %v", req.ConfigValue.ValueString(), v.Description(ctx), err))
	}
}

// LabelKeyError explains why a label (or annotation, with annotation=true) key is invalid, or "".
func LabelKeyError(key string) string {
	if errs := validation.IsQualifiedName(key); len(errs) > 0 {
		return fmt.Sprintf("key %q is not a valid label key: %s", key, strings.Join(errs, "; "))
	}
	return ""
}

// LabelValueError explains why a label value is invalid, or "".
func LabelValueError(key, value string) string {
	if errs := validation.IsValidLabelValue(value); len(errs) > 0 {
		return fmt.Sprintf("value %q of label %q is not a valid label value: %s", value, key, strings.Join(errs, "; "))
	}
	return ""
}

// AnnotationKeyError explains why an annotation key is invalid, or "".
func AnnotationKeyError(key string) string {
	if errs := validation.IsQualifiedName(strings.ToLower(key)); len(errs) > 0 {
		return fmt.Sprintf("key %q is not a valid annotation key: %s", key, strings.Join(errs, "; "))
	}
	return ""
}

// LabelMapValidator checks every key and value of a map of labels.
type LabelMapValidator struct{}

// Description says the rule.
func (LabelMapValidator) Description(context.Context) string {
	return "keys must be qualified names ([prefix/]name, name at most 63 characters) and values at most 63 characters of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric"
}

// MarkdownDescription says the rule.
func (v LabelMapValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

// ValidateMap checks each entry.
func (v LabelMapValidator) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for k, val := range req.ConfigValue.Elements() {
		if msg := LabelKeyError(k); msg != "" {
			resp.Diagnostics.AddAttributeError(req.Path.AtMapKey(k), "Invalid label key", msg)
		}
		s, ok := val.(interface{ ValueString() string })
		if !ok || val.IsUnknown() || val.IsNull() {
			continue
		}
		if msg := LabelValueError(k, s.ValueString()); msg != "" {
			resp.Diagnostics.AddAttributeError(req.Path.AtMapKey(k), "Invalid label value", msg)
		}
	}
}

// DurationValidator checks a Go duration string at plan time.
type DurationValidator struct{}

// Description says the rule.
func (DurationValidator) Description(context.Context) string {
	return "must be a positive Go duration such as 30s or 2m"
}

// MarkdownDescription says the rule.
func (v DurationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

// ValidateString parses the duration; zero and negatives are refused, since a bound of
// nothing ends every operation before its first request.
func (v DurationValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err != nil || d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("%s: %q %s", req.Path, req.ConfigValue.ValueString(), v.Description(ctx)))
	}
}

// NodeNameValidator checks that a name can be a node's: a DNS subdomain (RFC 1123).
type NodeNameValidator struct{}

// Description says the rule.
func (NodeNameValidator) Description(context.Context) string {
	return "must be a node name: at most 253 characters of lower-case alphanumerics, '-' or '.', starting and ending with an alphanumeric"
}

// MarkdownDescription says the rule.
func (v NodeNameValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

// ValidateString checks the name.
func (v NodeNameValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if errs := validation.IsDNS1123Subdomain(req.ConfigValue.ValueString()); len(errs) > 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid node name",
			fmt.Sprintf("%s: %q %s (%s)", req.Path, req.ConfigValue.ValueString(), v.Description(ctx), strings.Join(errs, "; ")))
	}
}
