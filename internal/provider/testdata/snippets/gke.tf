# The GKE snippet with gke-gcloud-auth-plugin, with the provider's name changed.
terraform {
  required_providers {
    k8sfleet = { source = "k8sfleet/k8sfleet" }
  }
}

variable "cluster_endpoint" { type = string }
variable "cluster_ca_cert" { type = string }

provider "k8sfleet" {
  host                   = "https://${var.cluster_endpoint}"
  cluster_ca_certificate = base64decode(var.cluster_ca_cert)
  exec {
    api_version = "client.authentication.k8s.io/v1beta1"
    command     = "gke-gcloud-auth-plugin"
  }
}

data "k8sfleet_nodes" "all" {}
