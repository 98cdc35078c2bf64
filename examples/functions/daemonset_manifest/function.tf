# A vendor's manifest, unchanged: the file may hold other documents (ServiceAccount,
# ConfigMap); the one of kind DaemonSet is used.
locals {
  node_exporter = provider::k8sfleet::daemonset_manifest(file("${path.module}/node-exporter.yaml"))
}

resource "k8sfleet_daemonset" "node_exporter" {
  metadata = local.node_exporter.metadata
  spec     = local.node_exporter.spec
}

output "exporter_nodes" {
  value = k8sfleet_daemonset.node_exporter.expected_pod_count
}
