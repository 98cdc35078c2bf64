package placement

import (
	"reflect"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

const (
	noSchedule       = corev1.TaintEffectNoSchedule
	noExecute        = corev1.TaintEffectNoExecute
	preferNoSchedule = corev1.TaintEffectPreferNoSchedule
	exists           = corev1.TolerationOpExists
	equal            = corev1.TolerationOpEqual
)

func node(name string, labels map[string]string, taints ...corev1.Taint) *corev1.Node {
	n := &corev1.Node{}
	n.Name = name
	n.Labels = labels
	n.Spec.Taints = taints
	return n
}

func taint(key, value string, effect corev1.TaintEffect) corev1.Taint {
	return corev1.Taint{Key: key, Value: value, Effect: effect}
}

func tolerating(tolerations ...corev1.Toleration) *corev1.PodSpec {
	return &corev1.PodSpec{Tolerations: tolerations}
}

func selecting(labels map[string]string) *corev1.PodSpec {
	return &corev1.PodSpec{NodeSelector: labels}
}

func requiring(terms ...corev1.NodeSelectorTerm) *corev1.PodSpec {
	return &corev1.PodSpec{Affinity: &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
		RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{NodeSelectorTerms: terms},
	}}}
}

func labelTerm(requirements ...corev1.NodeSelectorRequirement) corev1.NodeSelectorTerm {
	return corev1.NodeSelectorTerm{MatchExpressions: requirements}
}

func fieldTerm(requirements ...corev1.NodeSelectorRequirement) corev1.NodeSelectorTerm {
	return corev1.NodeSelectorTerm{MatchFields: requirements}
}

func req(key string, operator corev1.NodeSelectorOperator, values ...string) corev1.NodeSelectorRequirement {
	return corev1.NodeSelectorRequirement{Key: key, Operator: operator, Values: values}
}

type want struct {
	run, keep bool
	reason    string
}

var runs = want{run: true, keep: true}

func blockedBy(reason string) want { return want{keep: true, reason: reason} }

func evictedBy(reason string) want { return want{reason: reason} }

func notSelected(reason string) want { return want{reason: reason} }

func TestEvaluate(t *testing.T) {
	int64p := func(v int64) *int64 { return &v }
	controlPlane := taint("node-role.kubernetes.io/control-plane", "", noSchedule)
	master := taint("node-role.kubernetes.io/master", "", noSchedule)
	notReadyCondition := node("n1", nil)
	notReadyCondition.Status.Conditions = []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionFalse}}
	cordoned := node("n1", nil)
	cordoned.Spec.Unschedulable = true
	both := &corev1.PodSpec{
		NodeSelector: map[string]string{"logger": "fluentd"},
		Affinity:     requiring(labelTerm(req("zone", corev1.NodeSelectorOpIn, "a"))).Affinity,
	}
	preferredOnly := &corev1.PodSpec{Affinity: &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
		PreferredDuringSchedulingIgnoredDuringExecution: []corev1.PreferredSchedulingTerm{
			{Weight: 1, Preference: labelTerm(req("zone", corev1.NodeSelectorOpIn, "a"))},
		},
	}}}
	gtCost := tolerating(corev1.Toleration{Key: "cost", Operator: corev1.TolerationOpGt, Value: "3", Effect: noSchedule})
	ltCost := tolerating(corev1.Toleration{Key: "cost", Operator: corev1.TolerationOpLt, Value: "3", Effect: noSchedule})
	comparisons := Options{ComparisonOperators: true}

	tests := []struct {
		name string
		spec *corev1.PodSpec
		opts Options
		node *corev1.Node
		want want
	}{
		// The case table of placement-semantics.md, in order.
		{"no taints, no tolerations", nil, Options{}, node("n1", nil), runs},
		{"spec.unschedulable is never read", nil, Options{}, cordoned, runs},
		{"unschedulable taint tolerated by default", nil, Options{}, node("n1", nil, taint(corev1.TaintNodeUnschedulable, "", noSchedule)), runs},
		{"conditions are never read", nil, Options{}, notReadyCondition, runs},
		{"not-ready NoExecute tolerated by default", nil, Options{}, node("n1", nil, taint(corev1.TaintNodeNotReady, "", noExecute)), runs},
		{"not-ready NoSchedule is not tolerated", nil, Options{},
			node("n1", nil, taint(corev1.TaintNodeNotReady, "", noSchedule), taint(corev1.TaintNodeNotReady, "", noExecute)),
			blockedBy("taint node.kubernetes.io/not-ready:NoSchedule is not tolerated")},
		{"wildcard toleration", tolerating(corev1.Toleration{Operator: exists}), Options{},
			node("n1", nil, taint(corev1.TaintNodeNotReady, "", noSchedule)), runs},
		{"memory pressure", nil, Options{}, node("n1", nil, taint(corev1.TaintNodeMemoryPressure, "", noSchedule)), runs},
		{"disk pressure", nil, Options{}, node("n1", nil, taint(corev1.TaintNodeDiskPressure, "", noSchedule)), runs},
		{"pid pressure", nil, Options{}, node("n1", nil, taint(corev1.TaintNodePIDPressure, "", noSchedule)), runs},
		{"network unavailable without hostNetwork", nil, Options{},
			node("n1", nil, taint(corev1.TaintNodeNetworkUnavailable, "", noSchedule)),
			blockedBy("taint node.kubernetes.io/network-unavailable:NoSchedule is not tolerated")},
		{"network unavailable with hostNetwork", &corev1.PodSpec{HostNetwork: true}, Options{},
			node("n1", nil, taint(corev1.TaintNodeNetworkUnavailable, "", noSchedule)), runs},
		{"control-plane taint", nil, Options{}, node("n1", nil, controlPlane),
			blockedBy("taint node-role.kubernetes.io/control-plane:NoSchedule is not tolerated")},
		{"master taint", nil, Options{}, node("n1", nil, master),
			blockedBy("taint node-role.kubernetes.io/master:NoSchedule is not tolerated")},
		{"control-plane taint tolerated",
			tolerating(corev1.Toleration{Key: controlPlane.Key, Operator: exists, Effect: noSchedule}), Options{},
			node("n1", nil, controlPlane), runs},
		{"PreferNoSchedule is ignored", nil, Options{}, node("n1", nil, taint("a", "b", preferNoSchedule)), runs},
		{"NoExecute vs NoSchedule toleration", tolerating(corev1.Toleration{Operator: exists, Effect: noSchedule}), Options{},
			node("n1", nil, taint("a", "b", noExecute)), evictedBy("taint a=b:NoExecute is not tolerated")},
		{"tolerationSeconds is ignored",
			tolerating(corev1.Toleration{Key: "a", Operator: equal, Value: "b", Effect: noExecute, TolerationSeconds: int64p(0)}),
			Options{}, node("n1", nil, taint("a", "b", noExecute)), runs},
		{"empty operator is Equal with empty value", tolerating(corev1.Toleration{Key: "a"}), Options{},
			node("n1", nil, taint("a", "b", noSchedule)), blockedBy("taint a=b:NoSchedule is not tolerated")},
		{"empty value equals empty value", tolerating(corev1.Toleration{Key: "a"}), Options{},
			node("n1", nil, taint("a", "", noSchedule)), runs},
		{"empty effect matches every effect", tolerating(corev1.Toleration{Key: "a", Operator: exists}), Options{},
			node("n1", nil, taint("a", "b", noSchedule), taint("a", "c", noExecute)), runs},
		{"NoExecute left untolerated evicts", tolerating(corev1.Toleration{Key: "a", Operator: exists}), Options{},
			node("n1", nil, taint("a", "", noSchedule), taint("b", "", noExecute)), evictedBy("taint b:NoExecute is not tolerated")},
		{"NoSchedule left untolerated keeps a running pod", tolerating(corev1.Toleration{Key: "b", Operator: exists}), Options{},
			node("n1", nil, taint("a", "", noSchedule), taint("b", "", noExecute)), blockedBy("taint a:NoSchedule is not tolerated")},
		{"nodeName on its node", &corev1.PodSpec{NodeName: "n1"}, Options{}, node("n1", nil), runs},
		{"nodeName elsewhere", &corev1.PodSpec{NodeName: "n1"}, Options{}, node("n2", nil),
			notSelected("pod template pins nodeName n1")},
		{"nodeName ghost", &corev1.PodSpec{NodeName: "ghost"}, Options{}, node("n1", nil),
			notSelected("pod template pins nodeName ghost")},
		{"nodeSelector is case-sensitive", selecting(map[string]string{"disk": "ssd"}), Options{},
			node("n1", map[string]string{"disk": "SSD"}), notSelected("node selector does not match (disk=ssd)")},
		{"terms are ORed", requiring(labelTerm(req("zone", corev1.NodeSelectorOpIn, "a")), labelTerm(req("zone", corev1.NodeSelectorOpIn, "b"))),
			Options{}, node("n1", map[string]string{"zone": "b"}), runs},
		{"expressions in a term are ANDed",
			requiring(labelTerm(req("zone", corev1.NodeSelectorOpIn, "a"), req("disk", corev1.NodeSelectorOpExists))),
			Options{}, node("n1", map[string]string{"zone": "a"}), notSelected("required node affinity does not match")},
		{"NotIn matches an absent key", requiring(labelTerm(req("zone", corev1.NodeSelectorOpNotIn, "a"))), Options{},
			node("n1", nil), runs},
		{"DoesNotExist with the key present", requiring(labelTerm(req("gpu", corev1.NodeSelectorOpDoesNotExist))), Options{},
			node("n1", map[string]string{"gpu": ""}), notSelected("required node affinity does not match")},
		{"Gt above", requiring(labelTerm(req("cores", corev1.NodeSelectorOpGt, "8"))), Options{},
			node("n1", map[string]string{"cores": "16"}), runs},
		{"Gt equal", requiring(labelTerm(req("cores", corev1.NodeSelectorOpGt, "8"))), Options{},
			node("n1", map[string]string{"cores": "8"}), notSelected("required node affinity does not match")},
		{"Gt not a number", requiring(labelTerm(req("cores", corev1.NodeSelectorOpGt, "8"))), Options{},
			node("n1", map[string]string{"cores": "abc"}), notSelected("required node affinity does not match")},
		{"matchFields NotIn another node", requiring(fieldTerm(req("metadata.name", corev1.NodeSelectorOpNotIn, "n1"))), Options{},
			node("n2", nil), runs},
		{"empty term is skipped", requiring(corev1.NodeSelectorTerm{}), Options{}, node("n1", nil),
			notSelected("required node affinity does not match")},
		{"preferred affinity is ignored", preferredOnly, Options{}, node("n1", nil), runs},

		// Every default toleration, and what it does not cover.
		{"default: unreachable NoExecute", nil, Options{}, node("n1", nil, taint(corev1.TaintNodeUnreachable, "", noExecute)), runs},
		{"default: unreachable NoSchedule is not", nil, Options{}, node("n1", nil, taint(corev1.TaintNodeUnreachable, "", noSchedule)),
			blockedBy("taint node.kubernetes.io/unreachable:NoSchedule is not tolerated")},
		{"default: memory pressure NoExecute is not", nil, Options{}, node("n1", nil, taint(corev1.TaintNodeMemoryPressure, "", noExecute)),
			evictedBy("taint node.kubernetes.io/memory-pressure:NoExecute is not tolerated")},
		{"default: all together", &corev1.PodSpec{HostNetwork: true}, Options{}, node("n1", nil,
			taint(corev1.TaintNodeNotReady, "", noExecute), taint(corev1.TaintNodeUnreachable, "", noExecute),
			taint(corev1.TaintNodeDiskPressure, "", noSchedule), taint(corev1.TaintNodeMemoryPressure, "", noSchedule),
			taint(corev1.TaintNodePIDPressure, "", noSchedule), taint(corev1.TaintNodeUnschedulable, "", noSchedule),
			taint(corev1.TaintNodeNetworkUnavailable, "", noSchedule)), runs},
		{"default: a taint value does not matter", nil, Options{}, node("n1", nil, taint(corev1.TaintNodeDiskPressure, "x", noSchedule)), runs},

		// Taint effects and toleration shapes.
		{"NoSchedule toleration leaves NoExecute", tolerating(corev1.Toleration{Key: "a", Operator: exists, Effect: noSchedule}), Options{},
			node("n1", nil, taint("a", "", noExecute)), evictedBy("taint a:NoExecute is not tolerated")},
		{"NoExecute toleration leaves NoSchedule", tolerating(corev1.Toleration{Key: "a", Operator: exists, Effect: noExecute}), Options{},
			node("n1", nil, taint("a", "", noSchedule)), blockedBy("taint a:NoSchedule is not tolerated")},
		{"PreferNoSchedule next to NoSchedule", nil, Options{},
			node("n1", nil, taint("p", "", preferNoSchedule), taint("a", "b", noSchedule)), blockedBy("taint a=b:NoSchedule is not tolerated")},
		{"Exists with empty key and an effect", tolerating(corev1.Toleration{Operator: exists, Effect: noExecute}), Options{},
			node("n1", nil, taint("a", "", noExecute), taint("b", "c", noSchedule)), blockedBy("taint b=c:NoSchedule is not tolerated")},
		{"Exists with empty key and no effect", tolerating(corev1.Toleration{Operator: exists}), Options{},
			node("n1", nil, taint("a", "", noExecute), taint("b", "c", noSchedule)), runs},
		{"Equal with the wrong value", tolerating(corev1.Toleration{Key: "a", Operator: equal, Value: "c"}), Options{},
			node("n1", nil, taint("a", "b", noExecute)), evictedBy("taint a=b:NoExecute is not tolerated")},
		{"first untolerated NoSchedule is named", nil, Options{},
			node("n1", nil, taint("x", "", noSchedule), taint("y", "", noSchedule)), blockedBy("taint x:NoSchedule is not tolerated")},

		// nodeSelector and required affinity.
		{"selector names the first failing key", selecting(map[string]string{"b": "2", "a": "1", "c": "3"}), Options{},
			node("n1", map[string]string{"a": "1", "c": "x"}), notSelected("node selector does not match (b=2)")},
		{"selector and affinity both match", both, Options{}, node("n1", map[string]string{"logger": "fluentd", "zone": "a"}), runs},
		{"selector matches, affinity does not", both, Options{},
			node("n1", map[string]string{"logger": "fluentd", "zone": "b"}), notSelected("required node affinity does not match")},
		{"affinity matches, selector does not", both, Options{},
			node("n1", map[string]string{"zone": "a"}), notSelected("node selector does not match (logger=fluentd)")},
		{"selector checked before taints", selecting(map[string]string{"logger": "fluentd"}), Options{},
			node("n1", nil, controlPlane), notSelected("node selector does not match (logger=fluentd)")},
		{"nodeName checked before selector", &corev1.PodSpec{NodeName: "n9", NodeSelector: map[string]string{"a": "1"}}, Options{},
			node("n1", nil), notSelected("pod template pins nodeName n9")},
		{"In", requiring(labelTerm(req("zone", corev1.NodeSelectorOpIn, "a", "b"))), Options{},
			node("n1", map[string]string{"zone": "b"}), runs},
		{"In with the key absent", requiring(labelTerm(req("zone", corev1.NodeSelectorOpIn, "a"))), Options{},
			node("n1", nil), notSelected("required node affinity does not match")},
		{"NotIn with the value present", requiring(labelTerm(req("zone", corev1.NodeSelectorOpNotIn, "a"))), Options{},
			node("n1", map[string]string{"zone": "a"}), notSelected("required node affinity does not match")},
		{"Exists with an empty value", requiring(labelTerm(req("gpu", corev1.NodeSelectorOpExists))), Options{},
			node("n1", map[string]string{"gpu": ""}), runs},
		{"DoesNotExist with the key absent", requiring(labelTerm(req("gpu", corev1.NodeSelectorOpDoesNotExist))), Options{},
			node("n1", nil), runs},
		{"Gt with the key absent", requiring(labelTerm(req("cores", corev1.NodeSelectorOpGt, "8"))), Options{},
			node("n1", nil), notSelected("required node affinity does not match")},
		{"Lt below", requiring(labelTerm(req("cores", corev1.NodeSelectorOpLt, "8"))), Options{},
			node("n1", map[string]string{"cores": "4"}), runs},
		{"Lt equal", requiring(labelTerm(req("cores", corev1.NodeSelectorOpLt, "8"))), Options{},
			node("n1", map[string]string{"cores": "8"}), notSelected("required node affinity does not match")},
		{"matchFields In this node", requiring(fieldTerm(req("metadata.name", corev1.NodeSelectorOpIn, "n1"))), Options{},
			node("n1", nil), runs},
		{"matchFields NotIn this node", requiring(fieldTerm(req("metadata.name", corev1.NodeSelectorOpNotIn, "n1"))), Options{},
			node("n1", nil), notSelected("required node affinity does not match")},
		{"matchFields and matchExpressions are ANDed", requiring(corev1.NodeSelectorTerm{
			MatchExpressions: []corev1.NodeSelectorRequirement{req("zone", corev1.NodeSelectorOpIn, "a")},
			MatchFields:      []corev1.NodeSelectorRequirement{req("metadata.name", corev1.NodeSelectorOpIn, "n1")},
		}), Options{}, node("n1", map[string]string{"zone": "b"}), notSelected("required node affinity does not match")},
		{"empty term next to a matching one", requiring(corev1.NodeSelectorTerm{}, labelTerm(req("zone", corev1.NodeSelectorOpIn, "a"))),
			Options{}, node("n1", map[string]string{"zone": "a"}), runs},
		{"no terms at all", requiring(), Options{}, node("n1", nil), notSelected("required node affinity does not match")},

		// Lt/Gt tolerations: off by default, numeric and strict when the gate is on.
		{"Gt toleration, gate off", gtCost, Options{}, node("n1", nil, taint("cost", "5", noSchedule)),
			blockedBy("taint cost=5:NoSchedule is not tolerated")},
		{"Gt toleration, gate on", gtCost, comparisons, node("n1", nil, taint("cost", "5", noSchedule)), runs},
		{"Gt toleration, gate on, equal", gtCost, comparisons, node("n1", nil, taint("cost", "3", noSchedule)),
			blockedBy("taint cost=3:NoSchedule is not tolerated")},
		{"Gt toleration, gate on, not a number", gtCost, comparisons, node("n1", nil, taint("cost", "high", noSchedule)),
			blockedBy("taint cost=high:NoSchedule is not tolerated")},
		{"Lt toleration, gate off", ltCost, Options{}, node("n1", nil, taint("cost", "1", noSchedule)),
			blockedBy("taint cost=1:NoSchedule is not tolerated")},
		{"Lt toleration, gate on", ltCost, comparisons, node("n1", nil, taint("cost", "1", noSchedule)), runs},
		{"Lt toleration, gate on, above", ltCost, comparisons, node("n1", nil, taint("cost", "5", noSchedule)),
			blockedBy("taint cost=5:NoSchedule is not tolerated")},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			got := Compile(test.spec, test.opts).Evaluate(test.node)
			if want := "taint " + got.Taint + " is not tolerated"; got.Taint != "" && got.Reason != want {
				t.Errorf("Taint %q does not match Reason %q", got.Taint, got.Reason)
			}
			got.Taint = ""
			expected := Decision{Node: test.node.Name, ShouldRun: test.want.run, ShouldContinueRunning: test.want.keep, Reason: test.want.reason}
			if got != expected {
				t.Errorf("got %+v, want %+v", got, expected)
			}
		})
	}
}

func TestEvaluateUnparsableAffinity(t *testing.T) {
	// The API server rejects this; the controller ignores the parse error and matches nothing.
	spec := requiring(labelTerm(req("cores", corev1.NodeSelectorOpGt, "eight")))
	got := Compile(spec, Options{}).Evaluate(node("n1", map[string]string{"cores": "16"}))
	if got.ShouldRun || got.ShouldContinueRunning || !strings.HasPrefix(got.Reason, "required node affinity does not match: ") {
		t.Errorf("got %+v", got)
	}
}

func TestCompileTolerations(t *testing.T) {
	seconds := int64(30)
	spec := &corev1.PodSpec{
		HostNetwork: true,
		Tolerations: []corev1.Toleration{
			{Key: corev1.TaintNodeNotReady, Operator: exists, Effect: noExecute, TolerationSeconds: &seconds},
			{Key: "a", Operator: exists},
		},
	}
	original := spec.DeepCopy()
	got := Compile(spec, Options{}).tolerations
	want := []corev1.Toleration{
		// Replaced in place, dropping tolerationSeconds, like AddOrUpdateTolerationInPodSpec.
		{Key: corev1.TaintNodeNotReady, Operator: exists, Effect: noExecute},
		{Key: "a", Operator: exists},
		{Key: corev1.TaintNodeUnreachable, Operator: exists, Effect: noExecute},
		{Key: corev1.TaintNodeDiskPressure, Operator: exists, Effect: noSchedule},
		{Key: corev1.TaintNodeMemoryPressure, Operator: exists, Effect: noSchedule},
		{Key: corev1.TaintNodePIDPressure, Operator: exists, Effect: noSchedule},
		{Key: corev1.TaintNodeUnschedulable, Operator: exists, Effect: noSchedule},
		{Key: corev1.TaintNodeNetworkUnavailable, Operator: exists, Effect: noSchedule},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tolerations:\n got %+v\nwant %+v", got, want)
	}
	if !reflect.DeepEqual(spec, original) {
		t.Errorf("Compile modified the spec")
	}
}

func threeWorkersTwoMasters() []*corev1.Node {
	master := taint("node-role.kubernetes.io/master", "", noSchedule)
	return []*corev1.Node{
		node("k8s-03", nil),
		node("k8s-master-02", nil, master),
		nil,
		node("k8s-01", nil),
		node("k8s-master-01", nil, master),
		node("k8s-02", nil),
	}
}

func TestPredict(t *testing.T) {
	result := Predict(nil, threeWorkersTwoMasters(), Options{})
	var names []string
	for _, decision := range result.Decisions {
		names = append(names, decision.Node)
	}
	if want := []string{"k8s-01", "k8s-02", "k8s-03", "k8s-master-01", "k8s-master-02"}; !reflect.DeepEqual(names, want) {
		t.Errorf("nodes: got %v, want %v", names, want)
	}
	if result.Count() != 3 {
		t.Errorf("Count: got %d, want 3", result.Count())
	}
	reason := "taint node-role.kubernetes.io/master:NoSchedule is not tolerated"
	if got, want := result.ExcludedCounts(), map[string]int64{reason: 2}; !reflect.DeepEqual(got, want) {
		t.Errorf("ExcludedCounts: got %v, want %v", got, want)
	}
}

func TestPredictNodeNameGhost(t *testing.T) {
	result := Predict(&corev1.PodSpec{NodeName: "ghost"}, threeWorkersTwoMasters(), Options{})
	if got := result.ExcludedCounts()["pod template pins nodeName ghost"]; result.Count() != 0 || got != 5 {
		t.Errorf("got count %d, excluded %v", result.Count(), result.ExcludedCounts())
	}
}

func TestChanges(t *testing.T) {
	nodes := func(n ...*corev1.Node) []*corev1.Node { return n }
	spec := selecting(map[string]string{"logger": "fluentd"})
	on := map[string]string{"logger": "fluentd"}
	tests := []struct {
		name          string
		before, after []*corev1.Node
		want          []Change
	}{
		{"nothing changes", nodes(node("a", on), node("b", nil)), nodes(node("a", on), node("b", nil)), nil},
		{"label added and removed",
			nodes(node("a", on), node("b", nil)), nodes(node("a", nil), node("b", on)),
			[]Change{{Node: "a", Starts: false}, {Node: "b", Starts: true}}},
		{"untolerated NoExecute evicts",
			nodes(node("a", on)), nodes(node("a", on, taint("x", "", noExecute))),
			[]Change{{Node: "a", Starts: false}}},
		{"untolerated NoSchedule keeps the running pod",
			nodes(node("a", on)), nodes(node("a", on, taint("x", "", noSchedule))), nil},
		{"NoSchedule removed starts a pod",
			nodes(node("a", on, taint("x", "", noSchedule))), nodes(node("a", on)),
			[]Change{{Node: "a", Starts: true}}},
		{"nodes added and removed",
			nodes(node("b", on), node("d", nil)), nodes(node("a", on), node("c", nil), node("e", on)),
			[]Change{{Node: "a", Starts: true}, {Node: "b", Starts: false}, {Node: "e", Starts: true}}},
		{"from nothing", nil, nodes(node("a", on), node("b", nil)), []Change{{Node: "a", Starts: true}}},
		{"to nothing", nodes(node("a", on), node("b", nil)), nil, []Change{{Node: "a", Starts: false}}},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			got := Changes(Predict(spec, test.before, Options{}), Predict(spec, test.after, Options{}))
			if !reflect.DeepEqual(got, test.want) {
				t.Errorf("got %+v, want %+v", got, test.want)
			}
		})
	}
}
