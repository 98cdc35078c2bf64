package kubeschema

import (
	"strings"
	"unicode"
)

// AttributeName maps a json name to the attribute name: snake_case, with an
// acronym kept as one word (hostIPC -> host_ipc, podIPs -> pod_ips).
func AttributeName(jsonName string) string {
	r := []rune(jsonName)
	var b strings.Builder
	for i := 0; i < len(r); {
		if !unicode.IsUpper(r[i]) {
			b.WriteRune(r[i])
			i++
			continue
		}
		j := i
		for j < len(r) && unicode.IsUpper(r[j]) {
			j++
		}
		end := j
		switch {
		case isAcronymPlural(r, i, j):
			end = j + 1
		case j-i > 1 && j < len(r) && unicode.IsLower(r[j]):
			// The run's last capital starts the next word: IPAddress -> ip_address.
			end = j - 1
		}
		if b.Len() > 0 {
			b.WriteByte('_')
		}
		b.WriteString(strings.ToLower(string(r[i:end])))
		i = end
	}
	return b.String()
}

// isAcronymPlural reports whether the uppercase run r[i:j] is followed by a
// lone "s" that pluralises it (targetWWNs, podIPs) rather than starting a word.
func isAcronymPlural(r []rune, i, j int) bool {
	if j-i < 2 || j >= len(r) || r[j] != 's' {
		return false
	}
	return j+1 == len(r) || unicode.IsUpper(r[j+1])
}
