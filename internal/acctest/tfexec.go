package acctest

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"
)

// interruptGrace is how long terraform has to stop after the interrupt that a cancelled
// context sends it (Ctrl-C), before it is killed.
const interruptGrace = 30 * time.Second

// Terraform is a terraform-exec handle on the working directory, its stdout and stderr both
// written to out, with the CLI's environment plus extra. A cancelled context interrupts
// terraform as Ctrl-C does. Every call gets its own handle, so commands may run at once.
func (c *CLI) Terraform(t *testing.T, out io.Writer, extra map[string]string) *tfexec.Terraform {
	t.Helper()
	tf, err := tfexec.NewTerraform(c.Dir, c.bin)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	for _, kv := range c.Env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	for k, v := range extra {
		env[k] = v
	}
	// terraform-exec sets the variables it manages itself (TF_IN_AUTOMATION, TF_LOG...).
	for _, k := range tfexec.ProhibitedEnv(env) {
		delete(env, k)
	}
	if err := tf.SetEnv(env); err != nil {
		t.Fatal(err)
	}
	if err := tf.SetWaitDelay(interruptGrace); err != nil {
		t.Fatal(err)
	}
	tf.SetStdout(out)
	tf.SetStderr(out)
	return tf
}

// Apply runs terraform apply -auto-approve, of the configuration or of a saved plan
// (tfexec.DirOrPlan), and returns its output.
func (c *CLI) Apply(ctx context.Context, t *testing.T, opts ...tfexec.ApplyOption) (string, error) {
	var out bytes.Buffer
	err := c.Terraform(t, &out, nil).Apply(ctx, opts...)
	return out.String(), err
}

// Plan runs terraform plan and reports whether it has changes, with its output.
func (c *CLI) Plan(ctx context.Context, t *testing.T, opts ...tfexec.PlanOption) (bool, string, error) {
	var out bytes.Buffer
	changes, err := c.Terraform(t, &out, nil).Plan(ctx, opts...)
	return changes, out.String(), err
}

// Destroy runs terraform destroy -auto-approve.
func (c *CLI) Destroy(ctx context.Context, t *testing.T) (string, error) {
	var out bytes.Buffer
	err := c.Terraform(t, &out, nil).Destroy(ctx)
	return out.String(), err
}

// StateAddresses lists the resources in the state, as terraform state list does.
func (c *CLI) StateAddresses(ctx context.Context, t *testing.T) ([]string, error) {
	state, err := c.Terraform(t, io.Discard, nil).Show(ctx)
	if err != nil || state.Values == nil {
		return nil, err
	}
	var addrs []string
	for _, r := range state.Values.RootModule.Resources {
		addrs = append(addrs, r.Address)
	}
	return addrs, nil
}

// LogTo asks terraform for its own and the provider's logs at level, into path.
func LogTo(t *testing.T, tf *tfexec.Terraform, level, path string) {
	t.Helper()
	if err := tf.SetLog(level); err != nil {
		t.Fatal(err)
	}
	if err := tf.SetLogPath(path); err != nil {
		t.Fatal(err)
	}
	_ = os.Remove(path)
}
