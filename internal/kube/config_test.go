package kube

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/rest"
)

const kubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: one
  cluster: {server: "https://one.example:6443", insecure-skip-tls-verify: true}
- name: two
  cluster: {server: "https://two.example:6443", insecure-skip-tls-verify: true}
users:
- name: alice
  user: {token: alice-token}
- name: bob
  user: {token: bob-token}
contexts:
- name: first
  context: {cluster: one, user: alice}
- name: second
  context: {cluster: two, user: bob}
current-context: first
`

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func base() Settings {
	return Settings{QPS: DefaultQPS, Burst: DefaultBurst, RequestTimeout: DefaultRequestTimeout}
}

func noInCluster() (*rest.Config, error) { return nil, errors.New("not in a pod") }

func TestRESTConfig_kubeconfigAndContexts(t *testing.T) {
	path := writeFile(t, "config", kubeconfig)
	cases := []struct {
		name        string
		mutate      func(*Settings)
		host, token string
	}{
		{"current context", func(s *Settings) { s.ConfigPath = path }, "https://one.example:6443", "alice-token"},
		{"config_context", func(s *Settings) { s.ConfigPath = path; s.ConfigContext = "second" }, "https://two.example:6443", "bob-token"},
		{"auth info override", func(s *Settings) { s.ConfigPath = path; s.ConfigContextAuthInfo = "bob" }, "https://one.example:6443", "bob-token"},
		{"cluster override", func(s *Settings) { s.ConfigPath = path; s.ConfigContextCluster = "two" }, "https://two.example:6443", "alice-token"},
		{"config_paths", func(s *Settings) { s.ConfigPaths = []string{path} }, "https://one.example:6443", "alice-token"},
		{"host and token override", func(s *Settings) { s.ConfigPath = path; s.Host = "https://x:1"; s.Token = "t" }, "https://x:1", "t"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := base()
			tc.mutate(&s)
			cfg, err := s.RESTConfig(noInCluster)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Host != tc.host || cfg.BearerToken != tc.token {
				t.Fatalf("host %q token %q, want %q %q", cfg.Host, cfg.BearerToken, tc.host, tc.token)
			}
			if cfg.QPS != DefaultQPS || cfg.Burst != DefaultBurst || cfg.Timeout != DefaultRequestTimeout {
				t.Fatalf("limits qps=%v burst=%d timeout=%s", cfg.QPS, cfg.Burst, cfg.Timeout)
			}
		})
	}
}

func TestRESTConfig_errors(t *testing.T) {
	bad := writeFile(t, "bad", "this: [is not a kubeconfig")
	noPEM := writeFile(t, "nopem", "hello")
	cases := []struct {
		name   string
		mutate func(*Settings)
		want   string
	}{
		{"nothing set", func(*Settings) {}, "no cluster configured"},
		{"missing kubeconfig", func(s *Settings) { s.ConfigPath = "/nonexistent/kubeconfig" }, "config_path: cannot read kubeconfig /nonexistent/kubeconfig"},
		{"malformed kubeconfig", func(s *Settings) { s.ConfigPath = bad }, "config_path: invalid kubeconfig"},
		{"unknown context", func(s *Settings) { s.ConfigPath = writeFile(t, "c", kubeconfig); s.ConfigContext = "nope" }, `context "nope" does not exist`},
		{"unreadable CA", func(s *Settings) { s.Host = "https://h"; s.ClusterCACertificate = "/nonexistent/ca.pem" }, "cluster_ca_certificate: not PEM data and not a readable file"},
		{"file without PEM", func(s *Settings) { s.Host = "https://h"; s.ClientCertificate = noPEM; s.ClientKey = noPEM }, "client_certificate: file " + noPEM + " holds no PEM data"},
		{"cert without key", func(s *Settings) {
			s.Host = "https://h"
			s.ClientCertificate = "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----"
		}, "client_certificate and client_key: both must be set"},
		{"bad proxy", func(s *Settings) { s.Host = "https://h"; s.ProxyURL = "not a url" }, "proxy_url:"},
		{"ftp proxy", func(s *Settings) { s.Host = "https://h"; s.ProxyURL = "ftp://p:21" }, `scheme "ftp" is not supported`},
		{"qps", func(s *Settings) { s.Host = "https://h"; s.QPS = 0 }, "qps: must be greater than 0"},
		{"burst", func(s *Settings) { s.Host = "https://h"; s.Burst = 0 }, "burst: must be at least 1"},
		{"timeout", func(s *Settings) { s.Host = "https://h"; s.RequestTimeout = -time.Second }, "request_timeout: must be a positive duration"},
		{"exec without command", func(s *Settings) {
			s.Host = "https://h"
			s.Exec = &ExecSettings{APIVersion: "client.authentication.k8s.io/v1"}
		}, "exec.command: must be set"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := base()
			tc.mutate(&s)
			_, err := s.RESTConfig(noInCluster)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestRESTConfig_neverReadsHomeKubeconfig(t *testing.T) {
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, ".kube"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".kube", "config"), []byte(kubeconfig), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	t.Setenv("KUBECONFIG", filepath.Join(home, ".kube", "config"))
	s := base()
	if _, err := s.RESTConfig(noInCluster); !errors.Is(err, ErrNoConfiguration) {
		t.Fatalf("got %v, want ErrNoConfiguration", err)
	}
}

func TestRESTConfig_inCluster(t *testing.T) {
	s := base()
	cfg, err := s.RESTConfig(func() (*rest.Config, error) { return &rest.Config{Host: "https://10.0.0.1:443"}, nil })
	if err != nil || cfg.Host != "https://10.0.0.1:443" {
		t.Fatalf("cfg %v err %v", cfg, err)
	}
}

func TestRESTConfig_exec(t *testing.T) {
	s := base()
	s.Host = "https://h"
	s.Token = "ignored"
	s.Exec = &ExecSettings{APIVersion: "client.authentication.k8s.io/v1", Command: "aws", Args: []string{"eks", "get-token"}, Env: map[string]string{"AWS_PROFILE": "prod"}}
	cfg, err := s.RESTConfig(noInCluster)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ExecProvider == nil || cfg.ExecProvider.Command != "aws" || len(cfg.ExecProvider.Env) != 1 || cfg.BearerToken != "" {
		t.Fatalf("exec provider %+v token %q", cfg.ExecProvider, cfg.BearerToken)
	}
}

func TestApplyEnv(t *testing.T) {
	env := map[string]string{
		"KUBE_CONFIG_PATHS": "/a" + string(os.PathListSeparator) + "/b",
		"KUBE_CTX":          "ctx",
		"KUBE_HOST":         "https://env:6443",
		"KUBE_TOKEN":        "env-token",
		"KUBE_INSECURE":     "true",
	}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	s := Settings{Host: "https://explicit"}
	if err := s.ApplyEnv(lookup); err != nil {
		t.Fatal(err)
	}
	if s.Host != "https://explicit" || s.Token != "env-token" || s.ConfigContext != "ctx" || !s.Insecure ||
		len(s.ConfigPaths) != 2 || s.ConfigPaths[1] != "/b" {
		t.Fatalf("settings after env: %+v", s)
	}
	env["KUBE_INSECURE"] = "maybe"
	if err := (&Settings{}).ApplyEnv(lookup); err == nil || !strings.Contains(err.Error(), "KUBE_INSECURE") {
		t.Fatalf("bad KUBE_INSECURE: %v", err)
	}
}
