# One resource per node, over the nodes a data source lists: the plan shows one instance per
# node. Each instance applies with a field manager of its own, so it never touches the labels
# of other tools, of other k8sfleet_node_label resources, or of the kubelet.
data "k8sfleet_nodes" "workers" {
  label_selector = "!node-role.kubernetes.io/control-plane"
}

resource "k8sfleet_node_label" "logger" {
  for_each  = toset(data.k8sfleet_nodes.workers.names)
  node_name = each.value
  labels = {
    logger = "fluentd"
  }
}

# The fleet form: one resource labels every node the selector matches, 16 nodes at a time.
# Every plan resolves the selector into `nodes`, so nodes that join or leave the pool show
# up in the plan, and the apply labels the new ones and unlabels the ones that left. The
# selector may not use a key that the resource sets.
resource "k8sfleet_node_label" "edge_pool" {
  label_selector = "pool=edge"
  labels = {
    logger                    = "vector"
    "example.com/cost-center" = "edge-42"
  }

  # Take over labels that another tool set with other values; they then belong to this
  # resource, and destroy removes them.
  force = true

  timeouts = {
    create = "5m"
    update = "5m"
    delete = "5m"
  }
}
