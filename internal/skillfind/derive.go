package skillfind

import (
	"strings"

	"github.com/skillx/skillx/internal/tfidf"
)

// The rules by which NewVocabulary derives the names a résumé uses from the catalog's phrases
// and O*NET's examples.

// genericTail are words that, after a tool name, do not change the skill: "Python
// programming" is Python, "SQL queries" SQL, "HTML basics" HTML (plural-folded keys).
var genericTail = map[string]bool{
	"programming": true, "scripting": true, "script": true, "development": true, "developer": true,
	"querie": true, "query": true, "querying": true, "spreadsheet": true, "formula": true,
	"formulae": true, "dashboard": true, "modeling": true, "modelling": true, "model": true,
	"reporting": true, "report": true, "administration": true, "operation": true, "container": true,
	"module": true, "software": true, "skill": true, "knowledge": true, "basic": true, "basics": true,
	"tool": true, "tooling": true, "platform": true, "terminal": true, "proficiency": true,
	"experience": true, "system": true, "framework": true, "language": true, "database": true,
	"application": true, "suite": true, "environment": true, "cluster": true, "service": true,
}

// qualifiers may precede a tool name: "Advanced Excel formulas".
var qualifiers = map[string]bool{
	"advanced": true, "basic": true, "strong": true, "proficient": true, "expert": true,
	"intermediate": true, "working": true, "solid": true, "excellent": true,
}

// vendors are the company names O*NET puts before a product ("Microsoft Excel").
var vendors = [][]string{
	{"microsoft"}, {"adobe"}, {"autodesk"}, {"ibm"}, {"oracle"}, {"intuit"}, {"apple"},
	{"amazon"}, {"google"}, {"atlassian"}, {"esri"}, {"sap"}, {"the", "mathwork"},
	{"sun", "microsystem"}, {"salesforce.com"}, {"red", "hat"}, {"apache"}, {"corel"},
	{"trimble"}, {"bentley"}, {"dassault", "systeme"}, {"sage"}, {"epic", "system"},
}

// noVendorAlias are product names that are too common as words to stand alone
// ("Microsoft Word", "Microsoft Project", "Google Docs").
var noVendorAlias = map[string]bool{
	"word": true, "access": true, "project": true, "team": true, "office": true, "dynamic": true,
	"publisher": true, "note": true, "doc": true, "sheet": true, "form": true, "slide": true,
	"drive": true, "site": true, "cloud": true, "analytic": true, "ad": true, "map": true,
	"calendar": true, "search": true, "mail": true, "chat": true, "meet": true, "photo": true,
	"database": true, "software": true, "system": true, "server": true,
}

// ambiguous are skill names that are also common English words: they match only when the
// text capitalises them.
var ambiguous = map[string]bool{
	"go": true, "r": true, "c": true, "d": true, "swift": true, "rust": true, "spring": true,
	"express": true, "excel": true, "outlook": true, "word": true, "access": true, "team": true,
	"sketch": true, "jest": true, "dart": true, "julia": true, "ruby": true, "elm": true,
	"ember": true, "chef": true, "puppet": true, "salt": true, "spark": true, "hive": true,
	"pig": true, "compose": true, "mode": true, "epic": true, "sage": true, "window": true,
	"project": true, "office": true, "shell": true, "flow": true, "slack": true, "zoom": true,
	"box": true, "notion": true, "canvas": true, "looker": true, "keynote": true, "page": true,
	"number": true, "bamboo": true, "maven": true,
}

// isProper reports whether the word w of a vocabulary form is a proper name.
func (b *builder) isProper(w word, surface string) bool {
	s := surface[w.start:w.end]
	if w.upper && len(s) >= 2 || hasInnerCapital(s) {
		return true
	}
	return b.proper[w.key] && !b.lower[w.key]
}

// derive adds the forms named by the rules of NewVocabulary.
func (b *builder) derive() {
	for _, f := range append([]*form(nil), b.order...) {
		if f.alias != nil {
			continue
		}
		if to := b.deriveName(f); to != nil && root(to) != f {
			f.alias = to
		}
	}
}

// deriveName returns the form that f names by the rules of NewVocabulary, or nil.
func (b *builder) deriveName(f *form) *form {
	for _, rule := range []func(*form) *form{b.softwareRule, b.acronymRule, b.vendorRule, b.skillsRule, b.toolRule} {
		if g := rule(f); g != nil {
			return g
		}
	}
	return nil
}

// softwareRule: O*NET's "X software" is X when X is a name ("Salesforce software").
func (b *builder) softwareRule(f *form) *form {
	ws, n := f.ws, len(f.ws)
	if n >= 2 && ws[n-1].key == "software" && b.isName(ws[:n-1], f.text) {
		return b.derivedForm(f.text[:ws[n-2].end], f)
	}
	return nil
}

// acronymRule: a final acronym of the words before it names the skill ("Structured query
// language SQL" is SQL), and so do those words.
func (b *builder) acronymRule(f *form) *form {
	ws, n, text := f.ws, len(f.ws), f.text
	if n < 3 || !ws[n-1].upper || ws[n-1].end-ws[n-1].start < 2 || !acronymOf(ws[n-1].key, ws[:n-1]) {
		return nil
	}
	g := b.derivedForm(text[ws[n-1].start:ws[n-1].end], f)
	if g != nil {
		b.aliasForm(strings.TrimSpace(text[:ws[n-1].start]), g)
	}
	return g
}

// vendorRule: a vendor prefix may be left out ("Microsoft Excel" is Excel, and "MS Excel"
// too), unless the rest is one common word ("Microsoft Word").
func (b *builder) vendorRule(f *form) *form {
	ws, n, text := f.ws, len(f.ws), f.text
	for _, v := range vendors {
		if n <= len(v) || !hasPrefixKeys(ws, v) {
			continue
		}
		rest := ws[len(v):]
		restText := text[rest[0].start:]
		if len(rest) == 1 && (noVendorAlias[rest[0].key] || len(restText) < 2 || !b.isProper(rest[0], text)) {
			return nil
		}
		if v[0] == "microsoft" {
			b.variantAlias(f, "MS "+restText)
		}
		return b.derivedForm(restText, f)
	}
	return nil
}

// skillsRule: "X skills" is X ("Negotiation skills", "Communication skills").
func (b *builder) skillsRule(f *form) *form {
	ws, n := f.ws, len(f.ws)
	if n >= 2 && ws[n-1].key == "skill" {
		return b.derivedForm(strings.TrimSpace(f.text[:ws[n-2].end]), f)
	}
	return nil
}

// toolRule: a tool name followed by generic words names the tool ("Python programming",
// "Advanced Excel formulas"), when the name is a skill of its own or a proper name.
func (b *builder) toolRule(f *form) *form {
	ws, n, text := f.ws, len(f.ws), f.text
	i := 0
	for i < n-1 && qualifiers[ws[i].key] {
		i++
	}
	for coreLen := 1; coreLen <= 2 && i+coreLen < n; coreLen++ {
		core, tail := ws[i:i+coreLen], ws[i+coreLen:]
		if !allGeneric(tail) || text[core[coreLen-1].end] == '-' {
			continue // "Cross-platform frameworks" is not "Cross"
		}
		if g := b.forms[joinKeys(core)]; g != nil && g != f {
			return root(g)
		}
		if b.allCapitalised(core, text) && b.anyProperAll(core, text) {
			if g := b.derivedForm(text[core[0].start:core[len(core)-1].end], f); g != nil {
				return g
			}
		}
	}
	return nil
}

// derivedForm returns the form of text, adding it as a derived form (with f's counts) when it
// is new; nil when text has no word.
func (b *builder) derivedForm(text string, f *form) *form {
	ws := words(text)
	if len(ws) == 0 {
		return nil
	}
	g := b.forms[joinKeys(ws)]
	if g == nil {
		g = &form{key: joinKeys(ws), ws: ws, text: text, kind: kindDerived, surfaces: map[string]int64{text: 1}, roles: map[int]bool{}, catalog: f.catalog}
		b.forms[g.key] = g
		b.order = append(b.order, g)
		if to := b.deriveName(g); to != nil && to != g {
			g.alias = to
		}
	}
	if g == f {
		return nil
	}
	return root(g)
}

// abbreviates reports whether the acronym acr abbreviates all the words ws ("aml": "anti money
// laundering"; "wcag": "web accessibility").
func abbreviates(acr string, ws []word) bool {
	var content []word
	for _, w := range ws {
		if !tfidf.IsStopWord(w.key) {
			content = append(content, w)
		}
	}
	if len(content) == 0 || content[0].key[0] != strings.ToLower(acr)[0] {
		return false
	}
	return len(content) == 1 || acronymOf(acr, content) && initialsRun(acr, content) == len(content)
}

// initialsRun returns the length of the longest run of last words of ws whose initials and
// acr's letters are one a subsequence of the other with the same first letter.
func initialsRun(acr string, ws []word) int {
	letters := strings.ToLower(acr)
	best := 0
	var initials []byte
	for i := len(ws) - 1; i >= 0; i-- {
		initials = append([]byte{ws[i].key[0]}, initials...)
		if initials[0] == letters[0] && (isSubsequence(string(initials), letters) || isSubsequence(letters, string(initials))) {
			best = len(initials)
		}
	}
	return best
}

// acronymOf reports whether acr (lower-case) abbreviates a run of at least two of the last
// words ws: the initials of the run and the acronym's letters, one a subsequence of the other,
// start with the same letter ("sql": "structured query language"; "html": "hypertext markup
// language"; "ec2": "elastic compute cloud"), stop words left out.
func acronymOf(acr string, ws []word) bool {
	letters := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' {
			return r
		}
		return -1
	}, acr)
	if len(letters) < 2 {
		return false
	}
	var initials []byte
	for i := len(ws) - 1; i >= 0; i-- {
		if tfidf.IsStopWord(ws[i].key) {
			continue
		}
		initials = append([]byte{ws[i].key[0]}, initials...)
		if len(initials) >= 2 && initials[0] == letters[0] &&
			(isSubsequence(string(initials), letters) || isSubsequence(letters, string(initials))) {
			return true
		}
	}
	return false
}

// isSubsequence reports whether a is a subsequence of b.
func isSubsequence(a, b string) bool {
	i := 0
	for j := 0; i < len(a) && j < len(b); j++ {
		if a[i] == b[j] {
			i++
		}
	}
	return i == len(a)
}

// aliasForm makes text (the long form of an acronym) another form of g's skill.
func (b *builder) aliasForm(text string, g *form) {
	ws := words(text)
	if len(ws) < 2 {
		return
	}
	key := joinKeys(ws)
	if f, ok := b.forms[key]; ok {
		if f.alias == nil && f != g && root(g) != f {
			f.alias = g
		}
		return
	}
	f := &form{key: key, ws: ws, text: text, kind: kindDerived, surfaces: map[string]int64{text: 1}, roles: map[int]bool{}, alias: g}
	b.forms[key] = f
	b.order = append(b.order, f)
}

// variantAlias adds text as another form of f's skill ("MS Excel").
func (b *builder) variantAlias(f *form, text string) {
	ws := words(text)
	key := joinKeys(ws)
	if _, ok := b.forms[key]; ok || len(ws) == 0 {
		return
	}
	g := &form{key: key, ws: ws, text: text, kind: kindDerived, surfaces: map[string]int64{text: 1}, roles: map[int]bool{}, alias: f}
	b.forms[key] = g
	b.order = append(b.order, g)
}

// root follows aliases to the form that names the skill.
func root(f *form) *form {
	for i := 0; f.alias != nil && i < 8; i++ {
		f = f.alias
	}
	return f
}

func hasPrefixKeys(ws []word, p []string) bool {
	for i, k := range p {
		if ws[i].key != k {
			return false
		}
	}
	return true
}

func allGeneric(ws []word) bool {
	for _, w := range ws {
		if !genericTail[w.key] {
			return false
		}
	}
	return len(ws) > 0
}

// isName reports whether the words ws are a name: all capitalised, and one word in capitals,
// mixed case or never written in lower case in the catalog's phrases and descriptions, or
// several words of which one is ("SAP", "Salesforce", "Alteryx", "Amazon Web Services AWS";
// not "Accounting" or "Email").
func (b *builder) isName(ws []word, text string) bool {
	if !b.allCapitalised(ws, text) {
		return false
	}
	for _, w := range ws {
		if b.isProper(w, text) || !b.lower[w.key] {
			return true
		}
	}
	return false
}

// allCapitalised reports whether every word of ws starts with a capital or a digit.
func (b *builder) allCapitalised(ws []word, text string) bool {
	for _, w := range ws {
		c := text[w.start]
		if !(w.capital || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// anyProperAll reports whether the words ws are a name: all proper, or a capitalised word
// followed by one in capitals ("Power BI").
func (b *builder) anyProperAll(ws []word, text string) bool {
	for _, w := range ws {
		if !b.isProper(w, text) && !(len(ws) > 1 && w.capital) {
			return false
		}
	}
	for _, w := range ws {
		if b.isProper(w, text) {
			return true
		}
	}
	return false
}

// variants returns the other token sequences that name f: without a trailing version number
// ("Python 3" -> "Python"), a capitalised name without its version ("CSS3" -> "CSS"),
// hyphenated and dotted words joined ("full-stack" -> "fullstack", "node.js" -> "nodejs").
func variants(f *form) [][]string {
	base := make([]string, len(f.ws))
	for i, w := range f.ws {
		base[i] = w.key
	}
	var out [][]string
	add := func(ks []string) {
		if len(ks) > 0 && strings.Join(ks, " ") != f.key {
			for _, o := range out {
				if strings.Join(o, " ") == strings.Join(ks, " ") {
					return
				}
			}
			out = append(out, ks)
		}
	}
	n := len(base)
	if n >= 2 && isVersionNumber(base[n-1]) && !isVersionNumber(base[n-2]) {
		vendor := false
		for _, v := range vendors {
			if n-1 == len(v) && hasPrefixKeys(f.ws, v) {
				vendor = true
			}
		}
		if !vendor {
			add(base[:n-1])
		}
	}
	unversioned := append([]string(nil), base...)
	changed := false
	for i, w := range f.ws {
		if w.upper && w.alt != "" && len(w.alt) >= 3 {
			unversioned[i] = w.alt
			changed = true
		}
	}
	if changed {
		add(unversioned)
	}
	// Joined forms of hyphenated and dotted words, plural-folded as a text's word would be.
	var joined []string
	changed = false
	for i := 0; i < n; i++ {
		k := base[i]
		if strings.Contains(k, ".") {
			k = strings.ReplaceAll(k, ".", "")
			changed = true
		}
		for i+1 < n && f.ws[i+1].start == f.ws[i].end+1 && f.text[f.ws[i].end] == '-' {
			k += base[i+1]
			i++
			changed = true
		}
		joined = append(joined, foldPlural(k))
	}
	if changed {
		add(joined)
	}
	return out
}
