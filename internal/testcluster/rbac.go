package testcluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	authnv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"k8s.io/utils/ptr"
)

// ReadClusterRole reads the first ClusterRole of a multi-document YAML file.
func ReadClusterRole(path string) (*rbacv1.ClusterRole, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(raw), 4096)
	for {
		var role rbacv1.ClusterRole
		if err := dec.Decode(&role); err != nil {
			if errors.Is(err, io.EOF) {
				return nil, fmt.Errorf("%s holds no ClusterRole", path)
			}
			return nil, err
		}
		if role.Kind == "ClusterRole" {
			return &role, nil
		}
	}
}

// RestrictedKubeconfig creates a ServiceAccount bound only to role and writes a kubeconfig
// that authenticates with its token; it returns the kubeconfig's path.
func (c *Cluster) RestrictedKubeconfig(ctx context.Context, account string, role *rbacv1.ClusterRole) (string, error) {
	const ns = "kube-system"
	role = role.DeepCopy()
	role.Name, role.ResourceVersion = account, ""
	rbac := c.Client.RbacV1()
	if err := ignoreExists(rbac.ClusterRoles().Create(ctx, role, metav1.CreateOptions{})); err != nil {
		return "", err
	}
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: account, Namespace: ns}}
	if err := ignoreExists(c.Client.CoreV1().ServiceAccounts(ns).Create(ctx, sa, metav1.CreateOptions{})); err != nil {
		return "", err
	}
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: account},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: account},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: account, Namespace: ns}},
	}
	if err := ignoreExists(rbac.ClusterRoleBindings().Create(ctx, binding, metav1.CreateOptions{})); err != nil {
		return "", err
	}
	tok, err := c.Client.CoreV1().ServiceAccounts(ns).CreateToken(ctx, account, &authnv1.TokenRequest{
		Spec: authnv1.TokenRequestSpec{ExpirationSeconds: ptr.To[int64](24 * 3600)},
	}, metav1.CreateOptions{})
	if err != nil {
		return "", fmt.Errorf("token for %s: %w", account, err)
	}
	admin, err := clientcmd.LoadFromFile(c.Kubeconfig)
	if err != nil {
		return "", err
	}
	current := admin.Contexts[admin.CurrentContext]
	if current == nil {
		return "", fmt.Errorf("%s has no current context", c.Kubeconfig)
	}
	cluster := admin.Clusters[current.Cluster]
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["local"] = cluster
	cfg.AuthInfos[account] = &clientcmdapi.AuthInfo{Token: tok.Status.Token}
	cfg.Contexts[account] = &clientcmdapi.Context{Cluster: "local", AuthInfo: account}
	cfg.CurrentContext = account
	path := filepath.Join(filepath.Dir(c.Kubeconfig), account+".kubeconfig.yaml")
	return path, clientcmd.WriteToFile(*cfg, path)
}

func ignoreExists[T any](_ T, err error) error {
	if apierrors.IsAlreadyExists(err) {
		return nil
	}
	return err
}
