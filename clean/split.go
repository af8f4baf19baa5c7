package clean

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// SplitSkills splits a posting's skills text into skill phrases.
//
// It works in two stages. First the text is cut at explicit separators:
// newlines, the bullets •, ·, ▪ and ‣, a "- " or "* " at the start of a
// line, and commas, semicolons and pipes that are not inside parentheses
// ("Social media platforms (e.g., Facebook, Twitter)" stays whole). A '('
// without a matching ')' is an ordinary character, so unbalanced text
// loses nothing.
//
// Then a segment written in the Kaggle run-on style, where phrases in
// sentence case follow each other with nothing but a space between them
// ("Content creation and scheduling Social media analytics Community
// engagement"), is cut where a new phrase starts. A segment is taken to be
// in that style when it has at least two clear phrase starts: a
// capitalised word that follows a lower-case word or a closing parenthesis,
// or ends a run of capitalised words, and is itself followed by a
// lower-case word. A segment with fewer is also cut when another segment of
// the same text is in that style ("HTML, CSS, JavaScript Frontend
// frameworks (e.g., React, Angular) User experience (UX)"). Other text,
// such as LinkedIn's or O*NET's lists ("Building Custodial Services"), is
// cut at its separators only.
//
// Within a run-on segment, a word starts a new phrase when it begins with
// an upper-case letter or a digit, or is a lower-case name with capitals
// inside ("eLearning"), and one of these holds:
//
//   - it follows a lower-case word other than a linking word (and, or, of,
//     in, for, with, like, ...): "skills Communication", "development HTML";
//   - it follows a parenthesised group: "(e.g., Jira) Budget management";
//   - it is a capitalised word after an all-caps acronym: "SEO Content
//     marketing", "SQL Data tools". Acronym-led names such as "SQL Server"
//     occur in the data only inside parentheses, where nothing is cut;
//   - it follows a capitalised word that ends a phrase on its own: a
//     common noun by its ending ("Collaboration", "Problem-solving",
//     "Empathy", "Analytics") or, when the word is followed by a lower-case
//     word, anything but a known brand prefix (Google, Adobe, Microsoft,
//     Six, Lean, ...) or an adjective ("Active", "Technical", "RESTful"):
//     "Suite Collaboration skills", but "Google Ads management", "Six Sigma
//     certification", "Adobe Creative Suite", "Strategic HR planning";
//   - it is a brand prefix after a capitalised word that is not one:
//     "Google Ads Bing Ads".
//
// A parenthesised group always stays with the phrase before it, and a
// word that starts with a digit starts a phrase only after a lower-case
// word or a group ("codes 3D modeling", but "Windows 10").
//
// Each phrase is passed through NormalizeText; separator artefacts are
// dropped (a leading "and "/"or ", leading or trailing ',', ';', ':', '|',
// a trailing '.' after a word that is not an abbreviation), phrases with
// no letter or digit are dropped, and a phrase equal (ignoring case) to an
// earlier one is dropped. Order is preserved.
func SplitSkills(text string) []string {
	var buf [32]segment
	segs := cutSegments(text, buf[:0])
	textRunOn := false
	for i := range segs {
		s := &segs[i]
		s.st = countStarts(s.text)
		if s.st.strong >= 2 {
			textRunOn = true
		}
	}
	out := make([]string, 0, 8)
	for _, s := range segs {
		if s.st.strong >= 2 || (textRunOn && s.st.strong+s.st.weak > 0) {
			out = appendRunOn(out, s.text)
		} else {
			out = appendPhrase(out, s.text)
		}
	}
	return out
}

// segment is a piece of skills text between explicit separators.
type segment struct {
	text string
	st   starts // phrase starts found by countStarts
}

// cutSegments appends to segs the pieces of text between explicit
// separators, skipping pieces that are only white space.
func cutSegments(text string, segs []segment) []segment {
	for len(text) > 0 {
		line, rest := cutLine(text)
		text = rest
		line = trimBullet(line)
		opens := unmatchedOpens(line)
		depth, start := 0, 0
		for i := 0; i < len(line); i++ {
			switch line[i] {
			case '(':
				if !containsInt(opens, i) {
					depth++
				}
			case ')':
				if depth > 0 {
					depth--
				}
			case ',', ';', '|':
				if depth == 0 {
					segs = appendSegment(segs, line[start:i])
					start = i + 1
				}
			}
		}
		segs = appendSegment(segs, line[start:])
	}
	return segs
}

// appendSegment appends s to segs unless it is blank.
func appendSegment(segs []segment, s string) []segment {
	s = strings.TrimSpace(s)
	if s == "" {
		return segs
	}
	return append(segs, segment{text: s})
}

// cutLine returns the text before the first line break or bullet
// character, and the text after it.
func cutLine(s string) (line, rest string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\n', '\r':
			return s[:i], s[i+1:]
		case 0xC2: // U+00B7 MIDDLE DOT is C2 B7
			if i+1 < len(s) && s[i+1] == 0xB7 {
				return s[:i], s[i+2:]
			}
		case 0xE2: // U+2022 •, U+2023 ‣ are E2 80 A2/A3; U+25AA ▪ is E2 96 AA
			if i+2 < len(s) && ((s[i+1] == 0x80 && (s[i+2] == 0xA2 || s[i+2] == 0xA3)) ||
				(s[i+1] == 0x96 && s[i+2] == 0xAA)) {
				return s[:i], s[i+3:]
			}
		}
	}
	return s, ""
}

// trimBullet removes a leading "- " or "* " list marker from a line.
func trimBullet(line string) string {
	t := strings.TrimLeft(line, " \t")
	if len(t) >= 2 && (t[0] == '-' || t[0] == '*') && (t[1] == ' ' || t[1] == '\t') {
		return t[2:]
	}
	return line
}

// unmatchedOpens returns the offsets of the '(' in s that have no matching
// ')', or nil when there are none (the usual case, found without
// allocating).
func unmatchedOpens(s string) []int {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			if depth > 0 {
				depth--
			}
		}
	}
	if depth == 0 {
		return nil
	}
	var opens []int
	closes := 0
	for i := len(s) - 1; i >= 0; i-- {
		switch s[i] {
		case ')':
			closes++
		case '(':
			if closes > 0 {
				closes--
			} else {
				opens = append(opens, i)
			}
		}
	}
	return opens
}

// containsInt reports whether xs contains x.
func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// wordKind classifies a word of a run-on segment by how it is written.
type wordKind uint8

const (
	kindLower   wordKind = iota // "skills", "e-filing"
	kindCap                     // "Communication", "JavaScript", "C++"
	kindAcronym                 // "SQL", "HTML/CSS", "A/B", "KPIs", "B2B"
	kindMixed                   // a lower-case name with capitals: "eLearning", "iOS"
	kindDigit                   // "3D", "2D"
	kindGroup                   // "(e.g., React, Angular)"
	kindOther                   // no letter or digit: "&", "-"
)

// word is one word, or one parenthesised group, of a segment.
type word struct {
	start, end int // byte offsets in the segment
	kind       wordKind
	closes     bool // ends with a ')' that closes a group
}

// capLike reports whether a word of kind k can start a phrase.
func capLike(k wordKind) bool {
	return k == kindCap || k == kindAcronym || k == kindMixed || k == kindDigit
}

// tokenize appends to ws the words of seg: runs of characters between
// spaces, where a parenthesised group counts as one word.
func tokenize(seg string, ws []word) []word {
	opens := unmatchedOpens(seg)
	depth := 0
	start := -1
	closes := false
	for i := 0; i <= len(seg); i++ {
		var c byte = ' '
		if i < len(seg) {
			c = seg[i]
		}
		if depth == 0 && (c == ' ' || c == '\t') {
			if start >= 0 {
				ws = append(ws, word{start: start, end: i, kind: classify(seg[start:i], seg[start] == '(' && !containsInt(opens, start)), closes: closes})
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
		closes = false
		switch c {
		case '(':
			if !containsInt(opens, i) {
				depth++
			}
		case ')':
			if depth > 0 {
				depth--
				closes = true
			}
		}
	}
	return ws
}

// classify returns the kind of the word w; group reports whether w starts
// with a '(' that is matched.
func classify(w string, group bool) wordKind {
	if group {
		return kindGroup
	}
	upper, lower := 0, 0
	first, last := rune(0), rune(0)
	for _, r := range w {
		switch {
		case r < utf8.RuneSelf && 'a' <= r && r <= 'z', r >= utf8.RuneSelf && unicode.IsLower(r):
			lower++
		case r < utf8.RuneSelf && 'A' <= r && r <= 'Z', r >= utf8.RuneSelf && unicode.IsUpper(r):
			upper++
		case r < utf8.RuneSelf && '0' <= r && r <= '9', r >= utf8.RuneSelf && unicode.IsDigit(r):
			if first == 0 {
				return kindDigit
			}
			continue
		case r >= utf8.RuneSelf && unicode.IsLetter(r):
			// a letter without case
		default:
			continue
		}
		if first == 0 {
			first = r
		}
		last = r
	}
	switch {
	case first == 0:
		return kindOther
	case upper >= 2 && (lower == 0 || (lower == 1 && last == 's')):
		// "SQL", "HTML/CSS", and plurals such as "KPIs" and "API(s)".
		if unicode.IsUpper(first) {
			return kindAcronym
		}
		return kindMixed
	case unicode.IsUpper(first):
		return kindCap
	case upper > 0:
		return kindMixed
	case unicode.IsLower(first):
		return kindLower
	}
	return kindCap
}

// startKind says why a word starts a new phrase.
type startKind uint8

const (
	noStart      startKind = iota
	afterLower             // a capital after a lower-case word
	afterGroup             // a capital after a parenthesised group
	afterAcronym           // a capital after an all-caps acronym
	afterCap               // a capital after a capitalised word
)

// startsPhrase reports whether word i of seg starts a new phrase, and why.
func startsPhrase(seg string, ws []word, i int) startKind {
	prev, cur := ws[i-1], ws[i]
	if !capLike(cur.kind) {
		return noStart
	}
	pw := seg[prev.start:prev.end]
	switch {
	case prev.kind == kindGroup || prev.closes:
		return afterGroup
	case prev.kind == kindLower:
		if isLinkWord(pw) {
			return noStart
		}
		return afterLower
	case prev.kind == kindDigit || prev.kind == kindOther || cur.kind == kindDigit:
		return noStart
	}
	// prev is capitalised, an acronym or a mixed-case name.
	cw := seg[cur.start:cur.end]
	if prev.kind == kindAcronym {
		if cur.kind == kindAcronym || isBrandPrefix(pw) {
			return noStart
		}
		return afterAcronym
	}
	if isBrandPrefix(cw) && !isBrandPrefix(pw) && !isAdjective(pw) {
		return afterCap
	}
	if isBrandPrefix(pw) || isAdjective(pw) {
		return noStart
	}
	if isCommonNoun(pw) {
		return afterCap
	}
	if i+1 < len(ws) && ws[i+1].kind == kindLower {
		return afterCap
	}
	return noStart
}

// starts counts the phrase starts in a segment.
type starts struct {
	// strong counts capitalised words that start a phrase and are followed
	// by a lower-case word that is not a linking word, as in sentence-case
	// run-on text ("skills Communication skills"); afterGroup counts those
	// that follow a parenthesised group.
	strong, afterGroup int
	// weak counts other phrase starts after a lower-case word or a group.
	weak int
	// other counts the remaining phrase starts.
	other int
	// words and lower count the words, and the lower-case words, outside
	// parentheses.
	words, lower int
}

// countStarts returns the phrase starts that startsPhrase finds in seg.
func countStarts(seg string) starts {
	var buf [64]word
	ws := tokenize(seg, buf[:0])
	var st starts
	for i, w := range ws {
		if w.kind != kindGroup {
			st.words++
		}
		if w.kind == kindLower {
			st.lower++
		}
		if i == 0 {
			continue
		}
		k := startsPhrase(seg, ws, i)
		if k == noStart {
			continue
		}
		cur := w.kind
		switch {
		case (cur == kindCap || cur == kindMixed) && i+1 < len(ws) && ws[i+1].kind == kindLower &&
			!isLinkWord(seg[ws[i+1].start:ws[i+1].end]):
			st.strong++
			if k == afterGroup {
				st.afterGroup++
			}
		case k == afterLower || k == afterGroup:
			st.weak++
		default:
			st.other++
		}
	}
	return st
}

// appendRunOn appends the phrases of the run-on segment seg to out.
func appendRunOn(out []string, seg string) []string {
	var buf [64]word
	ws := tokenize(seg, buf[:0])
	start := 0
	for i := 1; i < len(ws); i++ {
		if startsPhrase(seg, ws, i) != noStart {
			out = appendPhrase(out, seg[ws[start].start:ws[i-1].end])
			start = i
		}
	}
	if len(ws) > 0 {
		out = appendPhrase(out, seg[ws[start].start:ws[len(ws)-1].end])
	}
	return out
}

// appendPhrase cleans p and appends it to out unless it is empty or a
// case-insensitive duplicate of a phrase already in out.
func appendPhrase(out []string, p string) []string {
	p = cleanPhrase(p)
	if p == "" {
		return out
	}
	for _, q := range out {
		if len(q) == len(p) && strings.EqualFold(q, p) {
			return out
		}
	}
	return append(out, p)
}

// cleanPhrase normalises p and removes separator artefacts from its ends.
// It returns "" for a phrase with no letter or digit.
func cleanPhrase(p string) string {
	p = NormalizeText(p)
	for {
		before := p
		p = strings.TrimLeft(p, ",;:|")
		p = strings.TrimRight(p, ",;:|")
		if len(p) >= 2 && (p[0] == '.' || p[0] == '-' || p[0] == '*') && p[1] == ' ' {
			p = p[2:]
		}
		for _, link := range [...]string{"and ", "or ", "& ", "and/or "} {
			if len(p) > len(link) && strings.HasPrefix(p, link) {
				p = p[len(link):]
			}
		}
		p = trimFinalStop(p)
		p = strings.TrimSpace(p)
		if p == before {
			break
		}
	}
	for _, r := range p {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return p
		}
	}
	return ""
}

// trimFinalStop removes a full stop that ends p after a word, unless the
// last word is an abbreviation ("etc.", "e.g.", "Inc.", "U.S.").
func trimFinalStop(p string) string {
	if len(p) < 2 || p[len(p)-1] != '.' {
		return p
	}
	last := p[strings.LastIndexByte(p, ' ')+1 : len(p)-1]
	if last == "" || strings.IndexByte(last, '.') >= 0 {
		return p
	}
	switch strings.ToLower(last) {
	case "etc", "inc", "ltd", "co", "corp", "jr", "sr", "st", "vs", "no", "approx":
		return p
	}
	return p[:len(p)-1]
}

// isLinkWord reports whether the lower-case word w links the words around
// it into one phrase ("Proficiency in HTML", "Scrum or Kanban").
func isLinkWord(w string) bool {
	switch strings.TrimRight(w, ",:") {
	case "a", "an", "and", "and/or", "as", "at", "by", "e.g.", "etc.",
		"for", "from", "i.e.", "in", "including", "into", "like", "nor",
		"of", "on", "or", "per", "such", "than", "the", "to", "using",
		"versus", "via", "vs", "vs.", "with", "within":
		return true
	}
	return false
}

// isBrandPrefix reports whether w begins multi-word product or method
// names, so that the capitalised word after it belongs to the same phrase
// ("Google Analytics", "Adobe Creative Suite", "Six Sigma", "MS Office").
func isBrandPrefix(w string) bool {
	switch w {
	case "Adobe", "Amazon", "Apache", "Apple", "Atlassian", "Autodesk",
		"Bing", "Cisco", "Google", "IBM", "Lean", "MS", "Meta", "Microsoft",
		"Oracle", "Power", "React", "Red", "SAP", "Salesforce", "Six",
		"Visual":
		return true
	}
	return false
}

// lastPart returns the part of w after its last '/' or '-', without
// trailing punctuation.
func lastPart(w string) string {
	w = strings.TrimRight(w, ".,:;!?)")
	if i := strings.LastIndexAny(w, "/-"); i >= 0 && i+1 < len(w) {
		return w[i+1:]
	}
	return w
}

// isCommonNoun reports whether the capitalised word w is, by its ending, a
// common noun that can be a phrase on its own ("Collaboration",
// "Problem-solving", "Empathy", "Analytics", "Budgeting").
func isCommonNoun(w string) bool {
	p := lastPart(w)
	if p == "" {
		return false
	}
	if p != w && strings.IndexAny(w, "/-") >= 0 {
		// "Problem-solving", "Self-care": a lower-case part after a hyphen.
		if r, _ := utf8.DecodeRuneInString(p); unicode.IsLower(r) {
			return true
		}
	}
	for _, suf := range [...]string{"tion", "sion", "ment", "ness", "ance", "ence", "ics", "ship", "ism", "sis", "y"} {
		if strings.HasSuffix(p, suf) && len(p) > len(suf)+2 {
			return true
		}
	}
	return len(p) >= 7 && strings.HasSuffix(p, "ing")
}

// isAdjective reports whether the capitalised word w is, by its ending, an
// adjective, which does not end a phrase ("Technical", "Strategic",
// "Creative", "Continuous", "RESTful", "Advanced").
func isAdjective(w string) bool {
	p := lastPart(w)
	for _, suf := range [...]string{"al", "ic", "ive", "ous", "ful", "ible", "able", "ed"} {
		if strings.HasSuffix(p, suf) && len(p) > len(suf)+2 {
			return true
		}
	}
	return false
}
