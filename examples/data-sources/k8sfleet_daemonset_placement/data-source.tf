# Every node with the controller's decision for the log shipper and the pod that runs there.
data "k8sfleet_daemonset_placement" "fluentd" {
  namespace = "kube-system"
  name      = "fluentd-elasticsearch"
}

# Nodes that should run the pod but have none running yet.
output "fluentd_missing" {
  value = [
    for n in data.k8sfleet_daemonset_placement.fluentd.nodes : n.name
    if n.should_run && n.pod_phase != "Running"
  ]
}

# Nodes without a pod, with the reason.
output "fluentd_excluded" {
  value = { for n in data.k8sfleet_daemonset_placement.fluentd.nodes : n.name => n.reason if !n.should_run }
}
