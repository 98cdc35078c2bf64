# The DaemonSet walk-through: fluentd on the six demo nodes (k8s-01..03, and
# k8s-master-01..03 tainted node-role.kubernetes.io/master:NoSchedule).
#   step 1: no toleration                      -> 3 pods (the workers)
#   step 2: tolerate_masters = true            -> 6 pods
#   step 3: label_loggers = true as well       -> 2 pods (k8s-01 and k8s-02, labeled here)
#   step 4: memory = "1Gi" as well, with k8s-02 nearly full -> the plan warns that its new pod
#           stays Pending (Insufficient memory); the scheduler agrees after apply
terraform {
  required_providers {
    k8sfleet = {
      source = "k8sfleet/k8sfleet"
    }
  }
}

provider "k8sfleet" {}

variable "tolerate_masters" {
  type    = bool
  default = false
}

variable "label_loggers" {
  type    = bool
  default = false
}

variable "memory" {
  type    = string
  default = "200Mi"
}

# A rollout that cannot finish (a pod that stays Pending) would hold the apply until its timeout.
variable "wait_for_rollout" {
  type    = bool
  default = true
}

resource "k8sfleet_node_label" "logger_k8s_01" {
  count     = var.label_loggers ? 1 : 0
  node_name = "k8s-01"
  labels    = { logger = "fluentd" }
}

resource "k8sfleet_node_label" "logger_k8s_02" {
  count     = var.label_loggers ? 1 : 0
  node_name = "k8s-02"
  labels    = { logger = "fluentd" }
}

resource "k8sfleet_daemonset" "fluentd" {
  metadata = {
    name      = "fluentd-elasticsearch"
    namespace = "kube-system"
    labels    = { "k8s-app" = "fluentd-logging" }
  }
  spec = {
    selector = { match_labels = { name = "fluentd-elasticsearch" } }
    template = {
      metadata = { labels = { name = "fluentd-elasticsearch" } }
      spec = {
        tolerations = var.tolerate_masters ? [
          { key = "node-role.kubernetes.io/master", effect = "NoSchedule" },
        ] : null
        node_selector = var.label_loggers ? { logger = "fluentd" } : null
        containers = [{
          name  = "fluentd-elasticsearch"
          image = "quay.io/fluentd_elasticsearch/fluentd:v2.5.2"
          resources = {
            limits   = { memory = var.memory }
            requests = { cpu = "100m", memory = var.memory }
          }
          volume_mounts = [
            { name = "varlog", mount_path = "/var/log" },
            { name = "varlibdockercontainers", mount_path = "/var/lib/docker/containers", read_only = true },
          ]
        }]
        termination_grace_period_seconds = 30
        volumes = [
          { name = "varlog", host_path = { path = "/var/log" } },
          { name = "varlibdockercontainers", host_path = { path = "/var/lib/docker/containers" } },
        ]
      }
    }
  }
  wait_for_rollout = var.wait_for_rollout
  # The labels must be on the nodes before the DaemonSet is planned and applied.
  depends_on = [k8sfleet_node_label.logger_k8s_01, k8sfleet_node_label.logger_k8s_02]
}

output "expected_pod_count" {
  value = k8sfleet_daemonset.fluentd.expected_pod_count
}

output "excluded_node_counts" {
  value = k8sfleet_daemonset.fluentd.excluded_node_counts
}

data "k8sfleet_nodes" "all" {}

output "nodes" {
  description = "Each node with its taints."
  value = {
    for n in data.k8sfleet_nodes.all.nodes : n.name => join(", ", [for t in n.taints : "${t.key}:${t.effect}"])
  }
}
