# Taints are identified by key and effect, as kubectl does, so one key can carry both
# effects. The resource changes only its own taints: the rest of spec.taints is left as it is.
resource "k8sfleet_node_taint" "gpu" {
  node_name = "k8s-01"
  taints = [
    { key = "nvidia.com/gpu", value = "true", effect = "NoSchedule" },
    { key = "nvidia.com/gpu", value = "true", effect = "NoExecute" },
  ]
}

# One resource per node, over the nodes a data source lists.
data "k8sfleet_nodes" "spot" {
  label_selector = "lifecycle=spot"
}

resource "k8sfleet_node_taint" "spot" {
  for_each  = toset(data.k8sfleet_nodes.spot.names)
  node_name = each.value
  taints = [
    { key = "lifecycle", value = "spot", effect = "PreferNoSchedule" },
  ]
}

# The fleet form: one resource taints every node the selector matches. Every plan resolves
# the selector into `nodes`; the apply taints nodes that joined and untaints nodes that left.
resource "k8sfleet_node_taint" "dedicated_db" {
  label_selector = "pool=database"
  taints = [
    { key = "dedicated", value = "database", effect = "NoSchedule" },
  ]

  # Adopt a dedicated:NoSchedule taint that someone else already set on some of the nodes;
  # it then belongs to this resource, and destroy removes it.
  force = true
}
