terraform {
  required_providers {
    k8sfleet = {
      source = "k8sfleet/k8sfleet"
    }
  }
}

provider "k8sfleet" {}

variable "max_nodes_lost" {
  description = "How many nodes one change may take the log shipper off."
  type        = number
  default     = 2
}

variable "node_selector" {
  description = "Where the log shipper runs; null for every node."
  type        = map(string)
  default     = null
}

resource "k8sfleet_daemonset" "fluentd" {
  metadata = {
    name      = "fluentd-elasticsearch"
    namespace = "kube-system"
  }
  spec = {
    selector = { match_labels = { name = "fluentd-elasticsearch" } }
    template = {
      metadata = { labels = { name = "fluentd-elasticsearch" } }
      spec = {
        node_selector = var.node_selector
        tolerations   = [{ key = "node-role.kubernetes.io/master", effect = "NoSchedule" }]
        containers = [{
          name  = "fluentd-elasticsearch"
          image = "quay.io/fluentd_elasticsearch/fluentd:v2.5.2"
        }]
      }
    }
  }

  lifecycle {
    postcondition {
      # placement_changes is null with predict_placement = false: the guard then lets the
      # change through (HCL evaluates both sides of || and of ?:, so null is replaced first).
      condition = length([
        for node, change in(self.placement_changes == null ? {} : self.placement_changes) : node
        if startswith(change, "-1")
      ]) <= var.max_nodes_lost
      error_message = format(
        "This change takes fluentd off %d nodes (at most %d allowed): %s.",
        length([for node, change in(self.placement_changes == null ? {} : self.placement_changes) : node if startswith(change, "-1")]),
        var.max_nodes_lost,
        join(", ", [for node, change in(self.placement_changes == null ? {} : self.placement_changes) : "${node} (${change})" if startswith(change, "-1")]),
      )
    }
  }
}
