// Package examples holds the tests of the examples/ directory: its layout is the one
// tfplugindocs reads, and every configuration in it passes terraform init and validate
// against the provider built from this tree. It has no code of its own.
package examples
