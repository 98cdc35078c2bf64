#!/usr/bin/env bash
# make test: every check of the project, unit and acceptance tests against local clusters
# that each test package starts and stops itself.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

mkdir -p build
: > build/empty.tfrc
# A CLI configuration that exists keeps terraform's stdout free of warnings.
export TF_CLI_CONFIG_FILE="$PWD/build/empty.tfrc"
export TF_ACC=1

echo "== go vet"
go vet ./...

echo "== unit and acceptance tests (terraform: $TF_ACC_TERRAFORM_PATH)"
# The full log (with each test's figures) goes to build/test.log; the console gets results.
go test -v -p 2 -count=1 -timeout 45m ./... 2>&1 | tee build/test.log |
  grep --line-buffered -E '^(--- FAIL|ok |FAIL|panic)|^    --- FAIL|^    [a-z_]+_test\.go:[0-9]+: ' || true
grep -qE '^(FAIL|panic)' build/test.log && { echo "== unit and acceptance tests failed (build/test.log)"; exit 1; }
echo "== $(grep -c '^--- PASS' build/test.log) tests passed, $(grep -c '^--- SKIP' build/test.log) skipped"

echo "== docs-check: docs/ is what tfplugindocs generates"
make --no-print-directory docs-check

echo "== lint (golangci-lint v2, .golangci.yml)"
make --no-print-directory lint

# GitHub Actions never runs here: actionlint checks the workflows, and workflows_test.go
# (in the unit tests above) holds release.yml to make release-snapshot's configuration.
echo "== workflows (actionlint)"
make --no-print-directory workflows-check

echo "== acceptance tests under OpenTofu"
make --no-print-directory testacc-tofu 2>&1 | tee build/test-tofu.log

echo "== make test finished in $(( $(date +%s) - start ))s"
