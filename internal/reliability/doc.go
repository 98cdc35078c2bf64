// Package reliability holds the acceptance tests that prove the provider's promises under
// stress: plans that survive fleet changes between plan and apply, faults of the API server,
// cancellation, secrets kept out of logs, least privilege and bad input rejected before any
// write. It has its own local cluster, since some tests stop it.
package reliability
