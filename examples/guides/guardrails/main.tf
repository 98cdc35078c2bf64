terraform {
  required_providers {
    k8sfleet = {
      source = "k8sfleet/k8sfleet"
    }
  }
}

provider "k8sfleet" {
  predict_placement = var.predict_placement
}

variable "predict_placement" {
  description = "Predict placement in plans (the guards let every change through when false)."
  type        = bool
  default     = true
}

variable "max_nodes_lost" {
  description = "How many nodes one change may take the log shipper off."
  type        = number
  default     = 2
}

variable "logger_nodes" {
  description = "Label selector of the nodes that get the label logger = var.logger; null for none."
  type        = string
  default     = null
}

variable "logger" {
  description = "The value of the logger label on var.logger_nodes."
  type        = string
  default     = "fluentd"
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

# A label change is guarded the same way: daemonset_impact says, for each DaemonSet whose
# placement the plan changes, on how many nodes its pod starts, stops, and is evicted.
resource "k8sfleet_node_label" "logger" {
  count          = var.logger_nodes == null ? 0 : 1
  label_selector = var.logger_nodes
  labels         = { logger = var.logger }

  lifecycle {
    postcondition {
      # Null with predict_placement = false: replaced by {} before iterating.
      condition = alltrue([
        for ds, impact in(self.daemonset_impact == null ? {} : self.daemonset_impact) :
        impact.pods_stopped <= var.max_nodes_lost
      ])
      error_message = format(
        "This label change stops pods on more than %d nodes: %s.",
        var.max_nodes_lost,
        join(", ", [
          for ds, impact in(self.daemonset_impact == null ? {} : self.daemonset_impact) :
          "${ds} stops on ${impact.pods_stopped} nodes (${impact.pods_evicted} evicted)"
          if impact.pods_stopped > var.max_nodes_lost
        ]),
      )
    }
  }
}
