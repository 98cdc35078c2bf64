package kubeattr

import (
	"fmt"
	"strings"
)

// The error texts of the node label and taint rules.

// KubeletLabelText explains why a label cannot be managed.
func KubeletLabelText(key string) string {
	return fmt.Sprintf("label %s is set by the kubelet from the machine it runs on and reset on every kubelet start, "+
		"so a value set here would be overwritten and show as drift forever; select on it instead of setting it", key)
}

// ConditionTaintText explains why a taint cannot be managed.
func ConditionTaintText(key string) string {
	return fmt.Sprintf("taint %s is written and removed by the node lifecycle controller and the TaintNodesByCondition "+
		"admission plugin from the node's conditions (or spec.unschedulable), so a value set here would flap as drift forever; "+
		"tolerate it instead (node.kubernetes.io/out-of-service is allowed)", key)
}

// SelectorOverlapText rejects a selector that reads a label the resource sets.
func SelectorOverlapText(keys []string) string {
	return fmt.Sprintf("label_selector uses %s, which this resource also sets; the selection would depend on the "+
		"resource's own writes and chase its tail. Select on labels that other tools set", strings.Join(keys, ", "))
}
