package daemonsetlist_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8stypes "k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/acctest"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/manifestfunc"
	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/testcluster"
)

func TestMain(m *testing.M) { acctest.Main(m, testcluster.DemoNodes()) }

// queryAvailable skips below Terraform 1.14, which has no list resources; OpenTofu 1.12 has none either.
var queryAvailable = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)}

// installers make a DaemonSet from its manifest the way other tools do, by the requests those
// tools send.
var installers = map[string]func(ctx context.Context, c kubernetes.Interface, ds *appsv1.DaemonSet, manifest []byte) error{
	"kubectl-create": func(ctx context.Context, c kubernetes.Interface, ds *appsv1.DaemonSet, _ []byte) error {
		_, err := c.AppsV1().DaemonSets(ds.Namespace).Create(ctx, ds, metav1.CreateOptions{FieldManager: "kubectl-create"})
		return err
	},
	// Client-side apply: the manifest as JSON in the last-applied annotation.
	"kubectl-apply": func(ctx context.Context, c kubernetes.Interface, ds *appsv1.DaemonSet, manifest []byte) error {
		ds = ds.DeepCopy()
		ds.Annotations = map[string]string{"kubectl.kubernetes.io/last-applied-configuration": string(manifest)}
		_, err := c.AppsV1().DaemonSets(ds.Namespace).Create(ctx, ds, metav1.CreateOptions{FieldManager: "kubectl-client-side-apply"})
		return err
	},
	"server-side-apply": func(ctx context.Context, c kubernetes.Interface, ds *appsv1.DaemonSet, manifest []byte) error {
		_, err := c.AppsV1().DaemonSets(ds.Namespace).Patch(ctx, ds.Name, k8stypes.ApplyPatchType, manifest,
			metav1.PatchOptions{FieldManager: "gitops-controller", Force: ptr.To(true)})
		return err
	},
}

// daemonSetDocument is the manifest's DaemonSet document as JSON, as kubectl sends it.
func daemonSetDocument(t *testing.T, manifest string) []byte {
	t.Helper()
	for _, doc := range strings.Split(manifest, "\n---\n") {
		if strings.Contains(doc, "kind: DaemonSet") {
			raw, err := yaml.YAMLToJSON([]byte(doc))
			if err != nil {
				t.Fatal(err)
			}
			return raw
		}
	}
	t.Fatal("no DaemonSet in the manifest")
	return nil
}

// fleet makes, in a namespace of its own, the log shipper of the adoption guide (a 96-line
// manifest) with client-side apply, two agents with kubectl create and server-side apply, and
// one agent owned by another object; it waits until every pod is available.
func fleet(t *testing.T) (ns string, unowned []string) {
	t.Helper()
	c := acctest.Cluster(t).Client
	ctx := context.Background()
	ns = acctest.RandomName("query")
	if _, err := c.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.CoreV1().Namespaces().Delete(context.Background(), ns, metav1.DeleteOptions{}) })
	raw, err := os.ReadFile(filepath.Join("..", "manifestfunc", "testdata", "shapes", "log-shipper.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	shipper := strings.ReplaceAll(string(raw), "namespace: kube-system", "namespace: "+ns)
	if _, err := c.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "log-shipper"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	owner, err := c.CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "operator"}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, made := range []struct{ how, manifest string }{
		{"kubectl-apply", shipper}, {"kubectl-create", pauseManifest(ns, "created")},
		{"server-side-apply", pauseManifest(ns, "applied")}, {"owned", pauseManifest(ns, "operated")},
	} {
		ds, err := manifestfunc.ParseText(made.manifest)
		if err != nil {
			t.Fatal(err)
		}
		how := made.how
		if how == "owned" {
			how = "kubectl-create"
			ds.OwnerReferences = []metav1.OwnerReference{{APIVersion: "v1", Kind: "ConfigMap", Name: owner.Name, UID: owner.UID}}
		} else {
			unowned = append(unowned, ds.Name)
		}
		if err := installers[how](ctx, c, ds, daemonSetDocument(t, made.manifest)); err != nil {
			t.Fatalf("%s %s: %v", how, ds.Name, err)
		}
	}
	for _, name := range append(append([]string{}, unowned...), "operated") {
		settle(t, c, ns, name)
	}
	sort.Strings(unowned)
	return ns, unowned
}

func pauseManifest(ns, name string) string {
	return fmt.Sprintf(`apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: %[2]s
  namespace: %[1]s
  labels:
    app.kubernetes.io/name: %[2]s
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: %[2]s
  template:
    metadata:
      labels:
        app.kubernetes.io/name: %[2]s
    spec:
      containers:
        - name: agent
          image: registry.k8s.io/pause:3.10
`, ns, name)
}

// settle waits until the controller has observed the DaemonSet and its pods are available,
// and the object stays the same over two reads, so that resourceVersion changes only on a write.
func settle(t *testing.T, c kubernetes.Interface, ns, name string) *appsv1.DaemonSet {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	last := ""
	for {
		ds, err := c.AppsV1().DaemonSets(ns).Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		s := ds.Status
		done := s.ObservedGeneration == ds.Generation && s.DesiredNumberScheduled > 0 &&
			s.NumberAvailable == s.DesiredNumberScheduled && s.UpdatedNumberScheduled == s.DesiredNumberScheduled
		if done && ds.ResourceVersion == last {
			return ds
		}
		if done {
			last = ds.ResourceVersion
		}
		if time.Now().After(deadline) {
			t.Fatalf("DaemonSet %s/%s did not settle: %+v", ns, name, s)
		}
		time.Sleep(time.Second)
	}
}

func listBlock(ns string) string {
	return fmt.Sprintf(`list "k8sfleet_daemonset" "all" {
  provider         = k8sfleet
  include_resource = true
  config {
    namespace = %q
  }
}
`, ns)
}

// TestAccDaemonSetList_query: terraform query finds exactly the three DaemonSets that
// kubectl create, client-side apply and a server-side apply manager made, not the one an
// owner made; each with its identity and its name.
func TestAccDaemonSetList_query(t *testing.T) {
	ns, unowned := fleet(t)
	checks := []querycheck.QueryResultCheck{querycheck.ExpectLength("k8sfleet_daemonset.all", 3)}
	for _, name := range unowned {
		identity := map[string]knownvalue.Check{"namespace": knownvalue.StringExact(ns), "name": knownvalue.StringExact(name)}
		checks = append(checks, querycheck.ExpectIdentity("k8sfleet_daemonset.all", identity),
			querycheck.ExpectResourceDisplayName("k8sfleet_daemonset.all", queryfilter.ByResourceIdentity(identity),
				knownvalue.StringExact(ns+"/"+name)))
	}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   queryAvailable,
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			// The query step keeps the .tf file of the step before, with the provider block that
			// makes init install the provider.
			{Config: "provider \"k8sfleet\" {}\ndata \"k8sfleet_nodes\" \"all\" {}\n"},
			{
				Query:             true,
				Config:            listBlock(ns),
				QueryResultChecks: checks,
			},
		},
	})
}

// TestAccDaemonSetList_generatedConfigAdopts: `terraform query -generate-config-out` writes
// resource and import blocks that plan as three imports with no change, apply with no write
// (generation, resourceVersion and ControllerRevisions unchanged) and plan empty after.
func TestAccDaemonSetList_generatedConfigAdopts(t *testing.T) {
	acctest.SkipUnlessAcc(t)
	cli := acctest.NewCLI(t, os.Getenv("KUBE_CONFIG_PATH"))
	if out, _ := cli.Run(context.Background(), "version"); !regexp.MustCompile(`Terraform v1\.(1[4-9]|[2-9][0-9])\.`).MatchString(out) {
		t.Skipf("terraform query needs Terraform 1.14 or later: %s", strings.SplitN(out, "\n", 2)[0])
	}
	ns, unowned := fleet(t)
	c := acctest.Cluster(t).Client
	ctx := context.Background()
	before := map[string]*appsv1.DaemonSet{}
	revisions := map[string]int{}
	for _, name := range unowned {
		before[name] = settle(t, c, ns, name)
		revisions[name] = revisionCount(t, c, ns, name)
	}
	cli.Write(t, "provider \"k8sfleet\" {}\n")
	if err := os.WriteFile(filepath.Join(cli.Dir, "adopt.tfquery.hcl"), []byte(listBlock(ns)), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := cli.Run(ctx, "query", "-no-color", "-generate-config-out=adopt.tf"); err != nil {
		t.Fatalf("terraform query: %v\n%s", err, out)
	}
	generated, err := os.ReadFile(filepath.Join(cli.Dir, "adopt.tf"))
	if err != nil {
		t.Fatal(err)
	}
	measureShipper(t, string(generated))
	out, err := cli.Run(ctx, "plan")
	if err != nil || !strings.Contains(out, "3 to import, 0 to add, 0 to change, 0 to destroy") {
		t.Fatalf("plan of the generated configuration: %v\n%s\n%s", err, out, generated)
	}
	if out, err := cli.Run(ctx, "apply", "-auto-approve"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	for _, name := range unowned {
		after, err := c.AppsV1().DaemonSets(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if after.Generation != before[name].Generation || after.ResourceVersion != before[name].ResourceVersion ||
			revisionCount(t, c, ns, name) != revisions[name] {
			t.Errorf("%s written by the adopting apply: generation %d -> %d, resourceVersion %s -> %s",
				name, before[name].Generation, after.Generation, before[name].ResourceVersion, after.ResourceVersion)
		}
	}
	if out, err := cli.Run(ctx, "plan", "-detailed-exitcode"); err != nil {
		t.Errorf("plan after adoption is not empty: %v\n%s", err, out)
	}
}

// measureShipper logs the size of the block generated for the 96-line log shipper manifest.
func measureShipper(t *testing.T, generated string) {
	t.Helper()
	blocks := strings.Split(generated, "\nresource ")
	for _, b := range blocks {
		if i := strings.Index(b, "\nimport {"); i >= 0 {
			b = b[:i]
		}
		if strings.Contains(b, `"log-shipper"`) {
			t.Logf("terraform query -generate-config-out: %d lines (%d of them `= null`) for the 96-line log shipper manifest; %d lines in all for 3 DaemonSets",
				strings.Count(b, "\n")+1, strings.Count(b, "= null"), strings.Count(generated, "\n"))
			return
		}
	}
	t.Logf("terraform query -generate-config-out: %d lines for 3 DaemonSets", strings.Count(generated, "\n"))
}

func revisionCount(t *testing.T, c kubernetes.Interface, ns, name string) int {
	t.Helper()
	list, err := c.AppsV1().ControllerRevisions(ns).List(context.Background(), metav1.ListOptions{LabelSelector: "app.kubernetes.io/name=" + name})
	if err != nil {
		t.Fatal(err)
	}
	return len(list.Items)
}
