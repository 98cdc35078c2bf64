// Package mapcarrier carries large computed map attributes of one resource type around
// terraform-plugin-framework.
//
// The framework walks the whole state and plan of a resource several times per request
// (write-only nullification, defaults, collection blocks, one SetAttribute per top-level
// attribute), allocating a value and a path for every map entry each time. A map with an
// entry per node makes those walks most of a plan's cost at thousands of nodes. The carrier
// takes the named top-level attributes out of each request before the framework decodes
// it, leaving null in their place, and writes them into the response: the value the
// resource code handed over with Put, else the framework's own value when it is not null,
// else the request's value unchanged.
package mapcarrier

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Attribute is a top-level attribute the carrier takes around the framework.
type Attribute struct {
	Name string
	Type tftypes.Type
}

// Wrap returns inner with the attributes of typeName carried around it.
func Wrap(inner tfprotov6.ProviderServer, typeName string, attrs ...Attribute) tfprotov6.ProviderServer {
	names := make([]string, len(attrs))
	for i, a := range attrs {
		names[i] = a.Name
	}
	return &server{ProviderServer: inner, typeName: typeName, attrs: attrs, names: names}
}

type server struct {
	tfprotov6.ProviderServer
	typeName string
	attrs    []Attribute
	names    []string
}

type slotKey struct{}

// slot holds what the resource code hands over during one request.
type slot struct {
	mu     sync.Mutex
	values map[string][]byte
}

// Put hands over the value of a carried attribute for the response of the request ctx
// belongs to. It reports false when that request does not come through a carrier: the
// caller then sets the attribute itself.
func Put(ctx context.Context, name string, v tftypes.Value) (bool, error) {
	return store(ctx, name, func() ([]byte, error) {
		dv, err := tfprotov6.NewDynamicValue(v.Type(), v)
		return dv.MsgPack, err
	})
}

// PutMap is Put for a known map, encoded directly: a tftypes value per entry costs more
// than the encoding itself.
func PutMap[V int64 | string](ctx context.Context, name string, m map[string]V) (bool, error) {
	return store(ctx, name, func() ([]byte, error) { return encodeMap(m) })
}

// store keeps the encoding of name's value in ctx's slot, encoding only when there is one.
func store(ctx context.Context, name string, encode func() ([]byte, error)) (bool, error) {
	s, ok := ctx.Value(slotKey{}).(*slot)
	if !ok {
		return false, nil
	}
	b, err := encode()
	if err != nil {
		return true, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.values[name] = b
	return true, nil
}

func withSlot(ctx context.Context) (context.Context, *slot) {
	s := &slot{values: map[string][]byte{}}
	return context.WithValue(ctx, slotKey{}, s), s
}

// take removes the carried attributes' known values from dv. A value it cannot parse is
// left to the framework whole.
func (s *server) take(dv *tfprotov6.DynamicValue) map[string][]byte {
	if dv == nil || len(dv.MsgPack) == 0 {
		return nil
	}
	out, taken, err := takeFields(dv.MsgPack, s.names)
	if err != nil {
		return nil
	}
	dv.MsgPack = out
	return taken
}

// respond writes the carried attributes into the response value dv; a failure becomes an
// error diagnostic of the response.
func (s *server) respond(dv **tfprotov6.DynamicValue, diags *[]*tfprotov6.Diagnostic, sl *slot, taken map[string][]byte) {
	if *dv == nil || len((*dv).MsgPack) == 0 {
		return
	}
	sl.mu.Lock()
	defer sl.mu.Unlock()
	out, err := restoreFields((*dv).MsgPack, sl.values, taken)
	if err != nil {
		*diags = append(*diags, s.restoreFailed(err)...)
		return
	}
	(*dv).MsgPack = out
}

func (s *server) restoreFailed(err error) []*tfprotov6.Diagnostic {
	return []*tfprotov6.Diagnostic{{
		Severity: tfprotov6.DiagnosticSeverityError,
		Summary:  "Cannot encode the response",
		Detail:   fmt.Sprintf("The provider could not write %s into its response: %v", strings.Join(s.names, " and "), err),
	}}
}

// ReadResource carries the attributes of the current state into the new state.
func (s *server) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	if req.TypeName != s.typeName {
		return s.ProviderServer.ReadResource(ctx, req)
	}
	taken := s.take(req.CurrentState)
	ctx, sl := withSlot(ctx)
	resp, err := s.ProviderServer.ReadResource(ctx, req)
	if err == nil && resp != nil {
		s.respond(&resp.NewState, &resp.Diagnostics, sl, taken)
	}
	return resp, err
}

// PlanResourceChange carries the attributes of the proposed new state into the plan.
// Terraform proposes the prior state's value for a computed attribute the configuration
// leaves null, which is what a plan that does not touch the attribute keeps.
func (s *server) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	if req.TypeName != s.typeName {
		return s.ProviderServer.PlanResourceChange(ctx, req)
	}
	s.take(req.PriorState)
	taken := s.take(req.ProposedNewState)
	ctx, sl := withSlot(ctx)
	resp, err := s.ProviderServer.PlanResourceChange(ctx, req)
	if err == nil && resp != nil {
		s.respond(&resp.PlannedState, &resp.Diagnostics, sl, taken)
	}
	return resp, err
}

// ApplyResourceChange carries the attributes of the plan into the new state.
func (s *server) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	if req.TypeName != s.typeName {
		return s.ProviderServer.ApplyResourceChange(ctx, req)
	}
	s.take(req.PriorState)
	taken := s.take(req.PlannedState)
	ctx, sl := withSlot(ctx)
	resp, err := s.ProviderServer.ApplyResourceChange(ctx, req)
	if err == nil && resp != nil {
		s.respond(&resp.NewState, &resp.Diagnostics, sl, taken)
	}
	return resp, err
}

// UpgradeResourceState carries the attributes of the stored state, which arrives as JSON,
// into the upgraded state.
func (s *server) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	if req.TypeName != s.typeName || req.RawState == nil || len(req.RawState.JSON) == 0 {
		return s.ProviderServer.UpgradeResourceState(ctx, req)
	}
	out, taken, err := takeJSONFields(req.RawState.JSON, s.attrs)
	if err == nil {
		req.RawState.JSON = out
	}
	ctx, sl := withSlot(ctx)
	resp, err := s.ProviderServer.UpgradeResourceState(ctx, req)
	if err == nil && resp != nil {
		s.respond(&resp.UpgradedState, &resp.Diagnostics, sl, taken)
	}
	return resp, err
}
