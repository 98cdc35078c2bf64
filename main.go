// Command terraform-provider-k8sfleet serves the k8sfleet Terraform provider.
package main

import (
	"flag"
	"log"
	"os"
	"runtime/debug"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/provider"
)

// version is stamped by the release build.
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run with support for debuggers like delve")
	flag.Parse()
	if !debug {
		quietUnlessAsked()
	}
	limitMemory()

	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	if err := tf6server.Serve(provider.Address, provider.Server(version), opts...); err != nil {
		log.Fatal(err.Error())
	}
}

// logSwitches are the variables through which a user asks Terraform, and so the provider,
// for logs.
var logSwitches = []string{
	"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_PROVIDER_K8SFLEET",
	"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK",
}

// quietUnlessAsked turns the SDK's trace logging off when no log was asked for. The SDK
// logs every call at trace level by default and Terraform parses each line only to drop
// it, which costs both processes CPU on every resource: about a fifth of the provider's
// time in a for_each over many nodes.
func quietUnlessAsked() {
	for _, name := range logSwitches {
		if os.Getenv(name) != "" {
			return
		}
	}
	for _, name := range []string{"TF_LOG_PROVIDER", "TF_LOG_SDK"} {
		if err := os.Setenv(name, "off"); err != nil {
			log.Printf("cannot set %s: %v", name, err)
		}
	}
}

// softMemoryLimit bounds the provider's memory unless GOMEMLIMIT says otherwise. Collecting
// only when the heap has doubled let a 5,000-node apply peak at 248 MiB (bench/RESULTS.md); a
// soft limit makes the collector run earlier instead, and never stops the provider from using
// more when it must.
const softMemoryLimit = 150 << 20

func limitMemory() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(softMemoryLimit)
	}
}
