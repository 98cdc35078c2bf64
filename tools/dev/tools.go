//go:build tools

// Package tools pins the developer tools built by scripts/build-tools.sh:
// tfplugindocs (make docs, make docs-check) and golangci-lint v2 (make lint).
// They live in their own module so the provider's go.mod stays lean.
package tools

import (
	_ "github.com/golangci/golangci-lint/v2/cmd/golangci-lint"
	_ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
)
