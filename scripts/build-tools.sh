#!/usr/bin/env bash
# Builds the local control plane (kube-apiserver, kube-controller-manager, kube-scheduler, etcd),
# kwok/kwokctl and, when none is on PATH, terraform into a cache outside the clone.
# The developer tools (tfplugindocs, golangci-lint, tofu, goreleaser, actionlint) are built on
# demand into the same cache from their pinned modules under tools/, and terraform 1.5.7 for
# make test's version matrix from the module proxy.
# Prints nothing but progress; safe to run again: cached binaries are kept.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/env.sh"

mkdir -p "$K8SFLEET_BIN"
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"

build_control_plane() {
  local ver_pkg=k8s.io/component-base/version
  local ldflags="-s -w -X ${ver_pkg}.gitVersion=v${KUBE_VERSION} -X ${ver_pkg}.gitMajor=${KUBE_VERSION%%.*}"
  local minor=${KUBE_VERSION#*.}; minor=${minor%%.*}
  ldflags="$ldflags -X ${ver_pkg}.gitMinor=${minor} -X ${ver_pkg}.gitTreeState=clean"
  cd "$root/tools/cluster"
  for cmd in kube-apiserver kube-controller-manager kube-scheduler; do
    if [ ! -x "$K8SFLEET_BIN/$cmd" ]; then
      echo "building $cmd v$KUBE_VERSION (cold: several minutes)" >&2
      go build -trimpath -ldflags "$ldflags" -o "$K8SFLEET_BIN/$cmd.tmp" "k8s.io/kubernetes/cmd/$cmd"
      mv "$K8SFLEET_BIN/$cmd.tmp" "$K8SFLEET_BIN/$cmd"
    fi
  done
  if [ ! -x "$K8SFLEET_BIN/etcd" ]; then
    echo "building etcd" >&2
    go build -trimpath -ldflags "-s -w" -o "$K8SFLEET_BIN/etcd.tmp" ./cmd/etcd
    mv "$K8SFLEET_BIN/etcd.tmp" "$K8SFLEET_BIN/etcd"
  fi
}

build_kwok() {
  for cmd in kwok kwokctl; do
    if [ ! -x "$K8SFLEET_BIN/$cmd" ]; then
      echo "building $cmd $KWOK_VERSION" >&2
      GOBIN="$K8SFLEET_BIN" go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/$cmd@$KWOK_VERSION"
    fi
  done
}

build_terraform() {
  # The GNUmakefile always sets TF_ACC_TERRAFORM_PATH, to the cache path when nothing else is
  # found: only an executable one counts.
  if [ -x "${TF_ACC_TERRAFORM_PATH:-}" ] || command -v terraform >/dev/null 2>&1; then
    return
  fi
  build_terraform_pinned
  ln -sf "terraform-${TERRAFORM_VERSION#v}" "$K8SFLEET_BIN/terraform"
}

# build_terraform_pinned builds terraform $TERRAFORM_VERSION under its own name, for the
# version matrix of make test. Later releases do not build from the module proxy: their
# go.mod has replace directives, which go install refuses.
build_terraform_pinned() {
  local name="terraform-${TERRAFORM_VERSION#v}" tmp start
  if [ -x "$K8SFLEET_BIN/$name" ]; then
    return
  fi
  start=$(date +%s)
  echo "building terraform $TERRAFORM_VERSION (cold: several minutes)" >&2
  tmp=$(mktemp -d "$K8SFLEET_BIN/.terraform.XXXXXX")
  GOBIN="$tmp" go install -trimpath -ldflags "-s -w" "github.com/hashicorp/terraform@$TERRAFORM_VERSION"
  mv "$tmp/terraform" "$K8SFLEET_BIN/$name"
  rmdir "$tmp"
  echo "built $name in $(( $(date +%s) - start ))s" >&2
}

# unpack_terraform_new unpacks the newer Terraform of make test's version matrix (1.12+ for
# resource identity, 1.14+ for list resources and actions) from ../shared/terraform beside the
# repository into the cache, and checks its sha256 (the README there gives it). No release
# after 1.5.7 builds from the module proxy, so without that file the step skips.
TERRAFORM_NEW_VERSION=1.15.9
TERRAFORM_NEW_SHA256=cbd5d8ae8c46b1e12465df3ff95293492b494416b892c77fcbca068ff1e5d986
unpack_terraform_new() {
  local name="terraform-$TERRAFORM_NEW_VERSION"
  local src="$root/../shared/terraform/${name}_linux_amd64.gz" tmp
  if [ -x "$K8SFLEET_BIN/$name" ]; then
    return
  fi
  if [ ! -f "$src" ]; then
    echo "no $src: the Terraform $TERRAFORM_NEW_VERSION step skips" >&2
    return
  fi
  tmp=$(mktemp "$K8SFLEET_BIN/.$name.XXXXXX")
  gunzip -c "$src" > "$tmp"
  if ! echo "$TERRAFORM_NEW_SHA256  $tmp" | sha256sum -c --quiet - >&2; then
    rm -f "$tmp"
    echo "$src does not unpack to the sha256 its README gives" >&2
    return 1
  fi
  chmod +x "$tmp"
  mv "$tmp" "$K8SFLEET_BIN/$name"
  echo "unpacked $name into $K8SFLEET_BIN" >&2
}

# go_build_tool NAME MODULE_DIR PACKAGE [LDFLAGS]: build PACKAGE from the pinned module in
# tools/MODULE_DIR into $K8SFLEET_BIN/NAME, unless it is already there. The versions are the
# ones in that module's go.mod; bump them there (the cached binary is named after nothing
# but the tool, so remove it from $K8SFLEET_BIN after a bump).
go_build_tool() {
  local name=$1 dir=$2 pkg=$3 ldflags=${4:-}
  if [ -x "$K8SFLEET_BIN/$name" ]; then
    return
  fi
  local start
  start=$(date +%s)
  echo "building $name from tools/$dir (cold: minutes)" >&2
  (cd "$root/tools/$dir" && go build -trimpath -ldflags "-s -w $ldflags" -o "$K8SFLEET_BIN/$name.tmp" "$pkg")
  mv "$K8SFLEET_BIN/$name.tmp" "$K8SFLEET_BIN/$name"
  echo "built $name in $(( $(date +%s) - start ))s" >&2
}

tool_version() { # tool_version MODULE_DIR MODULE_PATH: the version tools/MODULE_DIR/go.mod pins
  (cd "$root/tools/$1" && go list -m -f '{{.Version}}' "$2")
}

build_tfplugindocs() {
  go_build_tool tfplugindocs dev github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs
}

build_golangci_lint() {
  local v
  v=$(tool_version dev github.com/golangci/golangci-lint/v2)
  go_build_tool golangci-lint dev github.com/golangci/golangci-lint/v2/cmd/golangci-lint \
    "-X main.version=${v#v} -X main.commit=proxy -X main.date=unknown"
}

build_tofu() {
  go_build_tool tofu tofu github.com/opentofu/opentofu/cmd/tofu \
    "-X github.com/opentofu/opentofu/version.dev=no"
}

# actionlint checks .github/workflows, which the project's own CI cannot run.
build_actionlint() {
  go_build_tool actionlint actionlint github.com/rhysd/actionlint/cmd/actionlint
}

# goreleaser is a big build (minutes, about 1 GB of modules); only make release-snapshot asks for it.
build_goreleaser() {
  local v
  v=$(tool_version release github.com/goreleaser/goreleaser/v2)
  go_build_tool goreleaser release github.com/goreleaser/goreleaser/v2 \
    "-X main.version=${v#v} -X main.builtBy=k8sfleet-tools"
}

case "${1:-all}" in
  control-plane) build_control_plane ;;
  kwok) build_kwok ;;
  terraform) build_terraform ;;
  terraform-pinned) build_terraform_pinned ;;
  terraform-new) unpack_terraform_new ;;
  tfplugindocs) build_tfplugindocs ;;
  golangci-lint) build_golangci_lint ;;
  tofu) build_tofu ;;
  goreleaser) build_goreleaser ;;
  actionlint) build_actionlint ;;
  dev) build_tfplugindocs; build_golangci_lint; build_tofu ;;
  all) build_kwok; build_terraform; build_control_plane ;;
  *) echo "usage: $0 [all|control-plane|kwok|terraform|terraform-pinned|terraform-new|dev|tfplugindocs|golangci-lint|tofu|goreleaser|actionlint]" >&2; exit 2 ;;
esac
