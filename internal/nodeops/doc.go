// Package nodeops holds the parts of k8sfleet_node_label and k8sfleet_node_taint below the
// engine in internal/nodefield: error texts, the writes over many nodes with their undo,
// ownership records in private state, the merge of a resource's taints into a node's, and the
// plan's record of node edits with its warning (RecordAndWarn), which reads the cluster
// through the provider's client and computes with internal/samerun.
package nodeops
