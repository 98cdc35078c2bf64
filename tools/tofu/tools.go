//go:build tools

// Package tools pins OpenTofu, built by scripts/build-tools.sh for make testacc-tofu.
// It is a module of its own because OpenTofu needs a replace directive (its fork of
// hcl/v2) that would otherwise leak into the other tools' builds.
package tools

import (
	_ "github.com/opentofu/opentofu/cmd/tofu"
)
