// Package kube builds the Kubernetes client from the provider configuration and holds what
// every resource shares in one provider process: the typed clientset, the request counter
// and the node cache.
package kube

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Settings is the provider configuration after environment fallbacks, in plain Go.
type Settings struct {
	ConfigPath            string
	ConfigPaths           []string
	ConfigContext         string
	ConfigContextAuthInfo string
	ConfigContextCluster  string
	Host                  string
	Token                 string
	ClientCertificate     string
	ClientKey             string
	ClusterCACertificate  string
	Insecure              bool
	TLSServerName         string
	ProxyURL              string
	Exec                  *ExecSettings
	QPS                   float64
	Burst                 int
	RequestTimeout        time.Duration
	// UserAgent is sent with every request; DefaultUserAgent when empty.
	UserAgent string
}

// ExecSettings runs a credential plugin, as in a kubeconfig's user.exec.
type ExecSettings struct {
	APIVersion string
	Command    string
	Args       []string
	Env        map[string]string
}

// Defaults for the client rate limiter and request timeout.
const (
	DefaultQPS            = 50
	DefaultBurst          = 100
	DefaultRequestTimeout = 30 * time.Second
	DefaultUserAgent      = "terraform-provider-k8sfleet"
)

// ErrNoConfiguration is returned when nothing points the provider at a cluster.
var ErrNoConfiguration = errors.New("no cluster configured: set config_path (or KUBE_CONFIG_PATH), " +
	"config_paths, or host with credentials in the provider block; ~/.kube/config is not read implicitly, " +
	"so that a plan never runs against a cluster by accident")

// EnvLookup reads an environment variable; tests replace it.
type EnvLookup func(string) (string, bool)

// ApplyEnv fills every unset setting from its KUBE_* environment variable, as the
// hashicorp/kubernetes provider does.
func (s *Settings) ApplyEnv(lookup EnvLookup) error {
	str := func(dst *string, name string) {
		if *dst == "" {
			if v, ok := lookup(name); ok {
				*dst = v
			}
		}
	}
	str(&s.ConfigPath, "KUBE_CONFIG_PATH")
	if len(s.ConfigPaths) == 0 {
		if v, ok := lookup("KUBE_CONFIG_PATHS"); ok && v != "" {
			s.ConfigPaths = filepath.SplitList(v)
		}
	}
	str(&s.ConfigContext, "KUBE_CTX")
	str(&s.ConfigContextAuthInfo, "KUBE_CTX_AUTH_INFO")
	str(&s.ConfigContextCluster, "KUBE_CTX_CLUSTER")
	str(&s.Host, "KUBE_HOST")
	str(&s.Token, "KUBE_TOKEN")
	str(&s.ClientCertificate, "KUBE_CLIENT_CERT_DATA")
	str(&s.ClientKey, "KUBE_CLIENT_KEY_DATA")
	str(&s.ClusterCACertificate, "KUBE_CLUSTER_CA_CERT_DATA")
	str(&s.TLSServerName, "KUBE_TLS_SERVER_NAME")
	str(&s.ProxyURL, "KUBE_PROXY_URL")
	if !s.Insecure {
		if v, ok := lookup("KUBE_INSECURE"); ok && v != "" {
			b, err := parseBool(v)
			if err != nil {
				return fmt.Errorf("KUBE_INSECURE: %w", err)
			}
			s.Insecure = b
		}
	}
	return nil
}

func parseBool(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "1", "true", "yes":
		return true, nil
	case "0", "false", "no":
		return false, nil
	}
	return false, fmt.Errorf("%q is not a boolean (use true or false)", v)
}

// InCluster reports whether the process runs in a pod with a service account.
type InCluster func() (*rest.Config, error)

// RESTConfig turns the settings into a client configuration. It reads kubeconfig and
// certificate files but never contacts the cluster.
func (s *Settings) RESTConfig(inCluster InCluster) (*rest.Config, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	var cfg *rest.Config
	var err error
	switch {
	case s.ConfigPath != "" || len(s.ConfigPaths) > 0:
		cfg, err = s.fromKubeconfig()
	case s.Host != "":
		cfg, err = s.fromAttributes()
	default:
		if inCluster == nil {
			return nil, ErrNoConfiguration
		}
		cfg, err = inCluster()
		if err != nil {
			return nil, ErrNoConfiguration
		}
	}
	if err != nil {
		return nil, err
	}
	cfg.QPS = float32(s.QPS)
	cfg.Burst = s.Burst
	cfg.Timeout = s.RequestTimeout
	cfg.UserAgent = s.UserAgent
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	return cfg, nil
}

func (s *Settings) validate() error {
	if s.QPS <= 0 {
		return fmt.Errorf("qps: must be greater than 0, got %v", s.QPS)
	}
	if s.Burst < 1 {
		return fmt.Errorf("burst: must be at least 1, got %d", s.Burst)
	}
	if s.RequestTimeout <= 0 {
		return fmt.Errorf("request_timeout: must be a positive duration, got %s", s.RequestTimeout)
	}
	if s.Exec != nil && s.Exec.Command == "" {
		return errors.New("exec.command: must be set when an exec block is given")
	}
	if s.Exec != nil && s.Exec.APIVersion == "" {
		return errors.New("exec.api_version: must be set when an exec block is given (e.g. client.authentication.k8s.io/v1)")
	}
	return nil
}

func (s *Settings) fromKubeconfig() (*rest.Config, error) {
	rules := &clientcmd.ClientConfigLoadingRules{}
	paths := s.ConfigPaths
	attr := "config_paths"
	if s.ConfigPath != "" {
		paths = append([]string{s.ConfigPath}, paths...)
		attr = "config_path"
	}
	for _, p := range paths {
		expanded, err := expandHome(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", attr, err)
		}
		if _, err := os.Stat(expanded); err != nil {
			return nil, fmt.Errorf("%s: cannot read kubeconfig %s: %w", attr, expanded, err)
		}
		rules.Precedence = append(rules.Precedence, expanded)
	}
	overrides := &clientcmd.ConfigOverrides{
		CurrentContext: s.ConfigContext,
		Context: clientcmdapi.Context{
			AuthInfo: s.ConfigContextAuthInfo,
			Cluster:  s.ConfigContextCluster,
		},
	}
	if s.Host != "" {
		overrides.ClusterInfo.Server = s.Host
	}
	if s.Token != "" {
		overrides.AuthInfo.Token = s.Token
	}
	if s.Insecure {
		overrides.ClusterInfo.InsecureSkipTLSVerify = true
	}
	if s.TLSServerName != "" {
		overrides.ClusterInfo.TLSServerName = s.TLSServerName
	}
	if s.ClusterCACertificate != "" {
		ca, err := pemOrFile("cluster_ca_certificate", s.ClusterCACertificate)
		if err != nil {
			return nil, err
		}
		overrides.ClusterInfo.CertificateAuthorityData = ca
	}
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, overrides).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("%s: invalid kubeconfig %s: %w", attr, strings.Join(rules.Precedence, ", "), err)
	}
	if err := s.applyCredentials(cfg); err != nil {
		return nil, err
	}
	return cfg, nil
}

func (s *Settings) fromAttributes() (*rest.Config, error) {
	cfg := &rest.Config{Host: s.Host, BearerToken: s.Token}
	cfg.TLSClientConfig.Insecure = s.Insecure
	cfg.TLSClientConfig.ServerName = s.TLSServerName
	if s.ClusterCACertificate != "" {
		ca, err := pemOrFile("cluster_ca_certificate", s.ClusterCACertificate)
		if err != nil {
			return nil, err
		}
		cfg.TLSClientConfig.CAData = ca
	}
	if err := s.applyCredentials(cfg); err != nil {
		return nil, err
	}
	if err := rest.LoadTLSFiles(cfg); err != nil {
		return nil, fmt.Errorf("host: %w", err)
	}
	return cfg, nil
}

// applyCredentials adds what the attributes give on top of a kubeconfig or host.
func (s *Settings) applyCredentials(cfg *rest.Config) error {
	if s.ClientCertificate != "" {
		cert, err := pemOrFile("client_certificate", s.ClientCertificate)
		if err != nil {
			return err
		}
		cfg.TLSClientConfig.CertData, cfg.TLSClientConfig.CertFile = cert, ""
	}
	if s.ClientKey != "" {
		key, err := pemOrFile("client_key", s.ClientKey)
		if err != nil {
			return err
		}
		cfg.TLSClientConfig.KeyData, cfg.TLSClientConfig.KeyFile = key, ""
	}
	if (len(cfg.TLSClientConfig.CertData) > 0) != (len(cfg.TLSClientConfig.KeyData) > 0) && cfg.CertFile == "" && cfg.KeyFile == "" {
		return errors.New("client_certificate and client_key: both must be set for client certificate authentication")
	}
	if s.ProxyURL != "" {
		u, err := parseProxyURL(s.ProxyURL)
		if err != nil {
			return err
		}
		cfg.Proxy = u
	}
	if s.Exec != nil {
		env := make([]clientcmdapi.ExecEnvVar, 0, len(s.Exec.Env))
		for k, v := range s.Exec.Env {
			env = append(env, clientcmdapi.ExecEnvVar{Name: k, Value: v})
		}
		cfg.ExecProvider = &clientcmdapi.ExecConfig{
			APIVersion:      s.Exec.APIVersion,
			Command:         s.Exec.Command,
			Args:            s.Exec.Args,
			Env:             env,
			InteractiveMode: clientcmdapi.NeverExecInteractiveMode,
		}
		cfg.BearerToken, cfg.BearerTokenFile = "", ""
	}
	return nil
}

// pemOrFile accepts PEM content or, as a convenience, a path to a PEM file.
func pemOrFile(attr, v string) ([]byte, error) {
	if strings.Contains(v, "-----BEGIN") {
		return []byte(v), nil
	}
	path, err := expandHome(v)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", attr, err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: not PEM data and not a readable file: %w", attr, err)
	}
	if !strings.Contains(string(b), "-----BEGIN") {
		return nil, fmt.Errorf("%s: file %s holds no PEM data", attr, path)
	}
	return b, nil
}

func expandHome(p string) (string, error) {
	if p == "~" || strings.HasPrefix(p, "~/") {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("cannot expand ~ in %s: %w", p, err)
		}
		return filepath.Join(home, strings.TrimPrefix(p, "~")), nil
	}
	return p, nil
}
