package daemonset

import (
	"bytes"
	"encoding/json"

	appsv1 "k8s.io/api/apps/v1"

	"github.com/k8sfleet/terraform-provider-k8sfleet/internal/kubeschema"
)

// privateStoredForm is the private state key of what the API server stored for the fields
// this resource sent: the equality rule's memory of the server's defaults (see equality.go).
const privateStoredForm = "stored_form"

// storedFormVersion changes with the layout; a record of another version is ignored, which
// costs one server-side dry run at the next changed plan and nothing else.
const storedFormVersion = 1

type storedForm struct {
	V int `json:"v"`
	// Sent is the metadata and spec the apply sent, Stored the metadata and spec of the fields
	// the field manager owns in the object the server returned.
	Sent   map[string]any `json:"sent"`
	Stored map[string]any `json:"stored"`
	// Planned is the metadata and spec the state holds, when the plan kept prior values the
	// server stores the same as what was sent: stored, then, as Stored.
	Planned map[string]any `json:"planned,omitempty"`
	// Fresh is the object the server makes of the configuration from scratch (a dry-run
	// create), for an import: prior fields equal to it are defaults, not drift. Never saved.
	Fresh map[string]any `json:"-"`
	// Prior is the prior state's metadata and spec as Kubernetes JSON, and Live the object
	// in the cluster, for a state with no record of ours (an import): the prior state is what
	// the object's writers sent, the live object what the server stored for it, so a
	// configuration that equals the live object is the same object. Never saved.
	Prior map[string]any `json:"-"`
	Live  map[string]any `json:"-"`
}

// newStoredForm records what the server made of want, from the object it returned.
func newStoredForm(want *desired, ds *appsv1.DaemonSet, manager string) (*storedForm, error) {
	var sent map[string]any
	if err := json.Unmarshal(want.body, &sent); err != nil {
		return nil, err
	}
	stored, err := ownedFields(ds, manager, false)
	if err != nil {
		return nil, err
	}
	return &storedForm{
		V:      storedFormVersion,
		Sent:   map[string]any{"metadata": sent["metadata"], "spec": sent["spec"]},
		Stored: map[string]any{"metadata": stored["metadata"], "spec": stored["spec"]},
	}, nil
}

// withPlanned records the planned object beside what was sent, when the two differ.
func (f *storedForm) withPlanned(planned *desired) {
	var obj map[string]any
	if planned == nil || json.Unmarshal(planned.body, &obj) != nil {
		return
	}
	p := map[string]any{"metadata": obj["metadata"], "spec": obj["spec"]}
	a, errA := json.Marshal(p)
	b, errB := json.Marshal(f.Sent)
	if errA == nil && errB == nil && !bytes.Equal(a, b) {
		f.Planned = p
	}
}

func (f *storedForm) encode() ([]byte, error) { return json.Marshal(f) }

// readStoredForm decodes the private value; nil when absent, unreadable or of another version.
func readStoredForm(raw []byte) *storedForm {
	if len(raw) == 0 {
		return nil
	}
	f := &storedForm{}
	if json.Unmarshal(raw, f) != nil || f.V != storedFormVersion {
		return nil
	}
	return f
}

// record is the part of the form for "metadata" or "spec".
func (f *storedForm) record(key string) kubeschema.Records {
	if f == nil {
		return nil
	}
	out := kubeschema.Records{{Sent: f.Sent[key], Stored: f.Stored[key]}}
	if f.Planned != nil {
		out = append(out, &kubeschema.Record{Sent: f.Planned[key], Stored: f.Stored[key]})
	}
	if f.Fresh != nil {
		out = append(out, &kubeschema.Record{Sent: f.Sent[key], Stored: f.Fresh[key]})
	}
	if f.Prior != nil && f.Live != nil {
		out = append(out, &kubeschema.Record{Sent: f.Prior[key], Stored: f.Live[key]})
	}
	return out
}
