package skillsplit

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/skillx/skillx/internal/textnorm"
)

// Version changes whenever Split changes what it returns (clean keys its outputs on it).
const Version = "3"

// Split splits a posting's skills text into skill phrases. It takes
// the text as the source wrote it, line breaks included: normalising white
// space first would join the source's items into one run-on line.
//
// A text with items of its own (two or more pieces between line breaks and
// the bullets •, ·, ▪, ‣, ●, ◦, ■ and ►, each piece losing a list marker
// such as "- ", "* ", "+ ", "– ", "1. ", "2) " or "(3) " at its
// start) is split into those items only. An item is one phrase, however
// long ("BA/BS degree in Computer Science or equivalent practical
// experience."), unless it is a short list: two or more parts between
// commas, semicolons or pipes outside parentheses, none longer than four
// words, the item not ending in a full stop, and no part starting in lower
// case after a first part that does not ("Java, C++, or Go" is cut there;
// "Strong communication skills, both written and verbal" is not). The
// run-on rules below never apply to such a text.
//
// A text without items of its own works in two stages. First it is cut at
// explicit separators: commas, semicolons and pipes that are not inside
// parentheses ("Social media platforms (e.g., Facebook, Twitter)" stays
// whole), and the line breaks, bullets and list markers above. A '('
// without a matching ')' is an ordinary character, so unbalanced text
// loses nothing.
//
// Then a segment written in the Kaggle run-on style, where phrases in
// sentence case follow each other with nothing but a space between them
// ("Content creation and scheduling Social media analytics Community
// engagement"), is cut where a new phrase starts (rules below). A segment
// is taken to be in that style when it has two strong phrase starts (a
// word that starts a phrase and is followed by a lower-case word that is
// not a linking word, as in "skills Communication skills"), or one after
// a parenthesised group, or, when the segment is the whole text, one such
// start after a lower-case word, a group or a common noun plus a second
// start. In a text with a run-on segment, the other segments are cut too
// when they have a start after a lower-case word or a group ("Front-end
// web development HTML, CSS, JavaScript Responsive design" gives
// "Front-end web development", "HTML", ...), and an enumeration ending in
// ", and X" or ", or X" is kept in its phrase ("Proficiency in HTML, CSS,
// and JavaScript"). Other text, such as LinkedIn's and O*NET's lists
// ("Building Custodial Services", "1 year Customer Service experience"),
// is cut at its separators only.
//
// Within a run-on segment, a word starts a new phrase when it begins with
// an upper-case letter or a digit, or is a lower-case name with capitals
// inside ("eLearning"), and one of these holds:
//
//   - it follows a lower-case word other than a linking word (and, or, of,
//     in, for, with, like, ...): "skills Communication", "development
//     HTML", but not an acronym after a hyphenated modifier ("off-page SEO
//     optimization");
//   - it follows a parenthesised group: "(e.g., Jira) Budget management";
//   - it is a capitalised word after an all-caps acronym: "SEO Content
//     marketing", "SQL Data tools" (the Kaggle data has no acronym-led
//     name outside parentheses, where nothing is cut), unless it is a
//     product-name tail (Suite, Server, Studio, Platform, Pro, Edition,
//     Express, Workspace), which never starts a phrase: "SQL Server",
//     "Microsoft Office Suite proficiency";
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
func Split(text string) []string {
	return splitSkills(text, true)
}

// splitSkills is Split; dedupe says whether to drop duplicate
// phrases (tests turn it off to check that no text is lost).
func splitSkills(text string, dedupe bool) []string {
	if items := cutItems(text); len(items) >= 2 {
		out := make([]string, 0, 2*len(items))
		for _, it := range items {
			out = appendItem(out, it, dedupe)
		}
		return out
	}
	var sbuf [16]segment
	var wbuf [96]word
	segs := cutSegments(text, sbuf[:0])
	if len(segs) == 0 {
		return nil
	}
	ws := wbuf[:0]
	alone := len(segs) == 1
	textRunOn := false
	for i := range segs {
		s := &segs[i]
		s.w0 = len(ws)
		ws = tokenize(s.text(), ws)
		s.w1 = len(ws)
		s.st = countStarts(s.text(), ws[s.w0:s.w1])
		if s.st.runOn(alone) {
			textRunOn = true
		}
	}
	if textRunOn {
		segs = mergeLists(segs)
	}
	out := make([]string, 0, 8)
	for _, s := range segs {
		switch {
		case s.merged:
			out = appendRunOn(out, s.text(), tokenize(s.text(), nil), dedupe)
		case s.st.runOn(alone) || (textRunOn && s.st.lowerOrGroup > 0):
			out = appendRunOn(out, s.text(), ws[s.w0:s.w1], dedupe)
		default:
			out = appendPhrase(out, s.text(), dedupe)
		}
	}
	return out
}

// segment is a piece of skills text between explicit separators.
type segment struct {
	line       string // the line of text the segment is in
	lineNo     int    // the number of that line in the text
	start, end int    // the segment's offsets in line
	comma      bool   // a comma separates the segment from the one before
	merged     bool   // the segment was made by mergeLists
	w0, w1     int    // the segment's words in splitSkills' word buffer
	st         starts // phrase starts found by countStarts
}

// text returns the text of s.
func (s segment) text() string {
	return s.line[s.start:s.end]
}

// cutSegments appends to segs the pieces of text between explicit
// separators, skipping pieces that are only white space.
func cutSegments(text string, segs []segment) []segment {
	for lineNo := 0; len(text) > 0; lineNo++ {
		line, rest := cutLine(text)
		text = rest
		line = trimBullet(line)
		opens := unmatchedOpens(line)
		depth, start := 0, 0
		comma := false
		for i := 0; i < len(line); i++ {
			switch c := line[i]; c {
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
					segs = appendSegment(segs, segment{line: line, lineNo: lineNo, start: start, end: i, comma: comma})
					start = i + 1
					comma = c == ','
				}
			}
		}
		segs = appendSegment(segs, segment{line: line, lineNo: lineNo, start: start, end: len(line), comma: comma})
	}
	return segs
}

// appendSegment trims s and appends it to segs unless it is blank.
func appendSegment(segs []segment, s segment) []segment {
	for s.start < s.end && isASCIISpace(s.line[s.start]) {
		s.start++
	}
	for s.end > s.start && isASCIISpace(s.line[s.end-1]) {
		s.end--
	}
	if s.start == s.end {
		return segs
	}
	return append(segs, s)
}

// isASCIISpace reports whether c is an ASCII white-space character.
func isASCIISpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\v' || c == '\f'
}

// mergeLists joins back the comma-separated items of an inline
// enumeration that ends in "and X" or "or X", in a text written in the
// run-on style: in "Proficiency in HTML, CSS, and JavaScript Experience
// with frontend frameworks like React, Angular, or Vue.js Responsive web
// design" the commas belong to phrases. A segment that starts with "and "
// or "or " after a comma is merged with the one-word items before it and
// with the nearest longer segment before those, within one line.
func mergeLists(segs []segment) []segment {
	out := segs[:0]
	for _, s := range segs {
		t := s.text()
		if !s.comma || !(strings.HasPrefix(t, "and ") || strings.HasPrefix(t, "or ")) {
			out = append(out, s)
			continue
		}
		m := s
		m.merged = true
		for m.comma && len(out) > 0 && out[len(out)-1].lineNo == s.lineNo {
			prev := out[len(out)-1]
			out = out[:len(out)-1]
			m.start, m.comma = prev.start, prev.comma
			if strings.IndexByte(prev.text(), ' ') >= 0 {
				break
			}
		}
		out = append(out, m)
	}
	return out
}

// cutItems returns the pieces of text between line breaks and bullets,
// without their list markers, leaving out blank ones.
func cutItems(text string) []string {
	var items []string
	for len(text) > 0 {
		line, rest := cutLine(text)
		text = rest
		if line = strings.TrimSpace(trimBullet(line)); line != "" {
			items = append(items, line)
		}
	}
	return items
}

// appendItem appends the phrases of one item of a text with items of its
// own (see Split) to out.
func appendItem(out []string, item string, dedupe bool) []string {
	var sbuf [16]segment
	segs := cutSegments(item, sbuf[:0])
	if !isShortList(item, segs) {
		return appendPhrase(out, item, dedupe)
	}
	for _, s := range segs {
		out = appendPhrase(out, s.text(), dedupe)
	}
	return out
}

// isShortList reports whether an item, cut into segs at commas, semicolons
// and pipes outside parentheses, is a list of short names rather than a
// sentence (see Split).
func isShortList(item string, segs []segment) bool {
	if len(segs) < 2 || trimFinalStop(item) != item {
		return false
	}
	var wbuf [8]word
	firstLower := false
	for i, s := range segs {
		t := s.text()
		for _, link := range [...]string{"and ", "or ", "& ", "and/or "} {
			if strings.HasPrefix(t, link) {
				t = strings.TrimSpace(t[len(link):])
				break
			}
		}
		ws := tokenize(t, wbuf[:0])
		if len(ws) == 0 || t == "etc." || t == "etc" {
			continue
		}
		if len(ws) > 4 {
			return false
		}
		lower := ws[0].kind == kindLower
		if i == 0 {
			firstLower = lower
		} else if lower && !firstLower {
			return false
		}
	}
	return true
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
		case 0xE2:
			// U+2022 •, U+2023 ‣ are E2 80 A2/A3; U+25AA ▪, U+25A0 ■,
			// U+25BA ►, U+25CF ●, U+25E6 ◦ are E2 96 AA/A0/BA and E2 97 8F/A6.
			if i+2 < len(s) && ((s[i+1] == 0x80 && (s[i+2] == 0xA2 || s[i+2] == 0xA3)) ||
				(s[i+1] == 0x96 && (s[i+2] == 0xAA || s[i+2] == 0xA0 || s[i+2] == 0xBA)) ||
				(s[i+1] == 0x97 && (s[i+2] == 0x8F || s[i+2] == 0xA6))) {
				return s[:i], s[i+3:]
			}
		}
	}
	return s, ""
}

// trimBullet removes a list marker from the start of a line: "- ", "* ",
// "+ ", "– " or "— " (en and em dashes), a number of at most three digits
// followed by '.' or ')' ("1. ", "12) ") or inside parentheses ("(3) "),
// each followed by a space or a tab.
func trimBullet(line string) string {
	t := strings.TrimLeft(line, " \t")
	n := listMarker(t)
	if n == 0 || n >= len(t) || (t[n] != ' ' && t[n] != '\t') {
		return line
	}
	return t[n+1:]
}

// listMarker returns the length of the list marker at the start of t, or 0.
func listMarker(t string) int {
	if t == "" {
		return 0
	}
	switch {
	case t[0] == '-' || t[0] == '*' || t[0] == '+':
		return 1
	case strings.HasPrefix(t, "–"), strings.HasPrefix(t, "—"):
		return len("–")
	}
	i := 0
	paren := t[0] == '('
	if paren {
		i++
	}
	j := i
	for j < len(t) && j-i < 3 && '0' <= t[j] && t[j] <= '9' {
		j++
	}
	if j > i && j < len(t) && (t[j] == ')' || (t[j] == '.' && !paren)) {
		return j + 1
	}
	return 0
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
	for i := 0; i <= len(seg); {
		c, size := byte(' '), 1
		if i < len(seg) {
			c = seg[i]
		}
		space := c == ' ' || c == '\t' || c == '\v' || c == '\f'
		if c >= utf8.RuneSelf {
			var r rune
			r, size = utf8.DecodeRuneInString(seg[i:])
			space = unicode.IsSpace(r) // U+00A0 NO-BREAK SPACE and others
		}
		if depth == 0 && space {
			if start >= 0 {
				group := seg[start] == '(' && !containsInt(opens, start)
				ws = append(ws, word{start: start, end: i, kind: classify(seg[start:i], group), closes: closes})
				start = -1
			}
			i += size
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
		i += size
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
	afterNoun              // a capital after a common noun, or a new brand name
	afterName              // a capital, followed by a lower-case word, after a name
)

// startsPhrase reports whether word i of seg starts a new phrase, and why.
func startsPhrase(seg string, ws []word, i int) startKind {
	prev, cur := ws[i-1], ws[i]
	if !capLike(cur.kind) {
		return noStart
	}
	pw := seg[prev.start:prev.end]
	switch {
	case pw[len(pw)-1] == ',':
		// an enumeration kept whole by mergeLists: "React, Angular, or Vue.js"
		return noStart
	case prev.kind == kindGroup || prev.closes:
		return afterGroup
	case prev.kind == kindLower:
		if isLinkWord(pw) || (cur.kind == kindAcronym && strings.IndexByte(pw, '-') >= 0) {
			// "Proficiency in HTML"; a hyphenated modifier goes with the
			// acronym after it: "off-page SEO optimization".
			return noStart
		}
		return afterLower
	case prev.kind == kindDigit || prev.kind == kindOther || cur.kind == kindDigit:
		return noStart
	}
	// prev is capitalised, an acronym or a mixed-case name.
	cw := seg[cur.start:cur.end]
	if isProductTail(cw) {
		return noStart
	}
	if prev.kind == kindAcronym {
		if cur.kind == kindAcronym || isBrandPrefix(pw) {
			return noStart
		}
		return afterAcronym
	}
	if isBrandPrefix(cw) && !isBrandPrefix(pw) && !isAdjective(pw) {
		return afterNoun
	}
	if isBrandPrefix(pw) || isAdjective(pw) {
		return noStart
	}
	if isCommonNoun(pw) {
		return afterNoun
	}
	if i+1 < len(ws) && ws[i+1].kind == kindLower {
		return afterName
	}
	return noStart
}

// starts counts the phrase starts that startsPhrase finds in a segment.
type starts struct {
	// total counts all phrase starts.
	total int
	// strong counts the words that start a phrase in sentence case (see
	// sentenceCase), as in run-on text ("skills Communication skills",
	// "Troubleshooting IT support"). Of those, clear counts
	// the ones after a lower-case word, a group or a common noun, and
	// group the ones after a group ("(e.g., Jira) Budget management").
	strong, clear, group int
	// lowerOrGroup counts the phrase starts after a lower-case word or a
	// group, strong or not ("development HTML").
	lowerOrGroup int
}

// runOn reports whether a segment with these phrase starts is written in
// the run-on style: two strong starts, or a strong start after a group,
// or, when the segment is the whole text (alone), a clear start and a
// second start at least one of which follows a lower-case word or a group.
// Title-case names and list items ("Building Custodial Services", "A Large
// Outdoor Fire plume Trajectory model", "1 year Customer Service
// experience") fall short of this.
func (st starts) runOn(alone bool) bool {
	return st.strong >= 2 || st.group >= 1 ||
		(alone && st.clear >= 1 && st.lowerOrGroup >= 1 && st.total >= 2)
}

// sentenceCase reports whether word i of seg is followed by a lower-case
// word that is not a linking word, directly or after "and" or "or", as
// the first word of a phrase in sentence case is ("Communication skills",
// "Prototyping and testing", but not "Degree in", "Housing and Meals").
func sentenceCase(seg string, ws []word, i int) bool {
	for j := i + 1; j < len(ws) && j <= i+2 && ws[j].kind == kindLower; j++ {
		w := seg[ws[j].start:ws[j].end]
		if !isLinkWord(w) {
			return true
		}
		if j > i+1 || (w != "and" && w != "or") {
			return false
		}
	}
	return false
}

// countStarts returns the phrase starts that startsPhrase finds in seg,
// whose words are ws.
func countStarts(seg string, ws []word) starts {
	var st starts
	for i := 1; i < len(ws); i++ {
		k := startsPhrase(seg, ws, i)
		if k == noStart {
			continue
		}
		st.total++
		if k == afterLower || k == afterGroup {
			st.lowerOrGroup++
		}
		// An acronym after a lower-case word or a group is often the short
		// form of the words before it ("Fast Fourier transform FFT analysis
		// software"), so only one after a common noun counts
		// ("Troubleshooting IT support").
		cur := ws[i].kind
		if cur != kindDigit && (cur != kindAcronym || k == afterNoun) && sentenceCase(seg, ws, i) {
			st.strong++
			switch k {
			case afterGroup:
				st.group++
				st.clear++
			case afterLower, afterNoun:
				st.clear++
			}
		}
	}
	return st
}

// appendRunOn appends the phrases of the run-on segment seg, whose words
// are ws, to out.
func appendRunOn(out []string, seg string, ws []word, dedupe bool) []string {
	start := 0
	for i := 1; i < len(ws); i++ {
		if startsPhrase(seg, ws, i) != noStart {
			out = appendPhrase(out, seg[ws[start].start:ws[i-1].end], dedupe)
			start = i
		}
	}
	if len(ws) > 0 {
		out = appendPhrase(out, seg[ws[start].start:ws[len(ws)-1].end], dedupe)
	}
	return out
}

// appendPhrase cleans p and appends it to out unless it is empty or, with
// dedupe, a case-insensitive duplicate of a phrase already in out.
func appendPhrase(out []string, p string, dedupe bool) []string {
	p = cleanPhrase(p)
	if p == "" {
		return out
	}
	if dedupe {
		for _, q := range out {
			if strings.EqualFold(q, p) {
				return out
			}
		}
	}
	return append(out, p)
}

// cleanPhrase normalises p and removes separator artefacts from its ends.
// It returns "" for a phrase with no letter or digit.
func cleanPhrase(p string) string {
	p = textnorm.NormalizeText(p)
	for {
		before := p
		for len(p) > 0 && isPhraseEdge(p[0]) {
			p = p[1:]
		}
		for len(p) > 0 && isPhraseEdge(p[len(p)-1]) {
			p = p[:len(p)-1]
		}
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

// isPhraseEdge reports whether c is a separator character that is dropped
// from the ends of a phrase.
func isPhraseEdge(c byte) bool {
	return c == ',' || c == ';' || c == ':' || c == '|' || c == ' '
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
	for len(w) > 1 && (w[len(w)-1] == ',' || w[len(w)-1] == ':') {
		w = w[:len(w)-1]
	}
	switch w {
	case "a", "about", "above", "across", "after", "against", "along",
		"among", "an", "and", "and/or", "around", "as", "at", "before",
		"below", "between", "beyond", "but", "by", "during", "e.g.", "etc.",
		"except", "for", "from", "i.e.", "in", "including", "inside", "into",
		"like", "nor", "of", "off", "on", "onto", "or", "over", "per",
		"such", "than", "the", "through", "throughout", "to", "toward",
		"towards", "under", "until", "upon", "using", "versus", "via", "vs",
		"vs.", "with", "within", "without":
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

// isProductTail reports whether w ends multi-word product names, so that
// it belongs to the capitalised word before it ("Microsoft Office Suite",
// "SQL Server", "Visual Studio").
func isProductTail(w string) bool {
	switch strings.TrimRight(w, ",.") {
	case "Edition", "Express", "Platform", "Pro", "Server", "Studio", "Suite", "Workspace":
		return true
	}
	return false
}

// lastPart returns the part of w after its last '/' or '-', without
// trailing punctuation, and whether there was such a '/' or '-'.
func lastPart(w string) (part string, joined bool) {
	for len(w) > 0 {
		switch w[len(w)-1] {
		case '.', ',', ':', ';', '!', '?', ')':
			w = w[:len(w)-1]
			continue
		}
		break
	}
	for i := len(w) - 2; i >= 0; i-- {
		if w[i] == '/' || w[i] == '-' {
			return w[i+1:], true
		}
	}
	return w, false
}

// isCommonNoun reports whether the capitalised word w is, by its ending, a
// common noun that can be a phrase on its own ("Collaboration",
// "Problem-solving", "Empathy", "Analytics", "Budgeting").
func isCommonNoun(w string) bool {
	p, joined := lastPart(w)
	if p == "" {
		return false
	}
	if r, _ := utf8.DecodeRuneInString(p); joined && unicode.IsLower(r) {
		// "Problem-solving", "Self-care": a lower-case part after a hyphen.
		return true
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
	p, _ := lastPart(w)
	for _, suf := range [...]string{"al", "ic", "ive", "ous", "ful", "ible", "able", "ed"} {
		if strings.HasSuffix(p, suf) && len(p) > len(suf)+2 {
			return true
		}
	}
	return false
}
