// Package textnorm normalises text the way the whole pipeline compares it: white space and
// Unicode form (NormalizeText), role names (NormalizeRole) and the case-folded key roles are
// grouped and matched by (RoleKey). clean writes the normalised names; every later stage,
// and tools like the skill finder, normalise with the same functions.
package textnorm

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// NormalizeText returns s trimmed, in Unicode NFC, with every run of white
// space (spaces, tabs, newlines, no-break spaces and the other characters
// for which unicode.IsSpace reports true) collapsed to a single space.
// Text that is already normal is returned without allocating.
func NormalizeText(s string) string {
	if isNormalASCII(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	pendingSpace := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			pendingSpace = b.Len() > 0
			continue
		}
		if pendingSpace {
			b.WriteByte(' ')
			pendingSpace = false
		}
		b.WriteRune(r)
	}
	out := b.String()
	if !norm.NFC.IsNormalString(out) {
		out = norm.NFC.String(out)
	}
	return out
}

// isNormalASCII reports whether s is ASCII with no leading, trailing or
// repeated white space and no white space other than ' ', so that
// NormalizeText would return it unchanged.
func isNormalASCII(s string) bool {
	prevSpace := true // a leading space is not normal
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf:
			return false
		case c == ' ':
			if prevSpace {
				return false
			}
			prevSpace = true
		case c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r':
			return false
		default:
			prevSpace = false
		}
	}
	return len(s) == 0 || !prevSpace
}

// roleAcronyms are the short words that NormalizeRole writes in capitals
// wherever they appear in a role name, whatever case they were given in.
// Four-letter entries (HVAC, HRIS, ...) are kept in capitals although other
// all-caps words of four or more letters are title-cased.
var roleAcronyms = map[string]bool{
	"AI": true, "AP": true, "AR": true, "AV": true, "AWS": true,
	"BI": true, "CAD": true, "CDL": true, "CEO": true, "CFO": true,
	"CIO": true, "CISO": true, "CMO": true, "CNA": true, "COO": true,
	"CPA": true, "CRM": true, "CTO": true, "DBA": true, "EMT": true,
	"ERP": true, "ETL": true, "EVP": true, "GIS": true, "HR": true,
	"HRIS": true, "HSE": true, "HVAC": true, "IT": true, "LPN": true,
	"ML": true, "NLP": true, "PCB": true, "PHP": true, "PM": true,
	"PR": true, "QA": true, "QC": true, "RN": true, "SAP": true,
	"SDET": true, "SEM": true, "SEO": true, "SOC": true, "SQL": true,
	"SRE": true, "SVP": true, "UI": true, "UX": true, "VP": true,
}

// smallWords stay lower-case in a role name unless they come first.
var smallWords = map[string]bool{
	"a": true, "an": true, "and": true, "at": true, "for": true,
	"in": true, "of": true, "on": true, "or": true, "the": true,
	"to": true, "with": true, "&": true,
}

// NormalizeRole returns the display form of a role name: NormalizeText,
// then one consistent case, word by word (a word is a run between spaces;
// its parts between '/', '-', '&', '(' and ')' are cased separately):
//
//   - a word with both upper- and lower-case letters ("iOS", "McDonald",
//     "E-commerce", "NoSQL") is kept as it is;
//   - in an all-lower-case word, parts in the acronym list are written in
//     capitals ("ux/ui" -> "UX/UI"), the small words and, or, of, the, in,
//     for, to, a, an, at, on, with stay lower-case unless they start the
//     name, and other parts are capitalised ("front-end" -> "Front-End");
//   - in an all-caps word, parts in the acronym list are kept, small words
//     that do not start the name are lower-cased, parts of four or more
//     letters are title-cased ("RESTAURANT" -> "Restaurant") and parts of
//     at most three letters are kept ("QA", "R&D"), except when the whole
//     name is in capitals: then they are title-cased too ("SOUS CHEF").
//     A name that capitalising leaves with no lower-case letter is then
//     treated as all-caps, so that NormalizeRole is idempotent.
//
// NormalizeRole is idempotent.
func NormalizeRole(s string) string {
	s = NormalizeText(s)
	if s == "" {
		return s
	}
	out := caseRole(s, isAllCaps(s))
	if isAllCaps(out) && !isAllCaps(s) {
		// Capitalising made the name all-caps ("a/b qa" -> "A/B QA"): case
		// it as an all-caps name, as the next call would.
		out = caseRole(out, true)
	}
	return out
}

// isAllCaps reports whether s has upper-case letters and no lower-case
// ones.
func isAllCaps(s string) bool {
	upper, lower := letterCases(s)
	return upper && !lower
}

// caseRole cases each word of the normalised role name s.
func caseRole(s string, allCaps bool) string {
	var b strings.Builder
	b.Grow(len(s))
	for i, w := range strings.Split(s, " ") {
		if i > 0 {
			b.WriteByte(' ')
		}
		caseWord(&b, w, i == 0, allCaps)
	}
	return b.String()
}

// RoleKey returns the grouping key of a role name: NormalizeRole, then
// Unicode case folding, so that "DATA ANALYST", "data analyst" and
// "Data  Analyst" share one key.
func RoleKey(s string) string {
	return cases.Fold().String(NormalizeRole(s))
}

// letterCases reports whether s has upper-case and lower-case letters.
func letterCases(s string) (upper, lower bool) {
	for _, r := range s {
		if unicode.IsUpper(r) {
			upper = true
		} else if unicode.IsLower(r) {
			lower = true
		}
	}
	return upper, lower
}

// caseWord writes the word w, cased as NormalizeRole describes, to b.
func caseWord(b *strings.Builder, w string, first, allCaps bool) {
	upper, lower := letterCases(w)
	if upper == lower { // mixed case, or no letters at all
		b.WriteString(w)
		return
	}
	start := 0
	for i := 0; i <= len(w); i++ {
		if i < len(w) && !isWordJoiner(w[i]) {
			continue
		}
		if i > start {
			casePart(b, w[start:i], first && start == 0, upper, allCaps)
		}
		if i < len(w) {
			b.WriteByte(w[i])
		}
		start = i + 1
	}
}

// isWordJoiner reports whether c joins the parts of a role word.
func isWordJoiner(c byte) bool {
	return c == '/' || c == '-' || c == '(' || c == ')' || c == '&'
}

// casePart writes one part of a word whose letters are all upper-case
// (upper) or all lower-case (!upper).
func casePart(b *strings.Builder, p string, first, upper, allCaps bool) {
	up := strings.ToUpper(p)
	low := strings.ToLower(p)
	switch {
	case roleAcronyms[up]:
		b.WriteString(up)
	case smallWords[low] && !first:
		b.WriteString(low)
	case !upper:
		writeTitle(b, p)
	case letterCount(p) >= 4 || allCaps:
		writeTitle(b, low)
	default:
		b.WriteString(p)
	}
}

// writeTitle writes p with its first letter in title case and the rest
// unchanged.
func writeTitle(b *strings.Builder, p string) {
	for i, r := range p {
		if unicode.IsLetter(r) {
			b.WriteString(p[:i])
			b.WriteRune(unicode.ToTitle(r))
			b.WriteString(p[i+utf8.RuneLen(r):])
			return
		}
	}
	b.WriteString(p)
}

// letterCount returns the number of letters in s.
func letterCount(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}
