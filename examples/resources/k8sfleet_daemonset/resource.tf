# fluentd on every node, control-plane nodes included. The plan shows placement_changes:
# each node that gets or loses a pod and why, before anything is applied.
resource "k8sfleet_daemonset" "fluentd" {
  metadata = {
    name      = "fluentd-elasticsearch"
    namespace = "kube-system"
    labels    = { "k8s-app" = "fluentd-logging" }
  }
  spec = {
    selector = { match_labels = { name = "fluentd-elasticsearch" } }
    template = {
      metadata = { labels = { name = "fluentd-elasticsearch" } }
      spec = {
        # Reach the control-plane nodes too.
        tolerations = [
          { key = "node-role.kubernetes.io/master", effect = "NoSchedule" },
        ]
        containers = [{
          name  = "fluentd-elasticsearch"
          image = "quay.io/fluentd_elasticsearch/fluentd:v2.5.2"
          resources = {
            limits   = { memory = "200Mi" }
            requests = { cpu = "100m", memory = "200Mi" }
          }
          volume_mounts = [
            { name = "varlog", mount_path = "/var/log" },
            { name = "varlibdockercontainers", mount_path = "/var/lib/docker/containers", read_only = true },
          ]
        }]
        termination_grace_period_seconds = 30
        volumes = [
          { name = "varlog", host_path = { path = "/var/log" } },
          { name = "varlibdockercontainers", host_path = { path = "/var/lib/docker/containers" } },
        ]
      }
    }
  }
  wait_for_rollout = true
  timeouts = {
    create = "5m"
  }
}


output "fluentd_pods" {
  value = k8sfleet_daemonset.fluentd.expected_pod_count
}
