package provider_test

import (
	"context"
	"os"
	"os/exec"
	"regexp"
	"testing"
	"time"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
)

// TestAccProvider_userAgent: the API server's audit log shows the provider's requests with
// terraform-provider-k8sfleet/<version stamped at build> and the product and version of the
// CLI that ran it, Terraform's or OpenTofu's.
func TestAccProvider_userAgent(t *testing.T) {
	c := acctest.Cluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cli := acctest.NewCLI(t, os.Getenv("KUBE_CONFIG_PATH"))
	cli.Write(t, "data \"k8sfleet_nodes\" \"all\" {}\n")
	if _, out, err := cli.Plan(ctx, t); err != nil {
		t.Fatalf("plan: %v\n%s", err, out)
	}
	want := "terraform-provider-k8sfleet/" + acctest.ProviderVersion + " " + cliProduct(t)
	var seen []string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		events, err := c.AuditEvents()
		if err != nil {
			t.Fatal(err)
		}
		seen = seen[:0]
		for _, e := range events {
			if e.User.Username != acctest.ProviderUser || e.ObjectRef.Resource != "nodes" {
				continue
			}
			if e.UserAgent == want {
				return
			}
			seen = append(seen, e.UserAgent)
		}
	}
	t.Fatalf("no request for nodes by %s with User-Agent %q; seen: %q", acctest.ProviderUser, want, seen)
}

// cliProduct is "Terraform/<version>" or "OpenTofu/<version>" of the CLI the tests run.
func cliProduct(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatalf("%s version: %v", bin, err)
	}
	m := regexp.MustCompile(`(?m)^(Terraform|OpenTofu) v(\S+)`).FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("%s version printed %q", bin, out)
	}
	return m[1] + "/" + m[2]
}
