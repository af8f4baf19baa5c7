package peoplebench

import (
	"net/url"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/skillx/skillx/internal/textnorm"
)

// JobLink is what ParseJobLink reads out of a LinkedIn job link.
type JobLink struct {
	// Title is the job title as the slug spells it: lower-case words separated by single spaces
	// ("registered nurse icu"). It may still hold an "at <employer>" clause of the title itself.
	Title string
	// Company is the slug's company part ("some hospital"), empty when the slug has no "-at-".
	Company string
	// ID is the posting's numeric id, the slug's last part.
	ID string
}

// ParseJobLink reads the title, company and id out of a LinkedIn job link
// (https://www.linkedin.com/jobs/view/<title>-at-<company>-<id>, on any country host). The slug is
// cut at its LAST "-at-": measured on linkedin_job_postings_head.csv, which has both the link and
// the title, a slug with two or more "-at-" comes from a title that itself says "at <employer>"
// ("RN ICU at Emory Healthcare", posted by Health eCareers) in 267 of 296 cases, the rest mostly
// from a company name with "at" ("University of Texas at Austin"); NormalizeTitle then drops the
// title's "at ..." clause, so both kinds map by the title's first part. A slug without "-at-" is all title.
// ok is false for links that are not a posting (no /jobs/view/, no numeric id at the end: search
// pages such as /jobs/escort-jobs, or a link cut short).
func ParseJobLink(link string) (jl JobLink, ok bool) {
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil {
		return JobLink{}, false
	}
	path := strings.TrimSuffix(u.Path, "/")
	const view = "/jobs/view/"
	i := strings.Index(path, view)
	if i < 0 {
		return JobLink{}, false
	}
	slug := path[i+len(view):]
	if strings.Contains(slug, "/") {
		return JobLink{}, false
	}
	dash := strings.LastIndexByte(slug, '-')
	if dash < 0 || !allDigits(slug[dash+1:]) {
		return JobLink{}, false
	}
	jl.ID = slug[dash+1:]
	slug = slug[:dash]
	if at := strings.LastIndex(slug, "-at-"); at > 0 {
		jl.Company = slugWords(slug[at+len("-at-"):])
		slug = slug[:at]
	}
	jl.Title = slugWords(slug)
	if jl.Title == "" {
		return JobLink{}, false
	}
	return jl, true
}

// allDigits reports whether s is a non-empty run of ASCII digits.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// slugWords turns a slug part into lower-case words separated by single spaces.
func slugWords(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == '-' || unicode.IsSpace(r) }), " ")
}

// seniorityWords are dropped by NormalizeTitle unless they are a title's last word (its head
// noun: "team lead", "school principal", "chief of staff" keep theirs).
var seniorityWords = map[string]bool{
	"senior": true, "sr": true, "junior": true, "jr": true, "lead": true,
	"principal": true, "staff": true,
}

// dropWords are dropped by NormalizeTitle wherever they stand: levels and employment terms.
var dropWords = map[string]bool{
	"i": true, "ii": true, "iii": true, "iv": true,
	"prn": true, "remote": true, "hybrid": true, "onsite": true, "ft": true, "pt": true,
	"days": true, "nights": true, "weekends": true, "evenings": true, "overnight": true,
	"temporary": true, "temp": true, "seasonal": true, "contract": true, "experienced": true,
}

// abbreviations are expanded by NormalizeTitle ("hvac service tech" -> "hvac service technician").
var abbreviations = map[string]string{
	"tech": "technician", "techs": "technicians", "mgr": "manager", "asst": "assistant",
	"rep": "representative", "reps": "representatives", "coord": "coordinator",
	"spec": "specialist", "engr": "engineer", "dir": "director",
}

// dropPairs are two-word terms dropped by NormalizeTitle wherever they stand.
var dropPairs = map[[2]string]bool{
	{"entry", "level"}: true, {"part", "time"}: true, {"full", "time"}: true,
	{"per", "diem"}: true, {"night", "shift"}: true, {"day", "shift"}: true,
	{"evening", "shift"}: true, {"on", "site"}: true,
}

// NormalizeTitle returns the matching key of a job title, role name or occupation title:
// textnorm.RoleKey (NFC, spaces, case folding), accents stripped, parenthesised and bracketed parts
// removed, the text cut at the first " - ", " – ", " — ", " | " or "@" (qualifiers such as
// "- night shift", an employer or a place), punctuation turned into spaces, the words cut at the
// first "at" that is not the first word (an employer or a place again), then filtered: numbers, the levels i-iv, employment terms (prn, remote, part time, full time, per
// diem, days, nights, experienced, ...) and "entry level" dropped everywhere, the seniority words
// senior, sr, junior, jr, lead, principal and staff dropped unless last of what is left, a few abbreviations
// expanded (tech, mgr, asst, rep, coord, spec, engr, dir); the last word is made singular
// ("registered nurses" -> "registered nurse"). When filtering would leave no word, the unfiltered
// words are kept. The same function serves every side of a match, so its quirks cancel out.
func NormalizeTitle(s string) string {
	s = stripAccents(textnorm.RoleKey(s))
	s = dropBracketed(s)
	s = cutQualifiers(s)
	words := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for i, w := range words {
		if w == "at" && i > 0 {
			words = words[:i]
			break
		}
	}
	kept := filterWords(words)
	if len(kept) == 0 {
		kept = words
	}
	if len(kept) == 0 {
		return ""
	}
	kept[len(kept)-1] = singular(kept[len(kept)-1])
	return strings.Join(kept, " ")
}

// filterWords drops numbers, levels and employment terms, then the seniority words that are not
// the last word left, and expands abbreviations.
func filterWords(words []string) []string {
	kept := make([]string, 0, len(words))
	for i := 0; i < len(words); i++ {
		w := words[i]
		if i+1 < len(words) && dropPairs[[2]string{w, words[i+1]}] {
			i++
			continue
		}
		if dropWords[w] || allDigits(w) {
			continue
		}
		kept = append(kept, w)
	}
	out := kept[:0]
	for i, w := range kept {
		if seniorityWords[w] && i < len(kept)-1 {
			continue
		}
		if long, ok := abbreviations[w]; ok {
			w = long
		}
		out = append(out, w)
	}
	return out
}

// stripAccents removes combining marks after canonical decomposition ("é" -> "e").
func stripAccents(s string) string {
	if isASCII(s) {
		return s
	}
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return norm.NFC.String(b.String())
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// dropBracketed replaces every balanced (...) and [...] group with a space; an unmatched bracket
// becomes a space too.
func dropBracketed(s string) string {
	if !strings.ContainsAny(s, "()[]") {
		return s
	}
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch r {
		case '(', '[':
			if depth == 0 {
				b.WriteByte(' ')
			}
			depth++
		case ')', ']':
			if depth > 0 {
				depth--
			} else {
				b.WriteByte(' ')
			}
		default:
			if depth == 0 {
				b.WriteRune(r)
			}
		}
	}
	if depth > 0 {
		// An unmatched '(': keep the text after it rather than lose it.
		return strings.NewReplacer("(", " ", ")", " ", "[", " ", "]", " ").Replace(s)
	}
	return b.String()
}

// qualifierCuts start the part of a title that NormalizeTitle drops (and the word "at", found
// after punctuation has become spaces).
var qualifierCuts = []string{" - ", " – ", " — ", " | ", "@"}

// cutQualifiers cuts s at the first qualifier separator that leaves a non-blank title.
func cutQualifiers(s string) string {
	cut := len(s)
	for _, sep := range qualifierCuts {
		if i := strings.Index(s, sep); i >= 0 && i < cut && strings.TrimSpace(s[:i]) != "" {
			cut = i
		}
	}
	return s[:cut]
}

// singular returns the singular of an English plural noun by its ending ("nurses" -> "nurse",
// "secretaries" -> "secretary", "coaches" -> "coach"); other words are returned as they are.
func singular(w string) string {
	n := len(w)
	switch {
	case n <= 3:
		return w
	case strings.HasSuffix(w, "ies") && n > 4:
		return w[:n-3] + "y"
	case strings.HasSuffix(w, "sses"), strings.HasSuffix(w, "ches"), strings.HasSuffix(w, "shes"), strings.HasSuffix(w, "xes"):
		return w[:n-2]
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"):
		return w
	case strings.HasSuffix(w, "s"):
		return w[:n-1]
	}
	return w
}

// parenthesised returns the contents of the top-level (...) groups of s.
func parenthesised(s string) []string {
	var out []string
	depth, start := 0, 0
	for i, r := range s {
		switch r {
		case '(':
			if depth == 0 {
				start = i + 1
			}
			depth++
		case ')':
			if depth > 0 {
				depth--
				if depth == 0 {
					out = append(out, s[start:i])
				}
			}
		}
	}
	return out
}

// isAcronym reports whether s is one word of at least two capitals or digits, with at least one
// capital ("RN", "CNA", "EMT-B").
func isAcronym(s string) bool {
	letters := 0
	for _, r := range s {
		switch {
		case unicode.IsUpper(r):
			letters++
		case unicode.IsDigit(r) || r == '-' || r == '/' || r == '&':
		default:
			return false
		}
	}
	return letters >= 2
}
