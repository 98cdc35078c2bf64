# Adopting existing agents: DaemonSets installed by other tools, and the labels and taints
# they rely on, taken over by Terraform without restarting a pod.
terraform {
  required_providers {
    k8sfleet = {
      source = "k8sfleet/k8sfleet"
    }
  }
}

provider "k8sfleet" {}

# fluent-bit.yaml is the manifest the DaemonSet was installed from, or what
# `kubectl get daemonset fluent-bit -n logging -o yaml` prints: the function drops status,
# server-set metadata and kubectl's last-applied annotation.
locals {
  fluent_bit = provider::k8sfleet::daemonset_manifest(file("${path.module}/fluent-bit.yaml"))
}

import {
  to = k8sfleet_daemonset.fluent_bit
  id = "logging/fluent-bit"
}

resource "k8sfleet_daemonset" "fluent_bit" {
  metadata = local.fluent_bit.metadata
  spec     = local.fluent_bit.spec
}

# The label the DaemonSet's node selector matches, set by hand with
# `kubectl label node k8s-01 logger=fluent-bit`: imported, it becomes this resource's.
import {
  to = k8sfleet_node_label.logger
  id = "k8s-01:logger"
}

resource "k8sfleet_node_label" "logger" {
  node_name = "k8s-01"
  labels    = { logger = "fluent-bit" }
}

# A taint set with `kubectl taint node k8s-02 dedicated=logging:NoSchedule`, taken over by
# key and effect.
import {
  to = k8sfleet_node_taint.dedicated
  id = "k8s-02:dedicated:NoSchedule"
}

resource "k8sfleet_node_taint" "dedicated" {
  node_name = "k8s-02"
  taints = [
    { key = "dedicated", value = "logging", effect = "NoSchedule" },
  ]
}
