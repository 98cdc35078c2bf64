package mapcarrier

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// msgpackNil is what a null value of any type encodes to.
var msgpackNil = []byte{msgpcode.Nil}

// span is where a top-level attribute's value sits in an encoded object.
type span struct {
	name       string
	start, end int
}

// fields lists the top-level attributes of the object encoded in b; a null object has none.
// Terraform encodes an object as a MessagePack map from attribute name to value.
func fields(b []byte) ([]span, error) {
	r := bytes.NewReader(b)
	dec := msgpack.NewDecoder(r) // reads r directly, so r's position is the decoder's
	n, err := dec.DecodeMapLen()
	if err != nil {
		return nil, err
	}
	out := make([]span, 0, max(n, 0))
	for range n {
		name, err := dec.DecodeString()
		if err != nil {
			return nil, err
		}
		start := len(b) - r.Len()
		if err := dec.Skip(); err != nil {
			return nil, err
		}
		out = append(out, span{name: name, start: start, end: len(b) - r.Len()})
	}
	return out, nil
}

// carriable tells a known, non-null value from null and from unknown, which MessagePack
// holds as an extension; only known values are worth taking, and the resource code must
// see an unknown one.
func carriable(v []byte) bool {
	if len(v) == 0 {
		return false
	}
	switch v[0] {
	case msgpcode.Nil, msgpcode.FixExt1, msgpcode.FixExt2, msgpcode.FixExt4, msgpcode.FixExt8, msgpcode.FixExt16,
		msgpcode.Ext8, msgpcode.Ext16, msgpcode.Ext32:
		return false
	}
	return true
}

// replace returns b with the value of each attribute in values swapped for its new encoding.
func replace(b []byte, spans []span, values map[string][]byte) []byte {
	var out bytes.Buffer
	out.Grow(len(b))
	last := 0
	for _, sp := range spans {
		v, ok := values[sp.name]
		if !ok {
			continue
		}
		out.Write(b[last:sp.start])
		out.Write(v)
		last = sp.end
	}
	out.Write(b[last:])
	return out.Bytes()
}

// takeFields replaces the known values of the named attributes with null and returns them.
func takeFields(b []byte, names []string) ([]byte, map[string][]byte, error) {
	spans, err := fields(b)
	if err != nil {
		return b, nil, err
	}
	taken, nulls := map[string][]byte{}, map[string][]byte{}
	for _, sp := range spans {
		if v := b[sp.start:sp.end]; slices.Contains(names, sp.name) && carriable(v) {
			taken[sp.name] = bytes.Clone(v)
			nulls[sp.name] = msgpackNil
		}
	}
	if len(taken) == 0 {
		return b, nil, nil
	}
	return replace(b, spans, nulls), taken, nil
}

// restoreFields writes into b, for each attribute, the value handed over (put) or else,
// where b holds null, the value taken from the request.
func restoreFields(b []byte, put, taken map[string][]byte) ([]byte, error) {
	if len(put) == 0 && len(taken) == 0 {
		return b, nil
	}
	spans, err := fields(b)
	if err != nil {
		return b, err
	}
	values := map[string][]byte{}
	for _, sp := range spans {
		if v, ok := put[sp.name]; ok {
			values[sp.name] = v
		} else if v, ok := taken[sp.name]; ok && bytes.Equal(b[sp.start:sp.end], msgpackNil) {
			values[sp.name] = v
		}
	}
	return replace(b, spans, values), nil
}

// takeJSONFields is takeFields for a state stored as JSON: it returns the state with the
// attributes' non-null values replaced by null, and those values encoded as MessagePack.
func takeJSONFields(b []byte, attrs []Attribute) ([]byte, map[string][]byte, error) {
	var object map[string]json.RawMessage
	if err := json.Unmarshal(b, &object); err != nil {
		return b, nil, err
	}
	taken := map[string][]byte{}
	for _, a := range attrs {
		raw, ok := object[a.Name]
		if !ok || string(raw) == "null" {
			continue
		}
		v, err := jsonToMsgpack(raw, a.Type)
		if err != nil {
			return b, nil, fmt.Errorf("%s: %w", a.Name, err)
		}
		taken[a.Name] = v
		object[a.Name] = json.RawMessage("null")
	}
	if len(taken) == 0 {
		return b, nil, nil
	}
	out, err := json.Marshal(object)
	if err != nil {
		return b, nil, err
	}
	return out, taken, nil
}

// jsonToMsgpack converts a map of strings or of whole numbers from its JSON state form. Any
// other value is an error, and the state goes to the framework whole.
func jsonToMsgpack(raw json.RawMessage, typ tftypes.Type) ([]byte, error) {
	switch {
	case typ.Equal(tftypes.Map{ElementType: tftypes.String}):
		var m map[string]string
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, err
		}
		return encodeMap(m)
	case typ.Equal(tftypes.Map{ElementType: tftypes.Number}):
		var m map[string]int64
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, err
		}
		return encodeMap(m)
	}
	return nil, fmt.Errorf("cannot carry a %s from JSON", typ)
}

// encodeMap encodes m as Terraform encodes a map of strings or numbers, keys in order.
func encodeMap[V int64 | string](m map[string]V) ([]byte, error) {
	var buf bytes.Buffer
	enc := msgpack.NewEncoder(&buf)
	if err := enc.EncodeMapLen(len(m)); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := enc.EncodeString(k); err != nil {
			return nil, err
		}
		var err error
		switch v := any(m[k]).(type) {
		case int64:
			err = enc.EncodeInt(v)
		case string:
			err = enc.EncodeString(v)
		}
		if err != nil {
			return nil, err
		}
	}
	return buf.Bytes(), nil
}
