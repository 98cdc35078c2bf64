package daemonset_test

import (
	"context"
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// hclValue writes a framework value as an HCL expression, leaving out null attributes, so
// that a configuration can be built from the provider's own conversion of a manifest.
func hclValue(v attr.Value, indent string) (string, error) {
	tf, err := v.ToTerraformValue(context.Background())
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := writeHCL(&b, tf, indent); err != nil {
		return "", err
	}
	return b.String(), nil
}

func writeHCL(b *strings.Builder, v tftypes.Value, indent string) error {
	inner := indent + "  "
	switch {
	case v.Type().Is(tftypes.Object{}), v.Type().Is(tftypes.Map{}):
		var m map[string]tftypes.Value
		if err := v.As(&m); err != nil {
			return err
		}
		_, isMap := v.Type().(tftypes.Map)
		keys := make([]string, 0, len(m))
		for k, e := range m {
			if !e.IsNull() {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		if len(keys) == 0 {
			b.WriteString("{}")
			return nil
		}
		b.WriteString("{\n")
		for _, k := range keys {
			b.WriteString(inner)
			if isMap {
				b.WriteString(hclString(k))
			} else {
				b.WriteString(k)
			}
			b.WriteString(" = ")
			if err := writeHCL(b, m[k], inner); err != nil {
				return err
			}
			b.WriteString("\n")
		}
		b.WriteString(indent + "}")
	case v.Type().Is(tftypes.List{}):
		var l []tftypes.Value
		if err := v.As(&l); err != nil {
			return err
		}
		if len(l) == 0 {
			b.WriteString("[]")
			return nil
		}
		b.WriteString("[\n")
		for _, e := range l {
			b.WriteString(inner)
			if err := writeHCL(b, e, inner); err != nil {
				return err
			}
			b.WriteString(",\n")
		}
		b.WriteString(indent + "]")
	case v.Type().Is(tftypes.String):
		var s string
		if err := v.As(&s); err != nil {
			return err
		}
		b.WriteString(hclString(s))
	case v.Type().Is(tftypes.Number):
		n := new(big.Float)
		if err := v.As(&n); err != nil {
			return err
		}
		b.WriteString(n.Text('f', -1))
	case v.Type().Is(tftypes.Bool):
		var x bool
		if err := v.As(&x); err != nil {
			return err
		}
		fmt.Fprintf(b, "%t", x)
	default:
		return fmt.Errorf("no HCL for %s", v.Type())
	}
	return nil
}

// hclString quotes s for HCL: escapes, and no template interpolation of "${" or "%{".
func hclString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20:
			fmt.Fprintf(&b, `\u%04x`, r)
		case (r == '$' || r == '%') && strings.HasPrefix(s[i+1:], "{"):
			b.WriteRune(r)
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
