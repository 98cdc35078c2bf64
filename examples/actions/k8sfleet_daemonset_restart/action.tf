# Restart fluentd whenever the configuration it reads changes, and by hand with
# `terraform apply -invoke=action.k8sfleet_daemonset_restart.fluentd`.
action "k8sfleet_daemonset_restart" "fluentd" {
  config {
    namespace = "logging"
    name      = "fluentd"
    timeout   = "10m"
  }
}

# fluentd reads its configuration from a ConfigMap; terraform_data stands in for the
# resource that manages it (kubernetes_config_map_v1, for one). Change the input, and the
# apply restarts fluentd after updating it.
resource "terraform_data" "fluentd_config" {
  input = { log_level = "info", flush_interval = "5s" }

  lifecycle {
    action_trigger {
      events  = [after_update]
      actions = [action.k8sfleet_daemonset_restart.fluentd]
    }
  }
}
