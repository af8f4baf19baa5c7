package skillfind

import (
	"math"
	"sort"
	"strings"

	"github.com/skillx/skillx/internal/records"
	"github.com/skillx/skillx/internal/tfidf"
)

// Vocabulary is the set of skills the finder looks for: the skill phrases of the role catalog
// (data/clean/roles.parquet) and, when given, O*NET's technology skills, each expanded into the
// forms a résumé uses (see NewVocabulary). It is read-only once built and safe for concurrent
// use.
type Vocabulary struct {
	groups  []Group
	entries []entry
	ids     map[string]int32 // word key -> id
	first   map[int32][]int32
}

// Group is one skill of the vocabulary: the forms that name it ("Python", "Python
// programming", "Python scripting") and what the catalog says about it.
type Group struct {
	// Name is the skill's display name.
	Name string
	// Phrases are the catalog phrases and O*NET examples of the skill, most frequent first (at
	// most 8).
	Phrases []string
	// Postings is the number of phrase mentions in the catalog's postings (a posting that names
	// two forms of the skill counts twice).
	Postings int64
	// Roles is the number of roles (and O*NET occupations) whose phrases name the skill.
	Roles int
	// Hot and InDemand are O*NET's Hot Technology and In Demand flags (any occupation).
	Hot, InDemand bool
	// Specificity is in [0.5, 1]: 0.5 + 0.5 × the mean IDF of the name's words over the roles,
	// divided by the largest IDF; "communication" is low, "Kubernetes" high.
	Specificity float64
}

// entry is one token sequence that names a group.
type entry struct {
	toks   []int32
	group  int32
	text   string    // the vocabulary form it came from
	match  matchCase // how the text must write a one-word form
	single bool      // one letter ("R", "C"): standalone, in capitals
}

// matchCase says how a text must write a one-word form to match it.
type matchCase uint8

const (
	anyCase     matchCase = iota
	capitalised           // "Go", "Excel", "Scheme": a common word otherwise
	allCaps               // "IT", "PASS": an acronym that is also a common word
)

// Groups returns the number of distinct skills.
func (v *Vocabulary) Groups() int { return len(v.groups) }

// Entries returns the number of token sequences the matcher looks for.
func (v *Vocabulary) Entries() int { return len(v.entries) }

// Group returns the skill with the given index (0 <= i < Groups()).
func (v *Vocabulary) Group(i int) Group { return v.groups[i] }

// ONET is what the vocabulary takes from an O*NET database folder (ReadONET).
type ONET struct {
	// Skills are the rows of Technology Skills.txt.
	Skills []ONETSkill
	// Descriptions are the occupations' descriptions (Occupation Data.txt): they teach the
	// vocabulary which words are common English words.
	Descriptions []string
}

// ONETSkill is one row of O*NET's Technology Skills.txt.
type ONETSkill struct {
	// Code is the O*NET-SOC code of the occupation.
	Code string
	// Example is the technology ("Microsoft Excel", "Structured query language SQL").
	Example string
	// Hot is the Hot Technology flag; InDemand the In Demand flag.
	Hot, InDemand bool
}

// formKind says where a vocabulary form came from.
type formKind uint8

const (
	kindPhrase  formKind = iota // a catalog phrase without its parenthesised aside
	kindItem                    // an item of an aside's example list: "Tableau" of "(e.g., Tableau, Power BI)"
	kindDerived                 // derived by a rule: a tool name inside a phrase, an acronym, a vendor-less name
)

// form is one distinct normalised phrase while the vocabulary is built.
type form struct {
	key      string // normalised words joined with ' '
	surfaces map[string]int64
	ws       []word
	text     string
	kind     formKind
	count    int64
	roles    map[int]bool
	hot      bool
	inDemand bool
	alias    *form // the form whose skill this one names; nil for a skill of its own
	variants [][]string
	catalog  bool // from the role catalog (or derived from a catalog form), not O*NET alone
}

// builder collects forms.
type builder struct {
	catalogDocs int // the first catalogDocs documents are the catalog's roles
	forms       map[string]*form
	order       []*form
	lower       map[string]bool // words seen in lower case (common words)
	proper      map[string]bool // words seen capitalised inside a phrase, in capitals, mixed case, or as an example item
	docWords    []map[string]bool
}

// NewVocabulary builds the vocabulary from the role catalog (the rows of
// data/clean/roles.parquet) and O*NET's technology skills (nil without O*NET).
//
// Each catalog phrase gives its text without a parenthesised aside ("Data visualization" of
// "Data visualization (e.g., Tableau, Power BI)"), and each item of an example list in the
// aside ("Tableau", "Power BI"); an aside that is one acronym ("Anti-money laundering (AML)")
// names the same skill. Then these rules name skills the way a résumé does:
//
//   - a tool name followed by generic words names the tool: "Python programming", "SQL
//     queries", "Advanced Excel formulas", "Docker containers" and "HTML basics" are forms of
//     "Python", "SQL", "Excel", "Docker" and "HTML", when the name is a skill of its own or a
//     proper name (capitalised inside a phrase, in capitals, mixed case, never written in
//     lower case in the catalog);
//   - O*NET's names: "Salesforce software" is "Salesforce"; a final acronym names the skill
//     ("Structured query language SQL" is "SQL", "Amazon Web Services AWS software" is "AWS");
//     a vendor prefix may be left out ("Microsoft Excel" is "Excel", "MS Excel" too; "Oracle
//     Java" is "Java"), except where the rest is a common word ("Microsoft Word", "Microsoft
//     Project");
//   - versions: a name in capitals with a version ("CSS3", "HTML5") also matches without it,
//     a trailing version number may be left out ("Python 3"), and the text's "CSS3" matches
//     the vocabulary's "CSS"; hyphenated and dotted names also match written as one word
//     ("full-stack"/"fullstack", "Node.js"/"NodeJS").
//
// Names that are also common English words ("Go", "Excel", "Spark", "Sketch", "R", O*NET's
// "Scheme") match only when the text capitalises them, acronyms that are also words ("IT",
// "PASS") only in capitals, and one-letter names only standing alone in capitals. A common
// word is one the catalog's descriptions (and O*NET's, when given) or phrases write in lower
// case.
func NewVocabulary(roles []records.Role, onet *ONET) *Vocabulary {
	b := &builder{forms: map[string]*form{}, lower: map[string]bool{}, proper: map[string]bool{}}
	for _, r := range roles {
		b.lexicon(r.Description)
	}
	if onet != nil {
		for _, d := range onet.Descriptions {
			b.lexicon(d)
		}
	}
	for w := range stopWordList {
		b.lower[w] = true
	}
	b.catalogDocs = len(roles)
	for _, r := range roles {
		doc := len(b.docWords)
		b.docWords = append(b.docWords, map[string]bool{})
		for _, p := range r.Skills {
			b.addPhrase(p.Phrase, p.Count, doc, false, false)
		}
	}
	if onet != nil {
		docOf := map[string]int{}
		for _, s := range onet.Skills {
			doc, ok := docOf[s.Code]
			if !ok {
				doc = len(b.docWords)
				docOf[s.Code] = doc
				b.docWords = append(b.docWords, map[string]bool{})
			}
			b.addPhrase(s.Example, 0, doc, s.Hot, s.InDemand)
		}
	}
	b.derive()
	b.addAliases()
	for _, f := range b.order {
		f.variants = variants(f)
	}
	return b.build()
}

// lexicon records the words of a description written in lower case: they are common words.
func (b *builder) lexicon(text string) {
	for _, w := range words(text) {
		if !w.capital && !w.upper {
			b.lower[w.key] = true
		}
	}
}

// addPhrase adds a catalog phrase (or O*NET example) and the forms in its aside.
func (b *builder) addPhrase(phrase string, count int64, doc int, hot, inDemand bool) {
	base, asides := splitAside(phrase)
	var baseForm *form
	if base != "" {
		baseForm = b.add(base, kindPhrase, count, doc, hot, inDemand)
	}
	for _, a := range asides {
		items, acronym := asideItems(a)
		if acronym && baseForm != nil && len(items) == 1 && abbreviates(words(items[0])[0].key, baseForm.ws) {
			// "Anti-money laundering (AML)": the acronym is another name of the phrase's
			// skill, or the phrase another name of a known acronym ("... (SQL)"). An acronym
			// of only part of the phrase ("IntelliTrack Warehouse Management System (WMS)")
			// is a skill of its own.
			_, known := b.forms[joinKeys(words(items[0]))]
			f := b.add(items[0], kindDerived, count, doc, hot, inDemand)
			switch {
			case f == nil || f == baseForm:
			case known && baseForm.alias == nil && root(f) != baseForm:
				baseForm.alias = f
			case !known && f.alias == nil:
				f.alias = baseForm
			}
			continue
		}
		for _, it := range items {
			if f := b.add(it, kindItem, count, doc, hot, inDemand); f != nil {
				for _, w := range f.ws {
					b.proper[w.key] = true
				}
			}
		}
	}
}

// add adds one form (or counts it again) and returns it; nil for text without a word.
func (b *builder) add(text string, kind formKind, count int64, doc int, hot, inDemand bool) *form {
	text = strings.Trim(strings.TrimSpace(text), ".,;:-")
	ws := words(text)
	if len(ws) == 0 || len(ws) > 8 {
		return nil
	}
	for i, w := range ws {
		switch {
		case w.upper && w.end-w.start >= 2, hasInnerCapital(text[w.start:w.end]):
			b.proper[w.key] = true
		case w.capital && i > 0:
			b.proper[w.key] = true
		case !w.capital && i > 0:
			b.lower[w.key] = true
		}
		if doc >= 0 {
			b.docWords[doc][w.key] = true
		}
	}
	key := joinKeys(ws)
	f := b.forms[key]
	if f == nil {
		f = &form{key: key, ws: ws, text: text, kind: kind, surfaces: map[string]int64{}, roles: map[int]bool{}}
		b.forms[key] = f
		b.order = append(b.order, f)
	}
	f.catalog = f.catalog || doc < b.catalogDocs
	if kind < f.kind {
		f.kind = kind
	}
	f.surfaces[text] += max(count, 1)
	f.count += count
	if doc >= 0 {
		f.roles[doc] = true
	}
	f.hot = f.hot || hot
	f.inDemand = f.inDemand || inDemand
	return f
}

// splitAside returns phrase without its parenthesised parts, and those parts.
func splitAside(phrase string) (string, []string) {
	if !strings.ContainsAny(phrase, "([") {
		return phrase, nil
	}
	var base strings.Builder
	var asides []string
	depth, start := 0, 0
	for i, r := range phrase {
		switch {
		case r == '(' || r == '[':
			if depth == 0 {
				start = i + 1
			}
			depth++
		case (r == ')' || r == ']') && depth > 0:
			depth--
			if depth == 0 {
				asides = append(asides, phrase[start:i])
			}
		case depth == 0:
			base.WriteRune(r)
		}
	}
	if depth > 0 { // unbalanced: keep the rest as text
		base.WriteString(phrase[start:])
	}
	return strings.Join(strings.Fields(base.String()), " "), asides
}

// asideItems splits a parenthesised aside into its items: "e.g., Tableau, Power BI" gives
// "Tableau" and "Power BI". acronym reports an aside that is one word in capitals ("AML").
func asideItems(a string) (items []string, acronym bool) {
	a = strings.TrimSpace(a)
	low := strings.ToLower(a)
	for _, p := range []string{"e.g.,", "e.g.", "eg.", "eg,", "e.g", "i.e.,", "i.e.", "such as", "including", "like", "for example", "incl."} {
		if strings.HasPrefix(low, p) {
			a = strings.TrimSpace(a[len(p):])
			break
		}
	}
	a = strings.TrimSuffix(strings.TrimSpace(a), "etc.")
	fields := strings.FieldsFunc(a, func(r rune) bool { return r == ',' || r == ';' || r == '/' })
	for _, f := range fields {
		for _, g := range splitConjunction(f) {
			if g = strings.TrimSpace(g); g != "" {
				items = append(items, g)
			}
		}
	}
	if len(items) == 1 {
		ws := words(items[0])
		acronym = len(ws) == 1 && ws[0].upper && !strings.ContainsAny(a, ",;/")
	}
	return items, acronym
}

// splitConjunction splits "A and B" and "A or B" into A and B.
func splitConjunction(s string) []string {
	for _, c := range []string{" and ", " or "} {
		if strings.Contains(s, c) {
			return strings.Split(s, c)
		}
	}
	return []string{s}
}

// hasInnerCapital reports whether s has an upper-case ASCII letter after a lower-case one
// ("JavaScript", "iOS", "NetSuite").
func hasInnerCapital(s string) bool {
	for i := 1; i < len(s); i++ {
		if s[i] >= 'A' && s[i] <= 'Z' && s[i-1] >= 'a' && s[i-1] <= 'z' {
			return true
		}
	}
	return false
}

func joinKeys(ws []word) string {
	ks := make([]string, len(ws))
	for i, w := range ws {
		ks[i] = w.key
	}
	return strings.Join(ks, " ")
}

// build turns the forms into groups and entries.
func (b *builder) build() *Vocabulary {
	v := &Vocabulary{ids: map[string]int32{}, first: map[int32][]int32{}}
	groupOf := map[*form]int32{}
	members := map[int32][]*form{}
	for _, f := range b.order {
		r := root(f)
		gi, ok := groupOf[r]
		if !ok {
			gi = int32(len(v.groups))
			groupOf[r] = gi
			v.groups = append(v.groups, Group{Name: displayText(r)})
		}
		members[gi] = append(members[gi], f)
	}
	for gi, ms := range members {
		v.groups[gi].Name = groupName(ms)
	}
	idf := b.idf()
	maxIDF := math.Log(float64(1+len(b.docWords))/2) + 1
	for gi := range v.groups {
		g := &v.groups[gi]
		roles := map[int]bool{}
		type pc struct {
			text  string
			count int64
		}
		var phrases []pc
		for _, f := range members[int32(gi)] {
			g.Postings += f.count
			g.Hot = g.Hot || f.hot
			g.InDemand = g.InDemand || f.inDemand
			for r := range f.roles {
				roles[r] = true
			}
			if f.kind != kindDerived || len(f.roles) > 0 {
				phrases = append(phrases, pc{displayText(f), f.count})
			}
		}
		g.Roles = len(roles)
		sort.SliceStable(phrases, func(i, j int) bool { return phrases[i].count > phrases[j].count })
		for _, p := range phrases[:min(len(phrases), 8)] {
			g.Phrases = append(g.Phrases, p.text)
		}
		g.Specificity = specificity(members[int32(gi)], groupRoot(members[int32(gi)]), idf, maxIDF)
	}
	for _, f := range b.order {
		gi := groupOf[root(f)]
		v.addEntry(f, base(f), gi, b.caseRule(f))
		for _, ks := range f.variants {
			v.addEntry(f, ks, gi, b.caseRule(f))
		}
	}
	for id, es := range v.first {
		sort.SliceStable(es, func(i, j int) bool { return len(v.entries[es[i]].toks) > len(v.entries[es[j]].toks) })
		v.first[id] = es
	}
	return v
}

func base(f *form) []string {
	ks := make([]string, len(f.ws))
	for i, w := range f.ws {
		ks[i] = w.key
	}
	return ks
}

func groupRoot(fs []*form) *form {
	for _, f := range fs {
		if f.alias == nil {
			return f
		}
	}
	return fs[0]
}

// caseRule returns how a one-word form must be written in a text to match: an acronym in
// capitals in capitals when it is also a common word ("IT", "PASS") or comes from O*NET alone
// ("CASA"), else capitalised ("Sql" for the catalog's "SQL"); a name that is also a common word
// ("Go", "Excel") and a capitalised O*NET name ("Scheme", "Cross") capitalised.
func (b *builder) caseRule(f *form) matchCase {
	if len(f.ws) != 1 {
		return anyCase
	}
	w := f.ws[0]
	s := f.text[w.start:w.end]
	switch {
	case w.upper && len(s) >= 2 && (b.lower[w.key] || !f.catalog):
		return allCaps
	case w.upper && len(s) >= 2:
		return capitalised
	case ambiguous[w.key]:
		return capitalised
	case !f.catalog && (w.capital || b.lower[w.key]):
		return capitalised
	}
	return anyCase
}

// groupName returns the display name of a skill: its root form's spelling, unless the root
// comes from O*NET alone and the most frequent catalog phrase of the skill does not contain it
// (then that phrase: "Warehouse management systems", not "WMS"; but "TypeScript", not
// "TypeScript development").
func groupName(ms []*form) string {
	r := root(ms[0])
	if r.catalog {
		return displayText(r)
	}
	var best *form
	for _, f := range ms {
		if f.catalog && f.count > 0 && (best == nil || f.count > best.count) {
			best = f
		}
	}
	if best != nil && !containsRun(best.ws, r.ws) {
		return displayText(best)
	}
	return displayText(r)
}

// containsRun reports whether the keys of needle occur in hay as a run.
func containsRun(hay, needle []word) bool {
	for i := 0; i+len(needle) <= len(hay); i++ {
		ok := true
		for j := range needle {
			if hay[i+j].key != needle[j].key {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// addEntry adds the token sequence ks of form f to group gi.
func (v *Vocabulary) addEntry(f *form, ks []string, gi int32, mc matchCase) {
	toks := make([]int32, len(ks))
	for i, k := range ks {
		id, ok := v.ids[k]
		if !ok {
			id = int32(len(v.ids))
			v.ids[k] = id
		}
		toks[i] = id
	}
	e := entry{toks: toks, group: gi, text: displayText(f), match: mc}
	if len(ks) == 1 {
		e.single = len(ks[0]) == 1
	}
	v.first[toks[0]] = append(v.first[toks[0]], int32(len(v.entries)))
	v.entries = append(v.entries, e)
}

// displayText returns the most frequent spelling of f.
func displayText(f *form) string {
	best, n := f.text, int64(-1)
	for s, c := range f.surfaces {
		if c > n || c == n && s < best {
			best, n = s, c
		}
	}
	return best
}

// idf returns the IDF of every word over the documents (roles and occupations):
// ln((1 + N) / (1 + df)) + 1.
func (b *builder) idf() map[string]float64 {
	df := map[string]int{}
	for _, d := range b.docWords {
		for w := range d {
			df[w]++
		}
	}
	n := float64(len(b.docWords))
	out := make(map[string]float64, len(df))
	for w, c := range df {
		out[w] = math.Log((1+n)/(1+float64(c))) + 1
	}
	return out
}

// specificity is 0.5 + 0.5 × (mean IDF of the root's content words / the largest IDF).
func specificity(members []*form, r *form, idf map[string]float64, maxIDF float64) float64 {
	var sum float64
	var n int
	for _, w := range r.ws {
		if tfidf.IsStopWord(w.key) {
			continue
		}
		x, ok := idf[w.key]
		if !ok {
			x = maxIDF
		}
		sum += x
		n++
	}
	if n == 0 || maxIDF <= 0 {
		return 1
	}
	return 0.5 + 0.5*math.Min(1, sum/float64(n)/maxIDF)
}

// stopWordList are English function words: common words whatever the catalog says.
var stopWordList = map[string]bool{
	"a": true, "an": true, "and": true, "are": true, "as": true, "at": true, "be": true, "by": true,
	"for": true, "from": true, "in": true, "into": true, "is": true, "it": true, "its": true,
	"of": true, "on": true, "or": true, "so": true, "that": true, "the": true, "this": true,
	"to": true, "we": true, "with": true, "was": true, "were": true, "has": true, "have": true,
	"do": true, "does": true, "not": true, "no": true, "all": true, "any": true, "can": true,
	"will": true, "may": true, "up": true, "out": true, "off": true, "over": true, "per": true,
	"us": true, "our": true, "my": true, "me": true, "he": true, "she": true, "they": true,
}
