package mapcarrier

import (
	"context"
	"math/big"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

var (
	podsType     = tftypes.Map{ElementType: tftypes.Number}
	excludedType = tftypes.Map{ElementType: tftypes.String}
	objectType   = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"id":             tftypes.String,
		"expected_pods":  podsType,
		"excluded_nodes": excludedType,
		"spec":           tftypes.Object{AttributeTypes: map[string]tftypes.Type{"tags": tftypes.Map{ElementType: tftypes.String}}},
	}}
	carried = []Attribute{{Name: "expected_pods", Type: podsType}, {Name: "excluded_nodes", Type: excludedType}}
)

func pods(m map[string]int64) tftypes.Value {
	if m == nil {
		return tftypes.NewValue(podsType, nil)
	}
	v := map[string]tftypes.Value{}
	for k, n := range m {
		v[k] = tftypes.NewValue(tftypes.Number, big.NewFloat(float64(n)))
	}
	return tftypes.NewValue(podsType, v)
}

func excluded(m map[string]string) tftypes.Value {
	v := map[string]tftypes.Value{}
	for k, s := range m {
		v[k] = tftypes.NewValue(tftypes.String, s)
	}
	return tftypes.NewValue(excludedType, v)
}

func object(id string, p, e tftypes.Value) tftypes.Value {
	spec := tftypes.NewValue(objectType.AttributeTypes["spec"], map[string]tftypes.Value{
		"tags": tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, map[string]tftypes.Value{"expected_pods": tftypes.NewValue(tftypes.String, "a tag")}),
	})
	return tftypes.NewValue(objectType, map[string]tftypes.Value{
		"id": tftypes.NewValue(tftypes.String, id), "expected_pods": p, "excluded_nodes": e, "spec": spec,
	})
}

func encode(t *testing.T, v tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	dv, err := tfprotov6.NewDynamicValue(objectType, v)
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

func decode(t *testing.T, dv *tfprotov6.DynamicValue) tftypes.Value {
	t.Helper()
	v, err := dv.Unmarshal(objectType)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func attr(t *testing.T, v tftypes.Value, name string) tftypes.Value {
	t.Helper()
	var m map[string]tftypes.Value
	if err := v.As(&m); err != nil {
		t.Fatal(err)
	}
	return m[name]
}

func TestTakeThenRestoreGivesTheOriginal(t *testing.T) {
	orig := object("ns/a", pods(map[string]int64{"n1": 1, "n2": 0}), excluded(map[string]string{"n2": "taint x:NoSchedule"}))
	dv := encode(t, orig)
	out, taken, err := takeFields(dv.MsgPack, []string{"expected_pods", "excluded_nodes"})
	if err != nil {
		t.Fatal(err)
	}
	if len(taken) != 2 {
		t.Fatalf("took %d values, want 2", len(taken))
	}
	stripped := decode(t, &tfprotov6.DynamicValue{MsgPack: out})
	want := object("ns/a", pods(nil), tftypes.NewValue(excludedType, nil))
	if !stripped.Equal(want) {
		t.Fatalf("after take:\n%v\nwant\n%v", stripped, want)
	}
	back, err := restoreFields(out, nil, taken)
	if err != nil {
		t.Fatal(err)
	}
	if got := decode(t, &tfprotov6.DynamicValue{MsgPack: back}); !got.Equal(orig) {
		t.Fatalf("after restore:\n%v\nwant\n%v", got, orig)
	}
}

func TestUnknownAndNullStayForTheFramework(t *testing.T) {
	orig := object("ns/a", tftypes.NewValue(podsType, tftypes.UnknownValue), tftypes.NewValue(excludedType, nil))
	dv := encode(t, orig)
	out, taken, err := takeFields(dv.MsgPack, []string{"expected_pods", "excluded_nodes"})
	if err != nil {
		t.Fatal(err)
	}
	if len(taken) != 0 {
		t.Fatalf("took %v, want nothing", taken)
	}
	if got := decode(t, &tfprotov6.DynamicValue{MsgPack: out}); !got.Equal(orig) {
		t.Fatalf("got %v, want %v", got, orig)
	}
}

func TestRestorePrefersPutThenTheFrameworksValue(t *testing.T) {
	prior := encode(t, object("ns/a", pods(map[string]int64{"old": 1}), excluded(map[string]string{"x": "old reason"})))
	_, taken, err := takeFields(prior.MsgPack, []string{"expected_pods", "excluded_nodes"})
	if err != nil {
		t.Fatal(err)
	}
	// The framework answered unknown excluded_nodes and left expected_pods null; the
	// resource code put new expected_pods.
	response := encode(t, object("ns/a", pods(nil), tftypes.NewValue(excludedType, tftypes.UnknownValue)))
	newPods, err := tfprotov6.NewDynamicValue(podsType, pods(map[string]int64{"new": 1}))
	if err != nil {
		t.Fatal(err)
	}
	back, err := restoreFields(response.MsgPack, map[string][]byte{"expected_pods": newPods.MsgPack}, taken)
	if err != nil {
		t.Fatal(err)
	}
	got := decode(t, &tfprotov6.DynamicValue{MsgPack: back})
	if p := attr(t, got, "expected_pods"); !p.Equal(pods(map[string]int64{"new": 1})) {
		t.Errorf("expected_pods = %v, want the value put", p)
	}
	if e := attr(t, got, "excluded_nodes"); e.IsKnown() {
		t.Errorf("excluded_nodes = %v, want the framework's unknown", e)
	}
}

func TestTakeJSONFields(t *testing.T) {
	state := []byte(`{"id":"ns/a","expected_pods":{"n1":1,"n2":0},"excluded_nodes":{"n3":"why"},"spec":{"tags":null}}`)
	out, taken, err := takeJSONFields(state, carried)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != `{"excluded_nodes":null,"expected_pods":null,"id":"ns/a","spec":{"tags":null}}` {
		t.Errorf("state left for the framework: %s", out)
	}
	for name, want := range map[string]tftypes.Value{
		"expected_pods":  pods(map[string]int64{"n1": 1, "n2": 0}),
		"excluded_nodes": excluded(map[string]string{"n3": "why"}),
	} {
		v, err := (&tfprotov6.DynamicValue{MsgPack: taken[name]}).Unmarshal(want.Type())
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !v.Equal(want) {
			t.Errorf("%s = %v, want %v", name, v, want)
		}
	}
}

// framework stands in for terraform-plugin-framework: it plans the proposed state and
// records what it was given.
type framework struct {
	tfprotov6.ProviderServer
	seen tftypes.Value
	put  *tftypes.Value
	t    *testing.T
}

func (f *framework) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	f.seen = decode(f.t, req.ProposedNewState)
	if f.put != nil {
		if ok, err := Put(ctx, "expected_pods", *f.put); !ok || err != nil {
			f.t.Fatalf("Put = %v, %v", ok, err)
		}
	}
	return &tfprotov6.PlanResourceChangeResponse{PlannedState: req.ProposedNewState}, nil
}

func TestWrapPlanResourceChange(t *testing.T) {
	prior := object("ns/a", pods(map[string]int64{"n1": 1}), excluded(map[string]string{"n2": "reason"}))
	newPods := pods(map[string]int64{"n1": 1, "n3": 1})
	for _, tc := range []struct {
		name     string
		typeName string
		put      *tftypes.Value
		want     tftypes.Value
		seenPods tftypes.Value
	}{
		{"unchanged keeps the prior maps", "k8sfleet_daemonset", nil, prior, pods(nil)},
		{"a value put replaces them", "k8sfleet_daemonset", &newPods, object("ns/a", newPods, excluded(map[string]string{"n2": "reason"})), pods(nil)},
		{"other types pass untouched", "k8sfleet_other", nil, prior, pods(map[string]int64{"n1": 1})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &framework{t: t, put: tc.put}
			s := Wrap(f, "k8sfleet_daemonset", carried...)
			resp, err := s.PlanResourceChange(context.Background(), &tfprotov6.PlanResourceChangeRequest{
				TypeName: tc.typeName, PriorState: encode(t, prior), ProposedNewState: encode(t, prior),
			})
			if err != nil || len(resp.Diagnostics) > 0 {
				t.Fatalf("err %v diags %v", err, resp.Diagnostics)
			}
			if p := attr(t, f.seen, "expected_pods"); !p.Equal(tc.seenPods) {
				t.Errorf("the framework saw expected_pods %v, want %v", p, tc.seenPods)
			}
			if got := decode(t, resp.PlannedState); !got.Equal(tc.want) {
				t.Errorf("planned:\n%v\nwant\n%v", got, tc.want)
			}
		})
	}
}

func TestPutOutsideACarrier(t *testing.T) {
	if ok, err := Put(context.Background(), "expected_pods", pods(nil)); ok || err != nil {
		t.Fatalf("Put = %v, %v; want false: no carrier", ok, err)
	}
}

func TestEncodeMapDecodesAsTerraformsMaps(t *testing.T) {
	b, err := encodeMap(map[string]int64{"n2": 0, "n1": 1})
	if err != nil {
		t.Fatal(err)
	}
	got, err := (&tfprotov6.DynamicValue{MsgPack: b}).Unmarshal(podsType)
	if err != nil {
		t.Fatal(err)
	}
	if want := pods(map[string]int64{"n1": 1, "n2": 0}); !got.Equal(want) {
		t.Errorf("numbers: got %v, want %v", got, want)
	}
	b, err = encodeMap(map[string]string{"n2": "taint x:NoSchedule"})
	if err != nil {
		t.Fatal(err)
	}
	if got, err = (&tfprotov6.DynamicValue{MsgPack: b}).Unmarshal(excludedType); err != nil {
		t.Fatal(err)
	}
	if want := excluded(map[string]string{"n2": "taint x:NoSchedule"}); !got.Equal(want) {
		t.Errorf("strings: got %v, want %v", got, want)
	}
}

func TestPutMap(t *testing.T) {
	ctx, sl := withSlot(context.Background())
	if ok, err := PutMap(ctx, "excluded_nodes", map[string]string{"n": "why"}); !ok || err != nil {
		t.Fatalf("PutMap = %v, %v", ok, err)
	}
	want, err := tfprotov6.NewDynamicValue(excludedType, excluded(map[string]string{"n": "why"}))
	if err != nil {
		t.Fatal(err)
	}
	if string(sl.values["excluded_nodes"]) != string(want.MsgPack) {
		t.Errorf("PutMap encoded %x, tftypes encodes %x", sl.values["excluded_nodes"], want.MsgPack)
	}
	if ok, _ := PutMap(context.Background(), "excluded_nodes", map[string]string{}); ok {
		t.Error("PutMap outside a carrier reported true")
	}
}

func TestTakeJSONFieldsLeavesWhatItCannotCarry(t *testing.T) {
	state := []byte(`{"id":"ns/a","expected_pods":{"n1":1.5},"excluded_nodes":null,"spec":null}`)
	out, taken, err := takeJSONFields(state, carried)
	if err == nil || taken != nil || string(out) != string(state) {
		t.Fatalf("got %s, %v, %v; want the state untouched and an error", out, taken, err)
	}
}
