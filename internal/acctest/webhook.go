package acctest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// NodeWrite is one update of a node that the API server asks the webhook about.
type NodeWrite struct {
	Node *corev1.Node
	// Provider is true when the provider's ServiceAccount writes.
	Provider bool
	DryRun   bool
}

// NodeWebhook registers a validating admission webhook for node updates, served by this test
// process, so that a test can make the real API server refuse, delay or race a write on
// chosen nodes. decide returns "" to allow the write, else the reason it is refused; it may
// block (up to the webhook's 30 s timeout). The webhook is removed when the test ends.
func NodeWebhook(t *testing.T, decide func(NodeWrite) string) {
	t.Helper()
	c := Cluster(t)
	certPEM, serving := selfSigned(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var probes atomic.Int32
	srv := &http.Server{
		ReadHeaderTimeout: 10 * time.Second,
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{serving}, MinVersion: tls.VersionTLS12},
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var review admissionv1.AdmissionReview
			if err := json.NewDecoder(r.Body).Decode(&review); err != nil || review.Request == nil {
				http.Error(w, "bad review", http.StatusBadRequest)
				return
			}
			req := review.Request
			var node corev1.Node
			_ = json.Unmarshal(req.Object.Raw, &node)
			write := NodeWrite{Node: &node, Provider: strings.Contains(req.UserInfo.Username, "k8sfleet-provider"), DryRun: ptr.Deref(req.DryRun, false)}
			reason := ""
			if write.DryRun && node.Labels["k8sfleet-webhook-probe"] != "" {
				probes.Add(1)
			} else {
				reason = decide(write)
			}
			resp := &admissionv1.AdmissionResponse{UID: req.UID, Allowed: reason == ""}
			if reason != "" {
				resp.Result = &metav1.Status{Message: reason, Code: http.StatusForbidden}
			}
			review.Response, review.Request = resp, nil
			_ = json.NewEncoder(w).Encode(review)
		}),
	}
	go func() { _ = srv.ServeTLS(l, "", "") }()
	name := RandomName("k8sfleet-test-nodes")
	url := "https://" + l.Addr().String() + "/"
	cfg := &admissionregistrationv1.ValidatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Webhooks: []admissionregistrationv1.ValidatingWebhook{{
			Name:         "nodes.test.k8sfleet.io",
			ClientConfig: admissionregistrationv1.WebhookClientConfig{URL: &url, CABundle: certPEM},
			Rules: []admissionregistrationv1.RuleWithOperations{{
				Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Update},
				Rule: admissionregistrationv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"nodes"},
					Scope: ptr.To(admissionregistrationv1.ClusterScope)},
			}},
			// Ignore: a test that ends early must not leave the cluster refusing node writes.
			FailurePolicy:           ptr.To(admissionregistrationv1.Ignore),
			SideEffects:             ptr.To(admissionregistrationv1.SideEffectClassNone),
			AdmissionReviewVersions: []string{"v1"},
			TimeoutSeconds:          ptr.To[int32](30),
		}},
	}
	hooks := c.Client.AdmissionregistrationV1().ValidatingWebhookConfigurations()
	if _, err := hooks.Create(context.Background(), cfg, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = hooks.Delete(context.Background(), name, metav1.DeleteOptions{})
		_ = srv.Close()
	})
	// The API server picks the configuration up a moment later: wait until it calls us.
	deadline := time.Now().Add(30 * time.Second)
	for probes.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the node webhook was never called")
		}
		patch := []byte(`{"metadata":{"labels":{"k8sfleet-webhook-probe":"1"}}}`)
		_, _ = c.Client.CoreV1().Nodes().Patch(context.Background(), "k8s-01", "application/merge-patch+json", patch,
			metav1.PatchOptions{DryRun: []string{metav1.DryRunAll}})
		time.Sleep(200 * time.Millisecond)
	}
}

// selfSigned makes a certificate for 127.0.0.1 that is its own CA.
func selfSigned(t *testing.T) ([]byte, tls.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "k8sfleet-test-webhook"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	pair, err := tls.X509KeyPair(certPEM, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}))
	if err != nil {
		t.Fatal(fmt.Errorf("key pair: %w", err))
	}
	return certPEM, pair
}
