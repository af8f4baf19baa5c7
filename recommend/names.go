package recommend

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// maxNameBytes bounds the base of a report file name (before the hash suffix and the
// extension), so that every name stays far below the 255-byte limit of common file systems.
const maxNameBytes = 64

// shortHash returns the first 8 hex digits of the sha256 of s.
func shortHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:4])
}

// Patterns of safeName.
var (
	dotRun     = regexp.MustCompile(`\.{2,}`)
	separators = regexp.MustCompile(`[._]*_[._]*`)
)

// safeName returns the base of a report file name for a user id: letters, digits, '-', '_'
// and single dots kept (Unicode NFC); every other character (path separators, spaces, control
// characters) and every run of dots becomes '_', and runs of '_' (with dots next to them)
// become one; no leading or trailing '.', '-' or '_'; at most maxNameBytes bytes; never a
// Windows device name. exact reports whether the name is the id itself; when it is not, the
// caller adds a hash of the id so that two ids never share a name.
func safeName(id string) (name string, exact bool) {
	name = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' || r == '.' {
			return r
		}
		return '_'
	}, norm.NFC.String(id))
	name = dotRun.ReplaceAllString(name, "_")
	name = separators.ReplaceAllString(name, "_")
	name = strings.Trim(name, "._-")
	if len(name) > maxNameBytes {
		cut := maxNameBytes
		for cut > 0 && !utf8.RuneStart(name[cut]) {
			cut--
		}
		name = strings.TrimRight(name[:cut], "._-")
	}
	if name == "" {
		name = "user"
	}
	if reservedName(name) {
		name += "_"
	}
	return name, name == id
}

// reservedName reports whether name (before its extension) is a device name on Windows, where
// reports may be copied to.
func reservedName(name string) bool {
	base, _, _ := strings.Cut(strings.ToUpper(name), ".")
	switch base {
	case "CON", "PRN", "AUX", "NUL":
		return true
	}
	if len(base) == 4 && (strings.HasPrefix(base, "COM") || strings.HasPrefix(base, "LPT")) && base[3] >= '1' && base[3] <= '9' {
		return true
	}
	return false
}

// fileNames returns the report file base of every id: the id itself when it is a safe name,
// else its safe form plus "-" and a hash of the id. Ids whose names would still be equal when
// compared case-insensitively (case-insensitive file systems) all get the hash suffix. The
// result depends only on the ids, not on their order.
func fileNames(ids []string) map[string]string {
	out := make(map[string]string, len(ids))
	fold := cases.Fold()
	byKey := map[string][]string{}
	for _, id := range ids {
		name, _ := baseName(id)
		out[id] = name
		k := fold.String(name)
		byKey[k] = append(byKey[k], id)
	}
	for _, group := range byKey {
		if len(group) < 2 {
			continue
		}
		for _, id := range group {
			if name, exact := safeName(id); exact {
				out[id] = name + "-" + shortHash(id)
			}
		}
	}
	return out
}

// baseName returns the report file base of id before clashes between ids are considered: the
// id itself when it is a safe name (exact), else its safe form plus "-" and a hash of the id.
func baseName(id string) (name string, exact bool) {
	name, exact = safeName(id)
	if !exact {
		name += "-" + shortHash(id)
	}
	return name, exact
}

// foldedName returns id's base name (baseName) as a case-insensitive file system compares
// it.
func foldedName(fold cases.Caser, id string) string {
	name, _ := baseName(id)
	return fold.String(name)
}
