# Every node.
data "k8sfleet_nodes" "all" {}

# Nodes that run the logging agent and have no GPU.
data "k8sfleet_nodes" "loggers" {
  label_selector = "logger=fluentd,!gpu"
}

output "logger_nodes" {
  value = data.k8sfleet_nodes.loggers.names
}
