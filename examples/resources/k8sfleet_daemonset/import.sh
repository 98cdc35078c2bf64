# A DaemonSet is imported by namespace/name.
terraform import k8sfleet_daemonset.fluentd kube-system/fluentd-elasticsearch
