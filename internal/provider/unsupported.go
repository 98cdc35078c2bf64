package provider

import "github.com/k8sfleet/terraform-provider-k8sfleet/internal/kubeattr"

// The arguments of the hashicorp/kubernetes provider block that mean nothing here, and why.
var (
	unsupportedBasicAuth = kubeattr.Unsupported{Reason: "basic authentication was removed from Kubernetes in 1.19; " +
		"use token, client_certificate and client_key, or an exec block"}
	unsupportedIgnoreMetadata = kubeattr.Unsupported{Reason: "k8sfleet applies only the fields it is given (server-side apply) " +
		"and compares only those, so labels and annotations that others set never show as changes; remove it"}
	unsupportedExperiments = kubeattr.Unsupported{Reason: "the hashicorp/kubernetes provider's experiments (manifest_resource) " +
		"have no counterpart here; remove the block"}
)
