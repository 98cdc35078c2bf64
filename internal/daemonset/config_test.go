package daemonset_test

import (
	"fmt"
	"strings"
)

// fluentd is the walk-through's DaemonSet in HCL; extra is spliced into the pod spec.
type fluentd struct {
	name, namespace string
	podSpec         []string // extra pod spec attributes
	specExtra       []string // extra DaemonSet spec attributes
	resourceExtra   []string // extra resource attributes
	image           string
}

func (f fluentd) hcl() string {
	if f.namespace == "" {
		f.namespace = "kube-system"
	}
	if f.image == "" {
		f.image = "quay.io/fluentd_elasticsearch/fluentd:v2.5.2"
	}
	return fmt.Sprintf(`
resource "k8sfleet_daemonset" "test" {
  metadata = {
    name      = %q
    namespace = %q
    labels    = { "k8s-app" = "fluentd-logging" }
  }
  spec = {
    selector = { match_labels = { name = %[1]q } }
    %[4]s
    template = {
      metadata = { labels = { name = %[1]q } }
      spec = {
        %[5]s
        containers = [{
          name  = "fluentd-elasticsearch"
          image = %[3]q
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
  %[6]s
}
`, f.name, f.namespace, f.image, strings.Join(f.specExtra, "\n    "), strings.Join(f.podSpec, "\n        "), strings.Join(f.resourceExtra, "\n  "))
}

const tolerateMasters = `tolerations = [{ key = "node-role.kubernetes.io/master", effect = "NoSchedule" }]`
