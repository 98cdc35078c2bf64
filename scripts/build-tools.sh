#!/usr/bin/env bash
# Builds the local control plane (kube-apiserver, kube-controller-manager, kube-scheduler, etcd),
# kwok/kwokctl and, when none is on PATH, terraform into a cache outside the clone.
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
  if [ -n "${TF_ACC_TERRAFORM_PATH:-}" ] || command -v terraform >/dev/null 2>&1; then
    return
  fi
  if [ ! -x "$K8SFLEET_BIN/terraform" ]; then
    echo "building terraform $TERRAFORM_VERSION (no terraform on PATH)" >&2
    GOBIN="$K8SFLEET_BIN" go install -trimpath -ldflags "-s -w" "github.com/hashicorp/terraform@$TERRAFORM_VERSION"
  fi
}

case "${1:-all}" in
  control-plane) build_control_plane ;;
  kwok) build_kwok ;;
  terraform) build_terraform ;;
  all) build_kwok; build_terraform; build_control_plane ;;
  *) echo "usage: $0 [all|control-plane|kwok|terraform]" >&2; exit 2 ;;
esac
