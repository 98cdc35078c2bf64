package main

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/testcluster"
)

// fillNode binds a pod of another workload to node, leaving free of its allocatable memory:
// a node nearly full, as a busy node is.
func fillNode(node, free string) func(context.Context, *testcluster.Cluster) error {
	return func(ctx context.Context, c *testcluster.Cluster) error {
		n, err := c.Client.CoreV1().Nodes().Get(ctx, node, metav1.GetOptions{})
		if err != nil {
			return err
		}
		used := n.Status.Allocatable.Memory().DeepCopy()
		used.Sub(resource.MustParse(free))
		pod := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: "other-workload", Namespace: "default"},
			Spec: corev1.PodSpec{NodeName: node, Containers: []corev1.Container{{Name: "app", Image: "registry.k8s.io/pause:3.10",
				Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceMemory: used}}}}},
		}
		fmt.Printf("another workload takes all but %s of %s's memory\n", free, node)
		_, err = c.Client.CoreV1().Pods("default").Create(ctx, pod, metav1.CreateOptions{})
		if apierrors.IsAlreadyExists(err) {
			return nil // a cluster kept from an earlier run
		}
		return err
	}
}

var pendingLine = regexp.MustCompile(`will stay Pending: (.+?): ((?:[A-Za-z0-9.-]+ \([^)]*\)(?:, )?)+)`)
var pendingNode = regexp.MustCompile(`([A-Za-z0-9.-]+) \(`)

// pendingIn reads the nodes the plan's warning says keep a Pending pod, with the reason:
// "k8s-02 (Insufficient memory)".
func pendingIn(planOutput string) []string {
	var lines []string
	for _, line := range strings.Split(planOutput, "\n") {
		lines = append(lines, strings.TrimSpace(strings.TrimLeft(line, "│ ")))
	}
	var out []string
	for _, m := range pendingLine.FindAllStringSubmatch(strings.Join(lines, " "), -1) {
		for _, n := range pendingNode.FindAllStringSubmatch(m[2], -1) {
			out = append(out, n[1]+" ("+m[1]+")")
		}
	}
	slices.Sort(out)
	return out
}

type pendingView struct {
	text  string
	agree bool
}

// waitPending waits for the scheduler to leave Pending, with the planned reason, exactly the
// fluentd pods the plan named, and says what it found.
func waitPending(ctx context.Context, c *testcluster.Cluster, planned []string) (pendingView, error) {
	deadline := time.Now().Add(30 * time.Second)
	for {
		pods, err := c.Client.CoreV1().Pods("kube-system").List(ctx, metav1.ListOptions{LabelSelector: "name=fluentd-elasticsearch"})
		if err != nil {
			return pendingView{}, err
		}
		var got []string
		for i := range pods.Items {
			if node, reason, ok := unschedulable(&pods.Items[i]); ok {
				got = append(got, node+" ("+reason+")")
			}
		}
		slices.Sort(got)
		agree := slices.EqualFunc(got, planned, func(g, p string) bool {
			node, reason, _ := strings.Cut(strings.TrimSuffix(p, ")"), " (")
			return strings.HasPrefix(g, node+" (") && strings.Contains(g, reason)
		})
		if agree || time.Now().After(deadline) {
			for _, g := range got {
				fmt.Println("scheduler after apply: Pending on " + g)
			}
			return pendingView{text: orNone(planned) + " | " + orNone(got), agree: agree}, nil
		}
		time.Sleep(time.Second)
	}
}

// unschedulable is the node and the scheduler's message of a pod it did not place.
func unschedulable(pod *corev1.Pod) (node, reason string, ok bool) {
	if pod.Spec.NodeName != "" || pod.DeletionTimestamp != nil {
		return "", "", false
	}
	for _, cond := range pod.Status.Conditions {
		if cond.Type == corev1.PodScheduled && cond.Status == corev1.ConditionFalse {
			node = kube.PodNode(pod)
			return node, ownReasons(cond.Message), node != ""
		}
	}
	return "", "", false
}

// ownReasons keeps, of the scheduler's "0/6 nodes are available: 1 Insufficient memory, 5
// node(s) didn't match Pod's node affinity/selector. preemption: ...", the reasons of the one
// node the daemon pod's affinity names.
func ownReasons(message string) string {
	_, rest, _ := strings.Cut(message, "are available: ")
	rest, _, _ = strings.Cut(rest, ". ")
	var own []string
	for _, r := range strings.Split(rest, ", ") {
		if !strings.Contains(r, "affinity") && !strings.Contains(r, "NodeAffinity") {
			if _, text, ok := strings.Cut(r, " "); ok {
				own = append(own, text)
			}
		}
	}
	return strings.Join(own, ", ")
}

func orNone(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	return strings.Join(list, ", ")
}
