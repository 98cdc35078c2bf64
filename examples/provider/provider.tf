terraform {
  required_providers {
    k8sfleet = {
      source = "k8sfleet/k8sfleet"
    }
  }
}

# A kubeconfig file and context; KUBE_CONFIG_PATH and KUBE_CTX work as well.
provider "k8sfleet" {
  config_path    = "~/.kube/config"
  config_context = "production"

  # Client rate limiter, for large fleets.
  qps             = 200
  burst           = 400
  request_timeout = "30s"
}
