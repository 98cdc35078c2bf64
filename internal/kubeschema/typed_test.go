package kubeschema

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestCheckJSON(t *testing.T) {
	var raw any
	if err := json.Unmarshal([]byte(`{"template":{"spec":{"containers":[{"name":"a","ports":[{"containerPort":70000000000}]}]}}}`), &raw); err != nil {
		t.Fatal(err)
	}
	// Numbers from json.Unmarshal without UseNumber are float64: not what CheckJSON takes.
	if err := CheckJSON(raw, daemonSetSpecType); err == nil {
		t.Fatal("float64 numbers accepted")
	}
	dec := json.NewDecoder(strings.NewReader(`{"template":{"spec":{"containers":[{"name":"a","ports":[{"containerPort":70000000000}]}]}}}`))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		t.Fatal(err)
	}
	err := CheckJSON(raw, daemonSetSpecType)
	if err == nil || err.Error() != "template.spec.containers[0].ports[0].containerPort: 70000000000 is not an integer of 32 bits" {
		t.Fatalf("error %v", err)
	}
}
