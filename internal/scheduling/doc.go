// Package scheduling predicts whether the default kube-scheduler (v1.33-v1.37, default profile) binds a daemon
// pod to its node, from what the pods bound to that node use. It knows nothing of the cluster or of Terraform.
//
// Reproduced (kubernetes pkg/scheduler/framework/plugins):
//   - the pod's requests by the kubelet's rule (k8s.io/component-helpers/resource PodRequests): the sum of the
//     containers and the sidecars (restartable init containers), or an init container's peak with the sidecars
//     started before it if larger; pod-level requests where set; plus overhead; after the API server's defaults
//     (requests from limits, pod-level requests from pod-level limits, hostPort from containerPort under
//     hostNetwork);
//   - NodePorts: a host port clashes with one in use on the node when the protocol ("" is TCP) and the host IP
//     ("" is 0.0.0.0, which clashes with every IP) agree; only containers and sidecars hold ports;
//   - NodeResourcesFit, run after NodePorts passes: "Too many pods", then cpu, memory, ephemeral-storage,
//     hugepages and extended resources (nvidia.com/gpu) against allocatable minus the requests of the pods
//     bound to the node that are not Succeeded or Failed, terminating ones included; bound pods count with
//     their resized (status) requests, as the scheduler counts them;
//   - DefaultPreemption: after a NodePorts or NodeResourcesFit failure, unless the pod's preemptionPolicy is
//     Never, the pods of strictly lower priority are removed; if the pod then fits, victims are reprieved
//     most important first (higher priority, then earlier start) while it still fits, and the rest are the
//     victims.
//
// Not reproduced, and left to the caller to name: the filters before NodePorts (node name, unschedulable,
// taints, node affinity: package placement decides those for a daemon pod); volumes and their CSI limits;
// dynamic resources, extended resources backed by a DeviceClass included; inter-pod affinity and topology
// spread; pods nominated to the node by an earlier preemption; PodDisruptionBudgets, which only reorder the
// victims; pod groups (gang scheduling) as victims; sidecars injected by admission webhooks, LimitRange defaults and RuntimeClass overhead unless the
// caller passes them; custom scheduler profiles, ignored resources and extenders.
//
// A NodeUsage is folded from a node's pods one at a time; a Table keeps many of them compactly.
package scheduling
