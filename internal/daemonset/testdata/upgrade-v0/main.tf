# The configuration state-v0.json was written with, by the provider before placement_changes
# (schema version 0, with expected_pods and excluded_nodes).
terraform {
  required_providers {
    k8sfleet = { source = "k8sfleet/k8sfleet" }
  }
}

resource "k8sfleet_daemonset" "test" {
  metadata = {
    name      = "fluentd-v0"
    namespace = "default"
  }
  spec = {
    selector = { match_labels = { name = "fluentd-v0" } }
    template = {
      metadata = { labels = { name = "fluentd-v0" } }
      spec = {
        containers = [{ name = "fluentd", image = "quay.io/fluentd_elasticsearch/fluentd:v2.5.2" }]
      }
    }
  }
}
