# The hashicorp/kubernetes provider's EKS snippet, with the provider's name changed.
terraform {
  required_providers {
    k8sfleet = { source = "k8sfleet/k8sfleet" }
  }
}

variable "cluster_endpoint" { type = string }
variable "cluster_ca_cert" { type = string }
variable "cluster_name" { type = string }

provider "k8sfleet" {
  host                   = var.cluster_endpoint
  cluster_ca_certificate = base64decode(var.cluster_ca_cert)
  exec {
    api_version = "client.authentication.k8s.io/v1beta1"
    args        = ["eks", "get-token", "--cluster-name", var.cluster_name]
    command     = "aws"
  }
}

data "k8sfleet_nodes" "all" {}
