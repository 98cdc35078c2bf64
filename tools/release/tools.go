//go:build tools

// Package tools pins goreleaser, built by scripts/build-tools.sh for make release-snapshot
// only: it is a big build, and a module of its own keeps its dependencies out of the others.
package tools

import (
	_ "github.com/goreleaser/goreleaser/v2"
)
