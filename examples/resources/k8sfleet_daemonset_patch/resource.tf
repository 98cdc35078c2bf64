# kube-proxy, installed by kubeadm, also runs on the tainted GPU pool and on the masters.
# Tolerations are one atomic value in Kubernetes: write the whole list (with force, since the
# installer owns it); destroy puts the installer's list back.
resource "k8sfleet_daemonset_patch" "kube_proxy" {
  metadata = { name = "kube-proxy", namespace = "kube-system" }
  force    = true
  spec = {
    template = {
      spec = {
        tolerations = [
          { key = "CriticalAddonsOnly", operator = "Exists" },
          { operator = "Exists", effect = "NoSchedule" },
        ]
      }
    }
  }

  lifecycle {
    postcondition {
      condition     = length([for c in values(self.placement_changes) : c if startswith(c, "-1")]) == 0
      error_message = "The patch must not take kube-proxy off any node."
    }
  }
}

# aws-node (the VPC CNI): one env var and a higher memory request on one container, matched
# by name; the other containers and env vars stay the add-on's.
resource "k8sfleet_daemonset_patch" "aws_node" {
  metadata = { name = "aws-node", namespace = "kube-system" }
  spec = {
    template = {
      spec = {
        containers = [{
          name      = "aws-node"
          env       = [{ name = "ENABLE_PREFIX_DELEGATION", value = "true" }]
          resources = { requests = { memory = "128Mi" } }
        }]
      }
    }
  }
  force = true # the add-on sets the memory request
}
