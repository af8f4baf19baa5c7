package textsafe

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// IsControl reports whether r is a C0 control, DEL, a C1 control or a bidirectional
// formatting character that changes the order text is shown in (see IsBidiOverride).
func IsControl(r rune) bool { return unicode.IsControl(r) || IsBidiOverride(r) }

// IsBidiOverride reports whether r is one of the explicit bidirectional embeddings,
// overrides and isolates (U+202A-U+202E, U+2066-U+2069): they make text display in another
// order than it is stored ("Trojan Source", CVE-2021-42574), so an id that reads "report.txt"
// can be stored as something else. The marks U+200E and U+200F, which right-to-left names
// legitimately carry and which reorder nothing by themselves, are not among them.
func IsBidiOverride(r rune) bool { return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) }

// FirstControl returns the first control character of s and its 1-based position in
// characters; ok is false when s has none.
func FirstControl(s string) (r rune, pos int, ok bool) {
	pos = 0
	for _, c := range s {
		pos++
		if IsControl(c) {
			return c, pos, true
		}
	}
	return 0, 0, false
}

// controlNames are the usual names of the control characters people meet.
var controlNames = map[rune]string{
	0x00: "NUL", 0x07: "BEL", 0x08: "BS", 0x09: "TAB", 0x0A: "LF", 0x0B: "VT", 0x0C: "FF", 0x0D: "CR",
	0x1B: "ESC", 0x7F: "DEL", 0x85: "NEL", 0x9B: "CSI", 0x9D: "OSC",
	0x202A: "LRE", 0x202B: "RLE", 0x202C: "PDF", 0x202D: "LRO", 0x202E: "RLO",
	0x2066: "LRI", 0x2067: "RLI", 0x2068: "FSI", 0x2069: "PDI",
}

// Name returns a control character as "U+001B (ESC)", or "U+0001" for one without a usual
// name.
func Name(r rune) string {
	if n, ok := controlNames[r]; ok {
		return fmt.Sprintf("U+%04X (%s)", r, n)
	}
	return fmt.Sprintf("U+%04X", r)
}

// Problem returns "" when s has no control character, and otherwise a phrase naming the
// first one and where it is: "holds the control character U+001B (ESC) at character 5".
func Problem(s string) string {
	r, pos, ok := FirstControl(s)
	if !ok {
		return ""
	}
	return fmt.Sprintf("holds the control character %s at character %d", Name(r), pos)
}

// Escape returns s with every control character written as a Go escape (\x1b, \u0085) and
// every byte that is not UTF-8 as \xNN, so that s can be shown on a terminal or in a file
// without acting on it. Other text is unchanged.
func Escape(s string) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r < 0x80 && IsControl(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case IsControl(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func needsEscape(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	_, _, ok := FirstControl(s)
	return ok
}

// Strip returns s without its control characters, except line feeds and tabs, which text
// meant to be read may hold; a carriage return is removed too (it could overwrite a line on
// a terminal). Bytes that are not UTF-8 become U+FFFD.
func Strip(s string) string {
	clean := true
	for _, r := range s {
		if (IsControl(r) && r != '\n' && r != '\t') || r == utf8.RuneError {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if IsControl(r) && r != '\n' && r != '\t' {
			return -1
		}
		return r
	}, s)
}

// Clip returns s when it has at most n characters, and otherwise its first n characters
// followed by "…(<len(s)> bytes)", so that a reader sees that and by how much it was cut.
func Clip(s string, n int) string { return clip(s, n, len(s)) }

// Display returns s escaped (Escape) and clipped to n characters (Clip, counting the bytes
// of s as given): the form in which untrusted text is shown in messages and reports.
func Display(s string, n int) string { return clip(Escape(s), n, len(s)) }

// clip cuts s after n characters and says that the whole was size bytes.
func clip(s string, n, size int) string {
	i := 0
	for at := range s {
		if i == n {
			return s[:at] + fmt.Sprintf("…(%d bytes)", size)
		}
		i++
	}
	return s
}
