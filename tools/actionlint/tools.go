//go:build tools

// Package tools pins actionlint, built by scripts/build-tools.sh: make test checks the
// workflows under .github/ with it, since GitHub Actions does not run in the project's CI.
package tools

import (
	_ "github.com/rhysd/actionlint/cmd/actionlint"
)
