# Fleet labeling, two ways. The nodes of the walk-through cluster: k8s-01..03 and
# k8s-master-01..03 (labeled node-role.kubernetes.io/master).
terraform {
  required_providers {
    k8sfleet = {
      source = "k8sfleet/k8sfleet"
    }
  }
}

provider "k8sfleet" {}

# 1. for_each: one resource instance per node, from the k8sfleet_nodes data source.
data "k8sfleet_nodes" "workers" {
  label_selector = "!node-role.kubernetes.io/master"
}

resource "k8sfleet_node_label" "logger" {
  for_each  = toset(data.k8sfleet_nodes.workers.names)
  node_name = each.key
  labels    = { logger = "fluentd" }
}

# for_each over a map when nodes get different values.
locals {
  zones = {
    "k8s-01" = "zone-a"
    "k8s-02" = "zone-b"
    "k8s-03" = "zone-a"
  }
}

resource "k8sfleet_node_label" "rack" {
  for_each  = local.zones
  node_name = each.key
  labels    = { "example.com/rack-zone" = each.value }
}

# 2. label_selector: one resource for every matching node; each plan resolves the
# selector again, so nodes that join or leave show in the plan's `nodes`.
resource "k8sfleet_node_label" "control_plane" {
  label_selector = "node-role.kubernetes.io/master"
  labels         = { "example.com/tier" = "control-plane" }
}

# The fleet form of k8sfleet_node_taint: every worker, now and as they join.
resource "k8sfleet_node_taint" "spot" {
  label_selector = "!node-role.kubernetes.io/master"
  taints = [
    { key = "example.com/spot", value = "true", effect = "PreferNoSchedule" },
  ]
}

output "labeled_workers" {
  value = keys(k8sfleet_node_label.logger)
}

output "control_plane_nodes" {
  value = k8sfleet_node_label.control_plane.nodes
}
