package daemonset_test

import (
	"context"
	"regexp"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
)

// errorLine is the configuration line Terraform shows under an error.
var errorLine = regexp.MustCompile(`(?m)on main\.tf line \d+, in resource "k8sfleet_daemonset" "test":\s*\n[\s│]*\d+:(.*)$`)

// TestAccDaemonSet_errorsAtTheAttribute: a DaemonSet the API server or the provider rejects
// for one field (a bad name, a bad node_selector key, a bad toleration operator) fails the
// plan with an error on that attribute, named by its HCL path (with the API's field path in
// parentheses where the API server found it), and nothing is written. Terraform shows an
// attribute nested in an object on the resource's line, so the text must name it.
func TestAccDaemonSet_errorsAtTheAttribute(t *testing.T) {
	c := acctest.Cluster(t)
	for _, tc := range []struct {
		name     string
		edit     func(f *fluentd)
		messages []string // what the message says, in order
	}{
		{"metadata.name", func(f *fluentd) { f.name = "Bad_Name" },
			[]string{`metadata.name: "Bad_Name" is not a valid name`}},
		{"node_selector key", func(f *fluentd) { f.podSpec = []string{`node_selector = { "bad key!" = "x" }`} },
			[]string{`spec.template.spec.node_selector (spec.template.spec.nodeSelector):`, `bad key!`}},
		{"toleration operator", func(f *fluentd) {
			f.podSpec = []string{`tolerations = [{ key = "k", operator = "Sometimes", effect = "NoSchedule" }]`}
		}, []string{`spec.template.spec.tolerations[0].operator`, `(spec.template.spec.tolerations[0].operator):`, `Sometimes`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			f := fluentd{name: acctest.RandomName("bad"), namespace: "default", resourceExtra: []string{"wait_for_rollout = false"}}
			tc.edit(&f)
			cli := acctest.NewCLI(t, c.Kubeconfig)
			cli.Write(t, f.hcl())
			out, err := cli.Run(ctx, "plan")
			if err == nil {
				t.Fatalf("the plan accepts the DaemonSet:\n%s", out)
			}
			if !errorLine.MatchString(out) {
				t.Errorf("the error is not on the DaemonSet:\n%s", out)
			}
			if !wrapped(tc.messages...).MatchString(out) {
				t.Errorf("the error does not say %q:\n%s", tc.messages, out)
			}
			if _, err := c.Client.AppsV1().DaemonSets("default").Get(ctx, f.name, metav1.GetOptions{}); err == nil {
				t.Errorf("the plan wrote the DaemonSet ")
			}
		})
	}
}
