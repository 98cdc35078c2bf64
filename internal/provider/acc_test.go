package provider_test

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/testcluster"
)

func TestMain(m *testing.M) {
	acctest.Main(m, testcluster.DemoNodes(), acctest.WithAudit())
}

// endpoint is what a cloud provider's data source gives a provider block: the API server's
// URL, its CA certificate base64-encoded, and (here) the token a credential plugin prints.
type endpoint struct {
	server, caBase64, token string
}

// localEndpoint reads the package cluster's least-privilege kubeconfig.
func localEndpoint(t *testing.T) endpoint {
	t.Helper()
	acctest.Cluster(t)
	kc, err := clientcmd.LoadFromFile(os.Getenv("KUBE_CONFIG_PATH"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := kc.Contexts[kc.CurrentContext]
	cluster, user := kc.Clusters[ctx.Cluster], kc.AuthInfos[ctx.AuthInfo]
	ca := cluster.CertificateAuthorityData
	if len(ca) == 0 {
		if ca, err = os.ReadFile(cluster.CertificateAuthority); err != nil {
			t.Fatal(err)
		}
	}
	return endpoint{server: cluster.Server, caBase64: base64.StdEncoding.EncodeToString(ca), token: user.Token}
}

// withStandInPlugins puts testdata/credential-plugins first on PATH, hands them the local
// cluster's token, and makes sure nothing but the provider block points at the cluster.
// It returns the file where the plugins record their command lines.
func withStandInPlugins(t *testing.T, ep endpoint) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("testdata", "credential-plugins"))
	if err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(t.TempDir(), "plugins.log")
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("K8SFLEET_STANDIN_TOKEN", ep.token)
	t.Setenv("K8SFLEET_STANDIN_LOG", log)
	t.Setenv("KUBE_CONFIG_PATH", "")
	return log
}

// TestAccProvider_cloudCredentialPlugins: the EKS, GKE and AKS provider blocks of the
// hashicorp/kubernetes documentation paste unchanged (but for the provider's name) and
// authenticate through their credential plugin, here a stand-in that prints the local
// cluster's token; the nodes listed prove the API server accepted it.
func TestAccProvider_cloudCredentialPlugins(t *testing.T) {
	ep := localEndpoint(t)
	host := strings.TrimPrefix(ep.server, "https://")
	cases := []struct {
		name    string
		vars    config.Variables
		command string
	}{
		{"eks", config.Variables{
			"cluster_endpoint": config.StringVariable(ep.server),
			"cluster_ca_cert":  config.StringVariable(ep.caBase64),
			"cluster_name":     config.StringVariable("fleet"),
		}, "aws eks get-token --cluster-name fleet"},
		{"gke", config.Variables{
			"cluster_endpoint": config.StringVariable(host),
			"cluster_ca_cert":  config.StringVariable(ep.caBase64),
		}, "gke-gcloud-auth-plugin "},
		{"aks", config.Variables{
			"cluster_endpoint": config.StringVariable(ep.server),
			"cluster_ca_cert":  config.StringVariable(ep.caBase64),
			"tenant_id":        config.StringVariable("00000000-0000-0000-0000-000000000001"),
			"client_id":        config.StringVariable("00000000-0000-0000-0000-000000000002"),
			"client_secret":    config.StringVariable("s3cret"),
		}, "kubelogin get-token --login spn --environment AzurePublicCloud --tenant-id 00000000-0000-0000-0000-000000000001 " +
			"--server-id 6dae42f8-4368-4678-94ff-3960e28e3630 --client-id 00000000-0000-0000-0000-000000000002"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			log := withStandInPlugins(t, ep)
			resource.Test(t, resource.TestCase{
				Steps: []resource.TestStep{{
					// With a provider block in a file, the harness wants the provider here.
					ProtoV6ProviderFactories: acctest.ProviderFactories,
					ConfigFile:               config.StaticFile(snippetConfig(t, tc.name)),
					ConfigVariables:          tc.vars,
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("data.k8sfleet_nodes.all", tfjsonpath.New("nodes"),
							knownvalue.ListSizeExact(len(testcluster.DemoNodes()))),
					},
				}},
			})
			calls, err := os.ReadFile(log)
			if err != nil {
				t.Fatalf("the credential plugin never ran: %v", err)
			}
			if !strings.Contains(string(calls), tc.command+"\n") {
				t.Fatalf("the credential plugin ran as\n%s\nwant %q", calls, tc.command)
			}
		})
	}
}

// snippetConfig is the documented example examples/provider/<name> with the provider's
// source and a data source that proves the credentials work: the test runs the very block
// the docs show.
func snippetConfig(t *testing.T, name string) string {
	t.Helper()
	example, err := os.ReadFile(filepath.Join("..", "..", "examples", "provider", name, "provider.tf"))
	if err != nil {
		t.Fatal(err)
	}
	const head = `terraform {
  required_providers {
    k8sfleet = { source = "k8sfleet/k8sfleet" }
  }
}
`
	path := filepath.Join(t.TempDir(), "main.tf")
	body := head + string(example) + "\ndata \"k8sfleet_nodes\" \"all\" {}\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestAccProvider_tlsServerName: tls_server_name is the name the API server's certificate
// is verified against: one of its names passes, another fails the handshake.
func TestAccProvider_tlsServerName(t *testing.T) {
	ep := localEndpoint(t)
	t.Setenv("KUBE_CONFIG_PATH", "")
	cfg := func(name string) string {
		return `
provider "k8sfleet" {
  host                   = "` + ep.server + `"
  token                  = "` + ep.token + `"
  cluster_ca_certificate = base64decode("` + ep.caBase64 + `")
  tls_server_name        = "` + name + `"
}

data "k8sfleet_nodes" "all" {}
`
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      cfg("not-in-the-certificate.example"),
				ExpectError: regexp.MustCompile(`not-in-the-certificate\.example`),
			},
			{
				Config: cfg("kubernetes.default.svc"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.k8sfleet_nodes.all", tfjsonpath.New("nodes"),
						knownvalue.ListSizeExact(len(testcluster.DemoNodes()))),
				},
			},
		},
	})
}

// TestAccProvider_unsupportedArguments: the hashicorp/kubernetes arguments that mean nothing
// here fail validation, each named with the reason, before any request.
func TestAccProvider_unsupportedArguments(t *testing.T) {
	acctest.Cluster(t)
	cases := map[string]struct{ block, want string }{
		"username":           {`username = "admin"` + "\n" + `password = "p"`, `username is not supported by k8sfleet: basic authentication was removed`},
		"ignore_annotations": {`ignore_annotations = ["^example\\.com/.*"]`, `ignore_annotations is not supported by k8sfleet`},
		"ignore_labels":      {`ignore_labels = ["team"]`, `ignore_labels is not supported by k8sfleet`},
		"experiments":        {"experiments {\n    manifest_resource = true\n  }", `experiments is not supported by k8sfleet`},
		// Not unsupported, but incomplete: the block's required arguments.
		"exec without command": {"host = \"https://127.0.0.1:1\"\n  exec {\n    api_version = \"client.authentication.k8s.io/v1beta1\"\n  }", `Attribute "exec.command" must be specified when "exec" is specified`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      "provider \"k8sfleet\" {\n  " + tc.block + "\n}\n\ndata \"k8sfleet_nodes\" \"all\" {}\n",
					ExpectError: regexp.MustCompile(strings.ReplaceAll(tc.want, " ", `\s+`)),
				}},
			})
		})
	}
}
