package placement

import (
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// benchmarkNodes builds a cluster shaped like a large production one: 10% control plane,
// a few cordoned-by-taint, preferred-avoid and dedicated nodes.
func benchmarkNodes(count int) []*corev1.Node {
	zones := []string{"eu-west-1a", "eu-west-1b", "eu-west-1c"}
	instanceTypes := []string{"m6i.2xlarge", "m6i.4xlarge", "c6i.4xlarge", "r6i.2xlarge", "m7g.2xlarge"}
	pools := []string{"general", "compute", "memory", "spot-experimental"}
	nodes := make([]*corev1.Node, 0, count)
	for i := range count {
		name := fmt.Sprintf("node-%05d", i)
		arch := "amd64"
		if i%10 == 4 {
			arch = "arm64"
		}
		labels := map[string]string{
			"kubernetes.io/hostname":           name,
			"kubernetes.io/os":                 "linux",
			"kubernetes.io/arch":               arch,
			"topology.kubernetes.io/zone":      zones[i%len(zones)],
			"node.kubernetes.io/instance-type": instanceTypes[i%len(instanceTypes)],
			"example.com/pool":                 pools[i%len(pools)],
			"example.com/team":                 fmt.Sprintf("team-%d", i%7),
		}
		if i%20 != 0 {
			labels["logger"] = "fluentd"
		}
		if i%50 == 0 {
			labels["nvidia.com/gpu.present"] = "true"
		}
		var taints []corev1.Taint
		switch {
		case i%10 == 0:
			taints = append(taints, corev1.Taint{Key: "node-role.kubernetes.io/control-plane", Effect: corev1.TaintEffectNoSchedule})
			labels["node-role.kubernetes.io/control-plane"] = ""
		case i%25 == 3:
			taints = append(taints, corev1.Taint{Key: "example.com/drain-soon", Value: "true", Effect: corev1.TaintEffectPreferNoSchedule})
		case i%100 == 7:
			taints = append(taints, corev1.Taint{Key: "dedicated", Value: "logging", Effect: corev1.TaintEffectNoExecute})
		case i%100 == 9:
			taints = append(taints, corev1.Taint{Key: "dedicated", Value: "database", Effect: corev1.TaintEffectNoExecute},
				corev1.Taint{Key: "dedicated", Value: "database", Effect: corev1.TaintEffectNoSchedule})
		}
		node := &corev1.Node{}
		node.Name = name
		node.Labels = labels
		node.Spec.Taints = taints
		nodes = append(nodes, node)
	}
	return nodes
}

func fluentdSpec() *corev1.PodSpec {
	return &corev1.PodSpec{
		Tolerations: []corev1.Toleration{
			{Key: "node-role.kubernetes.io/control-plane", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule},
			{Key: "dedicated", Operator: corev1.TolerationOpEqual, Value: "logging", Effect: corev1.TaintEffectNoExecute},
		},
		NodeSelector: map[string]string{"kubernetes.io/os": "linux", "logger": "fluentd"},
		Affinity: &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
			RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{
				MatchExpressions: []corev1.NodeSelectorRequirement{
					{Key: "kubernetes.io/arch", Operator: corev1.NodeSelectorOpIn, Values: []string{"amd64", "arm64"}},
					{Key: "example.com/pool", Operator: corev1.NodeSelectorOpNotIn, Values: []string{"spot-experimental"}},
				},
			}}},
		}},
	}
}

// benchmarkSpecs returns count DaemonSet templates as a plan meets them: the fluentd one,
// plain ones, zone-pinned ones and tolerate-everything node agents.
func benchmarkSpecs(count int) []*corev1.PodSpec {
	specs := make([]*corev1.PodSpec, 0, count)
	for i := range count {
		spec := fluentdSpec()
		switch i % 4 {
		case 1:
			spec.Tolerations, spec.Affinity = nil, nil
			spec.NodeSelector = map[string]string{"kubernetes.io/os": "linux"}
		case 2:
			spec.NodeSelector = nil
			terms := spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution
			terms.NodeSelectorTerms[0].MatchExpressions = append(terms.NodeSelectorTerms[0].MatchExpressions,
				corev1.NodeSelectorRequirement{Key: "topology.kubernetes.io/zone", Operator: corev1.NodeSelectorOpIn, Values: []string{"eu-west-1b"}})
		case 3:
			spec.Tolerations = []corev1.Toleration{{Operator: corev1.TolerationOpExists}}
			spec.HostNetwork = true
			spec.NodeSelector = map[string]string{"kubernetes.io/os": "linux", "example.com/team": fmt.Sprintf("team-%d", i%7)}
			spec.Affinity = nil
		}
		specs = append(specs, spec)
	}
	return specs
}

func BenchmarkPredict(b *testing.B) {
	nodes := benchmarkNodes(5000)

	b.Run("fluentd", func(b *testing.B) {
		spec := fluentdSpec()
		b.ReportAllocs()
		for b.Loop() {
			if Predict(spec, nodes, Options{}).Count() == 0 {
				b.Fatal("no node selected")
			}
		}
	})

	b.Run("20 templates", func(b *testing.B) {
		specs := benchmarkSpecs(20)
		b.ReportAllocs()
		for b.Loop() {
			for _, spec := range specs {
				Predict(spec, nodes, Options{})
			}
		}
	})
}
