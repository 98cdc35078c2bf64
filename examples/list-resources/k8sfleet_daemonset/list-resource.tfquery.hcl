# Every DaemonSet of the cluster that no operator owns:
#   terraform query -generate-config-out=adopt.tf
# writes a resource block and an import block for each; `terraform plan` then imports them
# with no change.
list "k8sfleet_daemonset" "all" {
  provider         = k8sfleet
  include_resource = true
}

# Only the logging agents.
list "k8sfleet_daemonset" "logging" {
  provider = k8sfleet
  config {
    namespace      = "logging"
    label_selector = "app.kubernetes.io/part-of=logging"
  }
}
