// Package examples tests what the Registry pages are made of: the layout of examples/ is the
// one tfplugindocs reads, every configuration in it passes terraform init and validate
// against the provider built from this tree, and every schema attribute has a description.
// It has no code of its own.
package examples
