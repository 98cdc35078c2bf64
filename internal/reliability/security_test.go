package reliability

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
)

// TestAccSecretsNeverLogged runs plan and apply with TF_LOG=TRACE using a token, a client
// key and an exec plugin's env, and greps the whole log for each secret.
func TestAccSecretsNeverLogged(t *testing.T) {
	ctx := ctxFor(t, 5*time.Minute)
	restricted, err := clientcmd.LoadFromFile(restrictedKubeconfig(t))
	if err != nil {
		t.Fatal(err)
	}
	admin, err := clientcmd.LoadFromFile(adminCluster(t).Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	var server, ca, token, cert, key string
	for _, cl := range restricted.Clusters {
		server, ca = cl.Server, string(cl.CertificateAuthorityData)
		if ca == "" && cl.CertificateAuthority != "" {
			raw, _ := os.ReadFile(cl.CertificateAuthority)
			ca = string(raw)
		}
	}
	for _, a := range restricted.AuthInfos {
		token = a.Token
	}
	for _, a := range admin.AuthInfos {
		cert, key = string(a.ClientCertificateData), string(a.ClientKeyData)
		if cert == "" && a.ClientCertificate != "" {
			c, _ := os.ReadFile(a.ClientCertificate)
			k, _ := os.ReadFile(a.ClientKey)
			cert, key = string(c), string(k)
		}
	}
	if token == "" || key == "" || ca == "" {
		t.Fatalf("test setup: token %d bytes, key %d bytes, ca %d bytes", len(token), len(key), len(ca))
	}
	envSecret := "exec-env-secret-" + acctest.RandomName("x")
	credential := fmt.Sprintf(`{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":%q}}`, token)
	script := filepath.Join(t.TempDir(), "credential.sh")
	// The plugin fails unless it receives the env value, so the env is really used.
	scriptText := fmt.Sprintf("#!/bin/sh\n[ \"$SECRET_ENV\" = %q ] || exit 3\necho '%s'\n", envSecret, credential)
	if err := os.WriteFile(script, []byte(scriptText), 0o700); err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, []byte(ca), 0o600); err != nil {
		t.Fatal(err)
	}
	providers := map[string]string{
		"token": fmt.Sprintf(`provider "k8sfleet" {
  host                   = %q
  cluster_ca_certificate = %q
  token                  = %q
}`, server, caFile, token),
		"client key": fmt.Sprintf(`provider "k8sfleet" {
  host                   = %q
  cluster_ca_certificate = %q
  client_certificate     = %q
  client_key             = %q
}`, server, caFile, cert, key),
		"exec env": fmt.Sprintf(`provider "k8sfleet" {
  host                   = %q
  cluster_ca_certificate = %q
  exec {
    api_version = "client.authentication.k8s.io/v1"
    command     = %q
    env         = { SECRET_ENV = %q }
  }
}`, server, caFile, script, envSecret),
	}
	secrets := map[string][]string{
		"token":      {token},
		"client key": {strings.TrimSpace(key), keyBody(key)},
		"exec env":   {envSecret, token},
	}
	for label, provider := range providers {
		t.Run(label, func(t *testing.T) {
			cli := acctest.NewCLI(t, "")
			name := acctest.RandomName("secret")
			cli.Write(t, provider+`
resource "k8sfleet_node_label" "test" {
  node_name = "fleet-00001"
  labels    = { "secret-test" = "`+name+`" }
}
data "k8sfleet_nodes" "all" {}
`)
			logPath := filepath.Join(cli.Dir, "trace.log")
			var out bytes.Buffer
			tf := cli.Terraform(t, &out, nil)
			acctest.LogTo(t, tf, "TRACE", logPath)
			steps := []struct {
				name string
				run  func() error
			}{
				{"plan", func() error { _, err := tf.Plan(ctx); return err }},
				{"apply", func() error { return tf.Apply(ctx) }},
				{"destroy", func() error { return tf.Destroy(ctx) }},
			}
			for _, st := range steps {
				if err := st.run(); err != nil {
					t.Fatalf("terraform %s: %v\n%s", st.name, err, out.String())
				}
			}
			log, err := os.ReadFile(logPath)
			if err != nil {
				t.Fatal(err)
			}
			if len(log) < 10000 {
				t.Fatalf("trace log is only %d bytes", len(log))
			}
			for _, s := range secrets[label] {
				if s != "" && strings.Contains(string(log), s) {
					t.Errorf("the %s secret appears in the TRACE log", label)
				}
			}
		})
	}
}

// keyBody is the base64 body of a PEM key, which a log could show without the armour.
func keyBody(pem string) string {
	lines := strings.Split(strings.TrimSpace(pem), "\n")
	if len(lines) < 3 {
		return ""
	}
	body := strings.Join(lines[1:len(lines)-1], "")
	if _, err := base64.StdEncoding.DecodeString(body); err != nil {
		return ""
	}
	return body[:40]
}

// TestAccUnreachableClusterFailsFast: a server that accepts connections and never answers
// is one clear error bounded by request_timeout, not a hang.
func TestAccUnreachableClusterFailsFast(t *testing.T) {
	ctx := ctxFor(t, 2*time.Minute)
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		for {
			conn, err := silent.Accept()
			if err != nil {
				return
			}
			defer conn.Close() // held open, never answered
		}
	}()
	cli := acctest.NewCLI(t, "")
	cli.Write(t, fmt.Sprintf(`provider "k8sfleet" {
  host            = "https://%s"
  insecure        = true
  request_timeout = "3s"
}
data "k8sfleet_nodes" "all" {}
`, silent.Addr()))
	start := time.Now()
	_, out, err := cli.Plan(ctx, t)
	elapsed := time.Since(start)
	if err == nil {
		t.Fatalf("plan succeeded against a silent server:\n%s", out)
	}
	mustContain(t, out, "Cannot list nodes")
	if elapsed > 45*time.Second {
		t.Fatalf("plan took %s; request_timeout is 3s", elapsed)
	}
	t.Logf("failed in %s", elapsed.Round(100*time.Millisecond))
}

// TestAccForbiddenNamesVerbAndResource: with a role that may not patch nodes, the error
// says which verb on which resource is missing.
func TestAccForbiddenNamesVerbAndResource(t *testing.T) {
	ctx := ctxFor(t, 2*time.Minute)
	role := &rbacv1.ClusterRole{Rules: []rbacv1.PolicyRule{
		{APIGroups: []string{""}, Resources: []string{"nodes"}, Verbs: []string{"get", "list", "watch"}},
		{APIGroups: []string{"apps"}, Resources: []string{"daemonsets"}, Verbs: []string{"get", "list"}},
		{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"list"}},
	}}
	kubeconfig, err := adminCluster(t).RestrictedKubeconfig(ctx, "k8sfleet-readonly", role)
	if err != nil {
		t.Fatal(err)
	}
	cli := acctest.NewCLI(t, kubeconfig)
	cli.Write(t, `resource "k8sfleet_node_label" "test" {
  node_name = "fleet-00002"
  labels    = { forbidden = "yes" }
}`)
	out, err := cli.Apply(ctx, t)
	if err == nil {
		t.Fatalf("apply succeeded without patch on nodes:\n%s", out)
	}
	if !regexp.MustCompile(`may not\s+(patch|update)\s+nodes`).MatchString(out) {
		t.Fatalf("error does not name the verb and resource:\n%s", out)
	}
	_, _ = cli.Destroy(context.Background(), t)
}
