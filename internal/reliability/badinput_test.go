package reliability

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
)

type badInput struct {
	name   string
	config string
	want   string // regexp on terraform's output: names the attribute or the rule
	apply  bool   // the rule needs the cluster: checked at apply, before any write
}

func ds(podSpec, specExtra, meta string) string {
	if meta == "" {
		meta = `name = "bad"`
	}
	return fmt.Sprintf(`resource "k8sfleet_daemonset" "bad" {
  metadata = { %s }
  spec = {
    selector = { match_labels = { app = "bad" } }
    %s
    template = {
      metadata = { labels = { app = "bad" } }
      spec = {
        %s
        containers = [{ name = "agent", image = "agent:v1" }]
      }
    }
  }
}`, meta, specExtra, podSpec)
}

func label(body string) string { return "resource \"k8sfleet_node_label\" \"bad\" {\n" + body + "\n}" }
func taint(body string) string { return "resource \"k8sfleet_node_taint\" \"bad\" {\n" + body + "\n}" }

func providerBlock(body string) string {
	return "provider \"k8sfleet\" {\n" + body + "\n}\ndata \"k8sfleet_nodes\" \"all\" {}\n"
}

func badInputs(t *testing.T) []badInput {
	dir := t.TempDir()
	malformed := filepath.Join(dir, "malformed.yaml")
	_ = os.WriteFile(malformed, []byte("apiVersion: v1\nclusters: [this is: not valid"), 0o600)
	notPEM := filepath.Join(dir, "ca.txt")
	_ = os.WriteFile(notPEM, []byte("not a certificate"), 0o600)
	failing := filepath.Join(dir, "failing-plugin.sh")
	_ = os.WriteFile(failing, []byte("#!/bin/sh\necho 'credential helper: access denied' >&2\nexit 1\n"), 0o700)
	long := strings.Repeat("a", 64)
	return []badInput{
		// Provider block.
		{"kubeconfig missing", providerBlock(`config_path = "/nonexistent/kubeconfig"`), `config_path: cannot read kubeconfig`, false},
		{"kubeconfig malformed", providerBlock(fmt.Sprintf(`config_path = %q`, malformed)), `config_path: invalid kubeconfig`, false},
		{"unknown context", providerBlock(fmt.Sprintf(`config_path = %q
config_context = "nope"`, restrictedKubeconfig(t))), `context "nope" does not exist`, false},
		{"CA file unreadable", providerBlock(`host = "https://127.0.0.1:1"
cluster_ca_certificate = "/nonexistent/ca.pem"`), `cluster_ca_certificate: not PEM data and not a readable file`, false},
		{"CA file not PEM", providerBlock(fmt.Sprintf(`host = "https://127.0.0.1:1"
cluster_ca_certificate = %q`, notPEM)), `holds no PEM data`, false},
		{"client cert without key", providerBlock(`host = "https://127.0.0.1:1"
client_certificate = "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----"`), `both must be set`, false},
		{"exec plugin fails", providerBlock(fmt.Sprintf(`host = "https://127.0.0.1:1"
insecure = true
exec {
  api_version = "client.authentication.k8s.io/v1"
  command     = %q
}`, failing)), `failing-plugin.sh\s+failed with exit code 1`, false},
		{"qps zero", providerBlock(`qps = 0`), `(?s)qps.*at least 0.1`, false},
		{"burst zero", providerBlock(`burst = 0`), `(?s)burst.*between 1 and 100000`, false},
		{"request_timeout", providerBlock(`request_timeout = "soon"`), `must be a positive Go duration`, false},
		{"proxy url", providerBlock(`host = "https://127.0.0.1:1"
proxy_url = "ftp://proxy:21"`), `proxy_url: scheme "ftp" is not supported`, false},
		{"data source selector", `data "k8sfleet_nodes" "bad" { label_selector = "a in (" }`, `Invalid label selector`, false},
		// DaemonSet.
		{"restart policy Never", ds(`restart_policy = "Never"`, "", ""), `restart_policy must be Always`, false},
		{"selector does not match template", strings.Replace(ds("", "", ""), `metadata = { labels = { app = "bad" } }`, `metadata = { labels = { app = "other" } }`, 1), `does not match the template's labels`, false},
		{"quantity 12xyz", ds(`overhead = { cpu = "12xyz" }`, "", ""), `invalid quantity "12xyz"`, false},
		{"container quantity", strings.Replace(ds("", "", ""), `image = "agent:v1"`, `image = "agent:v1", resources = { limits = { memory = "lots" } }`, 1), `invalid quantity\s+"lots"`, false},
		{"negative min_ready_seconds", ds("", `min_ready_seconds = -5`, ""), `must not be negative`, false},
		{"negative grace period", ds(`termination_grace_period_seconds = -1`, "", ""), `must not be negative`, false},
		{"negative revision history", ds("", `revision_history_limit = -3`, ""), `must not be negative`, false},
		{"active deadline", ds(`active_deadline_seconds = 60`, "", ""), `active_deadline_seconds is not allowed`, false},
		{"host network with max_surge", strings.Replace(ds(`host_network = true`, `update_strategy = { rolling_update = { max_surge = "10%", max_unavailable = 0 } }`, ""),
			`image = "agent:v1" }`, `image = "agent:v1", ports = [{ container_port = 9100 }] }`, 1),
			`(?s)max_surge.*the rolling update stops on the first node`, false},
		{"name uppercase", ds("", "", `name = "Bad_Name"`), `is not a valid name`, false},
		{"name too long", ds("", "", `name = "`+strings.Repeat("n", 254)+`"`), `is not a valid name`, false},
		{"namespace invalid", ds("", "", `name = "bad"
namespace = "Not A Namespace"`), `is not a valid namespace`, false},
		{"object label key", ds("", "", `name = "bad"
labels = { "bad key!" = "x" }`), `not a valid label key|Invalid label key`, false},
		{"object label value too long", ds("", "", `name = "bad"
labels = { ok = "`+long+`" }`), `Invalid label value|not a valid label value`, false},
		{"annotation key", ds("", "", `name = "bad"
annotations = { "-bad-" = "x" }`), `not a valid annotation key`, false},
		{"no containers", strings.Replace(ds("", "", ""), `containers = [{ name = "agent", image = "agent:v1" }]`, `containers = []`, 1), `at least one container`, false},
		{"empty selector", strings.Replace(ds("", "", ""), `selector = { match_labels = { app = "bad" } }`, `selector = {}`, 1), `selector is required`, false},
		{"int-or-string empty", ds("", `update_strategy = { rolling_update = { max_unavailable = "" } }`, ""), `max_unavailable`, false},
		{"host_network not a bool", ds(`host_network = "sometimes"`, "", ""), `(?s)host_network.*bool required|a bool is required`, false},
		{"template label value", strings.Replace(ds("", "", ""), `metadata = { labels = { app = "bad" } }`, `metadata = { labels = { app = "bad", x = "`+long+`" } }`, 1), `not a valid label value`, false},
		{"daemonset timeout zero", strings.Replace(ds("", "", ""), "spec = {", "timeouts = { update = \"0s\" }\n  spec = {", 1), `timeouts.update: "0s" must be a positive Go duration`, false},
		{"daemonset field_manager 200 bytes", strings.Replace(ds("", "", ""), "spec = {", "field_manager = \"k8sfleet-"+strings.Repeat("m", 191)+"\"\n  spec = {", 1), `field_manager is 200 bytes long; it must be at most 128 bytes`, false},
		// Node labels.
		{"label timeout negative", label(`node_name = "k8s-01"
labels = { team = "x" }
timeouts = { create = "-1s" }`), `timeouts.create: "-1s" must be a positive Go duration`, false},
		{"label field_manager 200 bytes", label(`node_name = "k8s-01"
field_manager = "k8sfleet-` + strings.Repeat("m", 191) + `"
labels = { team = "x" }`), `field_manager is 200 bytes long; it must be at most 128 bytes`, false},
		{"label node name", label(`node_name = "Bad_Node"
labels = { team = "x" }`), `Invalid node name`, false},
		{"label key", label(`node_name = "k8s-01"
labels = { "bad key" = "x" }`), `(?i)label key`, false},
		{"label value", label(`node_name = "k8s-01"
labels = { team = "has spaces" }`), `(?i)label value`, false},
		{"label value too long", label(`node_name = "k8s-01"
labels = { team = "` + long + `" }`), `(?i)label value`, false},
		{"kubelet hostname label", label(`node_name = "k8s-01"
labels = { "kubernetes.io/hostname" = "x" }`), `Label owned by the kubelet`, false},
		{"kubelet beta label", label(`node_name = "k8s-01"
labels = { "beta.kubernetes.io/arch" = "arm64" }`), `Label owned by the kubelet`, false},
		{"label node and selector", label(`node_name = "k8s-01"
label_selector = "a=b"
labels = { team = "x" }`), `(?i)conflict|cannot be configured|exactly one`, false},
		{"label neither node nor selector", label(`labels = { team = "x" }`), `(?i)exactly one|at least one|one of`, false},
		{"label selector invalid", label(`label_selector = "a in ("
labels = { team = "x" }`), `(?i)label selector`, false},
		{"label selector uses own key", label(`label_selector = "team=x"
labels = { team = "x" }`), `Selector uses a label this resource sets`, false},
		{"label unknown node", label(`node_name = "no-such-node"
labels = { team = "x" }`), `no-such-node`, true},
		// Node taints.
		{"taint effect", taint(`node_name = "k8s-01"
taints = [{ key = "gpu", effect = "Sometimes" }]`), `(?i)effect`, false},
		{"taint duplicate key and effect", taint(`node_name = "k8s-01"
taints = [{ key = "gpu", value = "a", effect = "NoSchedule" }, { key = "gpu", value = "b", effect = "NoSchedule" }]`), `Duplicate taint`, false},
		{"taint not-ready condition", taint(`node_name = "k8s-01"
taints = [{ key = "node.kubernetes.io/not-ready", effect = "NoExecute" }]`), `Condition taint`, false},
		{"taint unschedulable condition", taint(`node_name = "k8s-01"
taints = [{ key = "node.kubernetes.io/unschedulable", effect = "NoSchedule" }]`), `Condition taint`, false},
		{"taint key", taint(`node_name = "k8s-01"
taints = [{ key = "bad key", effect = "NoSchedule" }]`), `Invalid taint key`, false},
		{"taint value", taint(`node_name = "k8s-01"
taints = [{ key = "gpu", value = "has spaces", effect = "NoSchedule" }]`), `Invalid taint value`, false},
		{"taint timeout zero", taint(`node_name = "k8s-01"
taints = [{ key = "gpu", effect = "NoSchedule" }]
timeouts = { delete = "0s" }`), `timeouts.delete: "0s" must be a positive Go duration`, false},
		{"taint node name", taint(`node_name = "Bad_Node"
taints = [{ key = "gpu", effect = "NoSchedule" }]`), `(?s)Invalid node name.*node_name: "Bad_Node" must be a node name`, false},
		{"taint unknown node", taint(`node_name = "no-such-node"
taints = [{ key = "gpu", effect = "NoSchedule" }]`), `no-such-node`, true},
	}
}

// TestAccBadInputRejectedWithoutWrites: every invalid configuration fails with an error that
// names the attribute or the rule, at plan where no cluster is needed, else at apply before any
// write; the provider's request log shows no write for any of them.
func TestAccBadInputRejectedWithoutWrites(t *testing.T) {
	ctx := ctxFor(t, 15*time.Minute)
	cases := badInputs(t)
	if len(cases) < 40 {
		t.Fatalf("only %d cases", len(cases))
	}
	requestLog := filepath.Join(t.TempDir(), "requests.log")
	rejected := 0
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			kubeconfig := restrictedKubeconfig(t)
			if strings.HasPrefix(tc.config, "provider") {
				kubeconfig = "" // the provider block alone says where the cluster is
			}
			cli := acctest.NewCLI(t, kubeconfig)
			cli.Write(t, tc.config)
			var out bytes.Buffer
			tf := cli.Terraform(t, &out, map[string]string{"K8SFLEET_REQUEST_LOG": requestLog})
			command, err := "plan", error(nil)
			if tc.apply {
				command, err = "apply", tf.Apply(ctx)
			} else {
				_, err = tf.Plan(ctx)
			}
			if err == nil {
				t.Fatalf("terraform %s accepted it:\n%s", command, out.String())
			}
			// terraform wraps long messages: a space in the pattern matches any whitespace.
			if !regexp.MustCompile(strings.ReplaceAll(tc.want, " ", `\s+`)).Match(out.Bytes()) {
				t.Fatalf("error does not match %q:\n%s", tc.want, out.String())
			}
			rejected++
		})
	}
	writes := countWrites(t, requestLog)
	t.Logf("%d bad inputs rejected, %d writes to the cluster", rejected, writes)
	if writes != 0 {
		t.Fatalf("%d write requests were sent for bad input", writes)
	}
}

// countWrites reads the provider's request log: one "<verb> <resource> <wait>" per request.
func countWrites(t *testing.T, path string) int {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		switch strings.Fields(sc.Text())[0] {
		case "create", "update", "patch", "apply", "delete":
			n++
		}
	}
	return n
}
