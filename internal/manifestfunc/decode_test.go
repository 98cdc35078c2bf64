package manifestfunc

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParseText_shapes(t *testing.T) {
	files, err := filepath.Glob("testdata/shapes/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no shapes: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			ds, err := ParseText(readTestdata(t, "shapes/"+filepath.Base(f)))
			if err != nil {
				t.Fatal(err)
			}
			if want := strings.TrimSuffix(filepath.Base(f), ".yaml"); ds.Name != want {
				t.Errorf("name %q, want %q", ds.Name, want)
			}
			if len(ds.Spec.Template.Spec.Containers) == 0 {
				t.Error("no containers")
			}
		})
	}
}

// YAML as Kubernetes reads it: 0444 is octal, and the DaemonSet of a multi-document file.
func TestParseText_octalModeAndDocuments(t *testing.T) {
	ds, err := ParseText(readTestdata(t, "shapes/log-shipper.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range ds.Spec.Template.Spec.Volumes {
		if v.ConfigMap != nil {
			if got := *v.ConfigMap.DefaultMode; got != 0o444 {
				t.Errorf("defaultMode %d, want %d (octal 0444)", got, 0o444)
			}
			return
		}
	}
	t.Fatal("no configMap volume")
}

func TestParseText_kubectlGetOutput(t *testing.T) {
	ds, err := ParseText(readTestdata(t, "kubectl-get.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if ds.UID != "" || ds.ResourceVersion != "" || ds.Generation != 0 || !ds.CreationTimestamp.IsZero() || len(ds.ManagedFields) != 0 {
		t.Errorf("server-set metadata kept: %+v", ds.ObjectMeta)
	}
	if len(ds.Annotations) != 1 || ds.Annotations["team"] != "platform" {
		t.Errorf("annotations %v, want only team", ds.Annotations)
	}
	if ds.Status.DesiredNumberScheduled != 0 {
		t.Errorf("status kept: %+v", ds.Status)
	}
}

func TestParseText_errors(t *testing.T) {
	const base = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector: {matchLabels: {name: agent}}
  template:
    metadata: {labels: {name: agent}}
    spec:
      containers:
        - name: agent
          image: agent:v1
`
	cases := []struct {
		name, text, want string
	}{
		{"unknown field", base + "          imagePullPolicyy: Always\n",
			"spec.template.spec.containers[0].imagePullPolicyy: unknown field"},
		{"wrong type", base + "      hostNetwork: \"yes\"\n",
			`spec.template.spec.hostNetwork: expected a boolean, got the string "yes"`},
		{"integer out of range", base + "      terminationGracePeriodSeconds: 1.5\n",
			"spec.template.spec.terminationGracePeriodSeconds: 1.5 is not an integer of 64 bits"},
		{"quantity", base + "          resources: {limits: {cpu: lots}}\n",
			`spec.template.spec.containers[0].resources.limits["cpu"]: "lots" is not a quantity`},
		{"status", base + "status:\n  numberReady: 3\n", "status: the API server sets the status"},
		{"wrong kind", strings.Replace(base, "kind: DaemonSet", "kind: Deployment", 1),
			`kind: is "Deployment"; the function reads a DaemonSet`},
		{"wrong apiVersion", strings.Replace(base, "apps/v1", "extensions/v1beta1", 1),
			`apiVersion: is "extensions/v1beta1"; a DaemonSet manifest has apiVersion apps/v1`},
		{"no name", strings.Replace(base, "name: agent\nspec", "labels: {a: b}\nspec", 1), "metadata.name: required"},
		{"owner references", strings.Replace(base, "name: agent\nspec", "name: agent\n  ownerReferences: []\nspec", 1),
			"metadata.ownerReferences: k8sfleet_daemonset does not manage this field"},
		{"two DaemonSets", base + "---\n" + base, "the manifest holds 2 DaemonSets (agent, agent)"},
		{"no DaemonSet", "apiVersion: v1\nkind: ConfigMap\n---\napiVersion: v1\nkind: Service\n",
			"no document of kind DaemonSet (kinds found: ConfigMap, Service)"},
		{"duplicate key", base + "      hostPID: true\n      hostPID: false\n", "is not valid YAML"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseText(tc.text)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

// A manifest created by `kubectl create --dry-run=client -o yaml` has zero status counters.
func TestParseText_zeroStatus(t *testing.T) {
	text := readTestdata(t, "shapes/gpu-device-plugin.yaml") +
		"status:\n  currentNumberScheduled: 0\n  desiredNumberScheduled: 0\n  numberMisscheduled: 0\n  numberReady: 0\n"
	if _, err := ParseText(text); err != nil {
		t.Fatal(err)
	}
}
