package provider

import (
	"debug/buildinfo"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kube"
)

// opentofuModule is the module OpenTofu's tofu command is built from.
const opentofuModule = "github.com/opentofu/opentofu"

// userAgent is what cluster operators see in audit logs:
// terraform-provider-k8sfleet/<version> Terraform/<version>, or OpenTofu/<version> under OpenTofu.
func userAgent(providerVersion, terraformVersion string) string {
	product, version := "Terraform", terraformVersion
	if v, ok := openTofuVersion(parentExecutable()); ok {
		product, version = "OpenTofu", v
	}
	if version == "" {
		version = "unknown"
	}
	return fmt.Sprintf("%s/%s %s/%s", kube.DefaultUserAgent, providerVersion, product, version)
}

// parentExecutable is the binary of the process that started the provider: terraform or
// tofu, unless the provider was started on its own (debug mode, in-process tests).
func parentExecutable() string {
	if runtime.GOOS != "linux" {
		return ""
	}
	exe, err := os.Readlink(filepath.Join("/proc", fmt.Sprint(os.Getppid()), "exe"))
	if err != nil {
		return ""
	}
	return exe
}

// openTofuVersion reports whether exe is OpenTofu, and its version. OpenTofu sends providers
// a Terraform version it impersonates (1.13.0 from OpenTofu 1.12), never its own, and
// nothing else in the protocol names it; the Go build information in its binary does, under
// any file name.
func openTofuVersion(exe string) (string, bool) {
	if exe == "" {
		return "", false
	}
	info, err := buildinfo.ReadFile(exe)
	if err != nil {
		return "", false
	}
	version, found := "", info.Main.Path == opentofuModule
	if found {
		version = info.Main.Version
	}
	for _, dep := range info.Deps {
		if dep.Path == opentofuModule {
			version, found = dep.Version, true
		}
	}
	if !found {
		return "", false
	}
	if version == "" || version == "(devel)" {
		return "unknown", true
	}
	return strings.TrimPrefix(version, "v"), true
}
