# Ownership: what each resource owns, takes over with force, and removes on destroy.
terraform {
  required_providers {
    k8sfleet = {
      source = "k8sfleet/k8sfleet"
    }
  }
}

provider "k8sfleet" {}

# The team label was set by hand (kubectl label node k8s-03 team=infra). Without force this is
# a conflict error that names the label and its owner; with force this resource takes it
# over, and destroy removes it.
resource "k8sfleet_node_label" "team" {
  node_name = "k8s-03"
  labels    = { team = "platform" }
  force     = true
}

# Two resources on one node: each has its own field manager (derived from the target and
# the labels unless set), so each removes only its own labels.
resource "k8sfleet_node_label" "logging" {
  node_name     = "k8s-03"
  labels        = { logger = "fluentd" }
  field_manager = "k8sfleet-logging"
}

# A taint with the same key and effect that someone else set is adopted only with force
# (or terraform import); from then on destroy removes it.
resource "k8sfleet_node_taint" "gpu" {
  node_name = "k8s-02"
  taints = [
    { key = "gpu", value = "true", effect = "NoSchedule" },
  ]
  force = true
}

# A DaemonSet applied under a field manager of its own; force takes over fields that
# another manager (kubectl set image, a controller) owns.
resource "k8sfleet_daemonset" "exporter" {
  metadata = {
    name      = "node-exporter"
    namespace = "monitoring"
  }
  spec = {
    selector = { match_labels = { app = "node-exporter" } }
    template = {
      metadata = { labels = { app = "node-exporter" } }
      spec = {
        containers = [{ name = "node-exporter", image = "quay.io/prometheus/node-exporter:v1.8.2" }]
      }
    }
  }
  field_manager = "k8sfleet-monitoring"
  force         = false
}
