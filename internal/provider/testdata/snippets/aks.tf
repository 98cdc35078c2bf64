# The AKS snippet with kubelogin and a service principal, with the provider's name changed.
terraform {
  required_providers {
    k8sfleet = { source = "k8sfleet/k8sfleet" }
  }
}

variable "cluster_endpoint" { type = string }
variable "cluster_ca_cert" { type = string }
variable "tenant_id" { type = string }
variable "client_id" { type = string }
variable "client_secret" {
  type      = string
  sensitive = true
}

provider "k8sfleet" {
  host                   = var.cluster_endpoint
  cluster_ca_certificate = base64decode(var.cluster_ca_cert)
  exec {
    api_version = "client.authentication.k8s.io/v1beta1"
    command     = "kubelogin"
    args = [
      "get-token",
      "--login", "spn",
      "--environment", "AzurePublicCloud",
      "--tenant-id", var.tenant_id,
      "--server-id", "6dae42f8-4368-4678-94ff-3960e28e3630",
      "--client-id", var.client_id,
    ]
    env = {
      AAD_SERVICE_PRINCIPAL_CLIENT_SECRET = var.client_secret
    }
  }
}

data "k8sfleet_nodes" "all" {}
