#!/usr/bin/env bash
# Checks dist/ after `goreleaser release --snapshot` against what the Terraform Registry
# expects, and places the manifest under its release name beside the zips (goreleaser
# uploads it only when it publishes).
set -euo pipefail
cd "$(dirname "$0")/.."
name=terraform-provider-k8sfleet
version=$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' dist/metadata.json | head -1)
[ -n "$version" ] || { echo "release-check: no version in dist/metadata.json" >&2; exit 1; }

cp terraform-registry-manifest.json "dist/${name}_${version}_manifest.json"
fail=0
for target in linux_amd64 linux_arm64 darwin_amd64 darwin_arm64 windows_amd64 windows_arm64; do
  zip="dist/${name}_${version}_${target}.zip"
  binary="${name}_v${version}"
  [[ $target == windows_* ]] && binary+=".exe"
  if [ ! -f "$zip" ]; then
    echo "release-check: missing $zip" >&2; fail=1; continue
  fi
  listing=$(python3 -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$zip")
  if [ "$listing" != "$binary" ]; then
    echo "release-check: $zip holds [$listing], want only $binary" >&2; fail=1
  fi
done
sums="dist/${name}_${version}_SHA256SUMS"
[ "$(wc -l < "$sums")" -eq 7 ] || { echo "release-check: $sums should list 6 zips and the manifest" >&2; fail=1; }
(cd dist && sha256sum --check --quiet "$(basename "$sums")") || fail=1
[ "$fail" -eq 0 ] || exit 1
echo "release-check: dist/ holds 6 zips, ${name}_${version}_manifest.json and ${name}_${version}_SHA256SUMS (checked);"
echo "release-check: the .sig is made only by a real release, which signs with GPG_FINGERPRINT's key"
