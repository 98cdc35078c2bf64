#!/usr/bin/env bash
# make test: every check of the project, unit and acceptance tests against local clusters
# that each test package starts and stops itself.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
start=$(date +%s)

mkdir -p build
: > build/empty.tfrc
# A CLI configuration that exists keeps terraform's stdout free of warnings.
export TF_CLI_CONFIG_FILE="$PWD/build/empty.tfrc"
export TF_ACC=1

# terraform 1.5.7 for the version matrix at the end: cold, its build takes many minutes, so
# it runs beside the tests from the start.
bash scripts/build-tools.sh terraform-pinned > build/terraform-pinned-build.log 2>&1 &
pinned_build=$!

echo "== go vet"
go vet ./...

echo "== unit and acceptance tests (terraform: $TF_ACC_TERRAFORM_PATH)"
step=$(date +%s)
# The full log (with each test's figures) goes to build/test.log; the console gets results.
go test -v -p 2 -count=1 -timeout 45m ./... 2>&1 | tee build/test.log |
  grep --line-buffered -E '^(--- FAIL|ok |FAIL|panic)|^    --- FAIL|^    [a-z_]+_test\.go:[0-9]+: ' || true
grep -qE '^(FAIL|panic)' build/test.log && { echo "== unit and acceptance tests failed (build/test.log)"; exit 1; }
echo "== $(grep -c '^--- PASS' build/test.log) tests passed, $(grep -c '^--- SKIP' build/test.log) skipped in $(( $(date +%s) - step ))s"

echo "== docs-check: docs/ is what tfplugindocs generates"
make --no-print-directory docs-check

echo "== lint (golangci-lint v2, .golangci.yml)"
make --no-print-directory lint

# GitHub Actions never runs here: actionlint checks the workflows, and workflows_test.go
# (in the unit tests above) holds release.yml to make release-snapshot's configuration.
echo "== workflows (actionlint)"
make --no-print-directory workflows-check

echo "== acceptance tests under OpenTofu"
step=$(date +%s)
make --no-print-directory testacc-tofu 2>&1 | tee build/test-tofu.log
echo "== OpenTofu step took $(( $(date +%s) - step ))s"

# The version matrix: the full suite ran above under the newest terraform on this machine;
# this step runs the walk-through, one test per resource and data source, the cloud provider
# blocks and the examples under the oldest Terraform the provider supports, 1.5.7 (built
# from the module proxy, which serves no later release: see the README). Each named test
# must pass, so a rename cannot empty the step silently.
wait "$pinned_build" || { cat build/terraform-pinned-build.log; exit 1; }
pinned="$K8SFLEET_BIN/terraform-${TERRAFORM_VERSION#v}"
if [ "$("$pinned" version | head -1)" = "$("$TF_ACC_TERRAFORM_PATH" version | head -1)" ]; then
  echo "== terraform ${TERRAFORM_VERSION#v} is the terraform above: the matrix has one Terraform"
else
  echo "== acceptance tests under terraform ${TERRAFORM_VERSION#v} (walk-through, one per resource, examples)"
  step=$(date +%s)
  matrix=(
    TestAccDaemonSet_walkthrough
    TestAccNodeLabel_basic
    TestAccNodeTaint_basic
    TestAccNodes_all
    TestAccProvider_cloudCredentialPlugins
    TestExamplesValidate
  )
  run=$(IFS='|'; echo "^(${matrix[*]})\$")
  TF_ACC_TERRAFORM_PATH="$pinned" go test -v -p 2 -count=1 -timeout 30m -run "$run" \
    ./internal/daemonset/ ./internal/nodelabel/ ./internal/nodetaint/ ./internal/nodes/ \
    ./internal/provider/ ./internal/examples/ > build/test-terraform-pinned.log 2>&1 || true
  grep -E '^(--- FAIL|ok |FAIL|panic)' build/test-terraform-pinned.log || true
  for name in "${matrix[@]}"; do
    grep -q "^--- PASS: $name " build/test-terraform-pinned.log ||
      { echo "== $name did not pass under terraform ${TERRAFORM_VERSION#v} (build/test-terraform-pinned.log)"; exit 1; }
  done
  echo "== terraform ${TERRAFORM_VERSION#v} step took $(( $(date +%s) - step ))s"
fi

# Terraform 1.15.9, when ../shared/terraform has it: the tests that skip below 1.12 (resource
# identity) and 1.14 (list resources and terraform query, actions) under the terraform above,
# and the walk-through. Each named test must pass, as in the step above.
bash scripts/build-tools.sh terraform-new
newer="$K8SFLEET_BIN/terraform-1.15.9"
if [ ! -x "$newer" ]; then
  echo "== no ../shared/terraform/terraform-1.15.9_linux_amd64.gz: identity, query and action tests skip under Terraform 1.15.9"
else
  echo "== acceptance tests under terraform 1.15.9 (identity import, query, restart action and its timeout, walk-through)"
  step=$(date +%s)
  matrix=(
    TestAccDaemonSet_identity
    TestAccDaemonSet_walkthrough
    TestAccDaemonSetList_query
    TestAccDaemonSetList_generatedConfigAdopts
    TestAccDaemonSetRestart_action
    TestAccDaemonSetRestart_unschedulable
  )
  run=$(IFS='|'; echo "^(${matrix[*]})\$")
  TF_ACC_TERRAFORM_PATH="$newer" go test -v -p 2 -count=1 -timeout 30m -run "$run" \
    ./internal/daemonset/ ./internal/daemonsetlist/ ./internal/restartaction/ > build/test-terraform-new.log 2>&1 || true
  grep -E '^(--- FAIL|ok |FAIL|panic)' build/test-terraform-new.log || true
  for name in "${matrix[@]}"; do
    grep -q "^--- PASS: $name " build/test-terraform-new.log ||
      { echo "== $name did not pass under terraform 1.15.9 (build/test-terraform-new.log)"; exit 1; }
  done
  echo "== terraform 1.15.9 step took $(( $(date +%s) - step ))s"
fi

echo "== make test finished in $(( $(date +%s) - start ))s"
