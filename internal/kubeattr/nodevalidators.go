package kubeattr

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/taintid"
)

// kubeletLabels are set by the kubelet from the machine and reset whenever it registers.
var kubeletLabels = []string{
	"kubernetes.io/hostname",
	"kubernetes.io/os",
	"kubernetes.io/arch",
	"node.kubernetes.io/instance-type",
	"topology.kubernetes.io/region",
	"topology.kubernetes.io/zone",
}

// IsKubeletLabel reports whether the kubelet owns the label key.
func IsKubeletLabel(key string) bool {
	return slices.Contains(kubeletLabels, key) || strings.HasPrefix(key, "beta.kubernetes.io/") ||
		strings.HasPrefix(key, "failure-domain.beta.kubernetes.io/")
}

// NodeLabelsValidator rejects labels that the kubelet owns.
type NodeLabelsValidator struct{}

// Description says the rule.
func (NodeLabelsValidator) Description(context.Context) string {
	return "must not set labels the kubelet owns (kubernetes.io/hostname, kubernetes.io/os, kubernetes.io/arch, " +
		"node.kubernetes.io/instance-type, topology.kubernetes.io/region, topology.kubernetes.io/zone, beta.kubernetes.io/*)"
}

// MarkdownDescription says the rule.
func (v NodeLabelsValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

// ValidateMap checks each key.
func (NodeLabelsValidator) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for key := range req.ConfigValue.Elements() {
		if IsKubeletLabel(key) {
			resp.Diagnostics.AddAttributeError(req.Path.AtMapKey(key), "Label owned by the kubelet", KubeletLabelText(key))
		}
	}
}

// TaintKeyValidator checks a taint key: a qualified name, and not a condition taint.
type TaintKeyValidator struct{}

// Description says the rule.
func (TaintKeyValidator) Description(context.Context) string {
	return "must be a qualified name ([prefix/]name) and not one of the condition taints under node.kubernetes.io/"
}

// MarkdownDescription says the rule.
func (v TaintKeyValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

// ValidateString checks the key.
func (TaintKeyValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	key := req.ConfigValue.ValueString()
	if errs := validation.IsQualifiedName(key); len(errs) > 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid taint key",
			fmt.Sprintf("taint key %q is not a qualified name: %s", key, strings.Join(errs, "; ")))
		return
	}
	if IsConditionTaint(key) {
		resp.Diagnostics.AddAttributeError(req.Path, "Condition taint", ConditionTaintText(key))
	}
}

// TaintValueValidator checks a taint value, which follows the label value rules.
type TaintValueValidator struct{}

// Description says the rule.
func (TaintValueValidator) Description(context.Context) string {
	return "at most 63 characters of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric"
}

// MarkdownDescription says the rule.
func (v TaintValueValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

// ValidateString checks the value.
func (v TaintValueValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if errs := validation.IsValidLabelValue(req.ConfigValue.ValueString()); len(errs) > 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid taint value",
			fmt.Sprintf("taint value %q %s: %s", req.ConfigValue.ValueString(), v.Description(ctx), strings.Join(errs, "; ")))
	}
}

// UniqueTaintsValidator rejects two taints with one key and effect: the node can hold only one.
type UniqueTaintsValidator struct{}

// Description says the rule.
func (UniqueTaintsValidator) Description(context.Context) string {
	return "each key and effect pair may appear once (gpu:NoSchedule and gpu:NoExecute are two pairs)"
}

// MarkdownDescription says the rule.
func (v UniqueTaintsValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

// ValidateSet checks the pairs.
func (v UniqueTaintsValidator) ValidateSet(ctx context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	seen := map[taintid.ID]bool{}
	for _, elem := range req.ConfigValue.Elements() {
		obj, ok := elem.(basetypes.ObjectValue)
		if !ok || obj.IsUnknown() {
			continue
		}
		key, kok := obj.Attributes()["key"].(types.String)
		effect, eok := obj.Attributes()["effect"].(types.String)
		if !kok || !eok || key.IsUnknown() || effect.IsUnknown() {
			continue
		}
		id := taintid.ID{Key: key.ValueString(), Effect: corev1.TaintEffect(effect.ValueString())}
		if seen[id] {
			resp.Diagnostics.AddAttributeError(req.Path, "Duplicate taint",
				fmt.Sprintf("taint %s appears more than once with different values; %s", id, v.Description(ctx)))
		}
		seen[id] = true
	}
}

// FieldManagerValidator requires the k8sfleet prefix, so managedFields show who wrote what.
type FieldManagerValidator struct{}

// FieldManagerPrefix starts every field manager this provider uses.
const FieldManagerPrefix = "k8sfleet"

// Description says the rule.
func (FieldManagerValidator) Description(context.Context) string {
	return "must start with `" + FieldManagerPrefix + "`"
}

// MarkdownDescription says the rule.
func (v FieldManagerValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

// ValidateString checks the name.
func (v FieldManagerValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if s := req.ConfigValue.ValueString(); !strings.HasPrefix(s, FieldManagerPrefix) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid field manager", fmt.Sprintf("%s: %q %s", req.Path, s, v.Description(ctx)))
	}
}

// RandomFieldManager is a new default field manager: k8sfleet-<kind>-<10 random hex digits>.
// It is drawn, not derived from the configuration, so that two workspaces with the same
// resource never share one.
func RandomFieldManager(kind string) string {
	var b [5]byte
	_, _ = rand.Read(b[:])
	return FieldManagerPrefix + "-" + kind + "-" + hex.EncodeToString(b[:])
}

// MaxFieldManagerBytes is the API server's limit on a field manager's name.
const MaxFieldManagerBytes = 128

// FieldManagerLengthValidator holds a field manager to the API server's limit, so that a long
// one fails at plan and not as a rejected write.
type FieldManagerLengthValidator struct{}

// Description says the rule.
func (FieldManagerLengthValidator) Description(context.Context) string {
	return fmt.Sprintf("must be at most %d bytes, the API server's limit", MaxFieldManagerBytes)
}

// MarkdownDescription says the rule.
func (v FieldManagerLengthValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

// ValidateString checks the length.
func (v FieldManagerLengthValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if n := len(req.ConfigValue.ValueString()); n > MaxFieldManagerBytes {
		resp.Diagnostics.AddAttributeError(req.Path, "Field manager too long",
			fmt.Sprintf("%s is %d bytes long; it %s", req.Path, n, v.Description(ctx)))
	}
}

// SelectorDisjoint is a resource config validator: label_selector may not read a label
// that the resource sets in the map attribute at labels.
type SelectorDisjoint struct {
	Selector, Labels path.Path
}

var _ resource.ConfigValidator = SelectorDisjoint{}

// Description says the rule.
func (v SelectorDisjoint) Description(context.Context) string {
	return fmt.Sprintf("%s may not use a label key that %s sets", v.Selector, v.Labels)
}

// MarkdownDescription says the rule.
func (v SelectorDisjoint) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

// ValidateResource compares the selector's keys with the label keys.
func (v SelectorDisjoint) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var selector types.String
	var labelMap types.Map
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, v.Selector, &selector)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, v.Labels, &labelMap)...)
	if resp.Diagnostics.HasError() || selector.IsNull() || selector.IsUnknown() || labelMap.IsNull() || labelMap.IsUnknown() {
		return
	}
	keys, err := SelectorKeys(selector.ValueString())
	if err != nil {
		return // the attribute's own validator reports it
	}
	var overlap []string
	for _, k := range keys {
		if _, ok := labelMap.Elements()[k]; ok {
			overlap = append(overlap, k)
		}
	}
	if len(overlap) > 0 {
		resp.Diagnostics.AddAttributeError(v.Selector, "Selector uses a label this resource sets", SelectorOverlapText(overlap))
	}
}

// LabelMapValidators are the plan-time checks of a node's label map.
func LabelMapValidators() []validator.Map {
	return []validator.Map{LabelMapValidator{}, NodeLabelsValidator{}}
}

// conditionTaints are written and removed by the node lifecycle controller and the
// TaintNodesByCondition admission plugin; a resource managing one would flap forever.
var conditionTaints = []string{
	corev1.TaintNodeNotReady,
	corev1.TaintNodeUnreachable,
	corev1.TaintNodeUnschedulable,
	corev1.TaintNodeMemoryPressure,
	corev1.TaintNodeDiskPressure,
	corev1.TaintNodePIDPressure,
	corev1.TaintNodeNetworkUnavailable,
}

// IsConditionTaint reports whether the key belongs to the node lifecycle controller.
// node.kubernetes.io/out-of-service is not one: operators set it themselves.
func IsConditionTaint(key string) bool { return slices.Contains(conditionTaints, key) }

// SelectorKeys lists the label keys a selector reads.
func SelectorKeys(selector string) ([]string, error) {
	sel, err := labels.Parse(selector)
	if err != nil {
		return nil, err
	}
	reqs, _ := sel.Requirements()
	keys := make([]string, 0, len(reqs))
	for _, r := range reqs {
		keys = append(keys, r.Key())
	}
	sort.Strings(keys)
	return keys, nil
}
