package skillfind

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Options configure a Finder.
type Options struct {
	// MaxBytes is the largest text Find accepts (0: DefaultMaxBytes).
	MaxBytes int
	// Evidence is the number of evidence lines kept per skill (0: 3).
	Evidence int
	// NoParaphrase turns off the matching of unmatched Skills-section items to the vocabulary
	// phrase of most similar wording.
	NoParaphrase bool
	// NoSpelling turns off the reading of misspelt Skills-section words (see SpellingWeight).
	NoSpelling bool
	// NoAsWritten turns off the keeping of Skills-section items that name nothing in the
	// vocabulary as skills in the person's own words (see AsWrittenWeight).
	NoAsWritten bool
}

// Finder finds the skills of a vocabulary in résumés. Build it once with New and call Find for
// each résumé; it is safe for concurrent use.
type Finder struct {
	v        *Vocabulary
	opts     Options
	paraOnce sync.Once
	para     *paraphraser
	typoOnce sync.Once
	typo     *typoIndex
}

// New returns a Finder over the vocabulary v.
func New(v *Vocabulary, opts Options) *Finder {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	if opts.Evidence <= 0 {
		opts.Evidence = 3
	}
	return &Finder{v: v, opts: opts}
}

// paraphraser returns the paraphrase model, fitting it on first use; nil with
// Options.NoParaphrase.
func (f *Finder) paraphraser() *paraphraser {
	if f.opts.NoParaphrase {
		return nil
	}
	f.paraOnce.Do(func() { f.para = newParaphraser(f.v) })
	return f.para
}

// typos returns the spelling index, building it on first use; nil with Options.NoSpelling.
func (f *Finder) typos() *typoIndex {
	if f.opts.NoSpelling {
		return nil
	}
	f.typoOnce.Do(func() { f.typo = newTypoIndex(f.v) })
	return f.typo
}

// Vocabulary returns the finder's vocabulary.
func (f *Finder) Vocabulary() *Vocabulary { return f.v }

// MaxBytes returns the size limit of a résumé.
func (f *Finder) MaxBytes() int { return f.opts.MaxBytes }

// Result is what Find found in one résumé.
type Result struct {
	// Skills are the skills found, strongest first (see Skill.Score).
	Skills []Skill `json:"skills"`
	// Notes say in plain words what the person should know: repaired text, repeated lines, a
	// résumé in another language or script, nothing found.
	Notes []string `json:"notes,omitempty"`
	// Text says what cleaning the text did.
	Text TextStats `json:"text"`
	// Script is the script most of the letters are in when it is not Latin ("Cyrillic").
	Script string `json:"script,omitempty"`
	// Language is the language the text seems to be in when it is not English ("Spanish").
	Language string `json:"language,omitempty"`
}

// Top returns the names of the n strongest skills of the vocabulary, strongest first, and
// when there are fewer than n of them, the strongest skills kept as written (Match "as
// written") after them: the skills recommend takes for a person who gave a résumé. The
// vocabulary's skills come first because they are the catalog's own words, which the role
// classifier was trained on; a person's own words stand in only where the vocabulary found too
// few (a trade or a field the catalog barely covers).
func (r *Result) Top(n int) []string {
	out := make([]string, 0, min(n, len(r.Skills)))
	for _, written := range []bool{false, true} {
		for _, s := range r.Skills {
			if len(out) == n {
				return out
			}
			if (s.Match == MatchAsWritten) == written {
				out = append(out, s.Name)
			}
		}
	}
	return out
}

// The kinds of match of a Skill (Skill.Match).
const (
	// MatchPhrase is a skill whose name, or a form of it, the text writes.
	MatchPhrase = "phrase"
	// MatchParaphrase is a skill a Skills-section item is worded like (ParaphraseMin).
	MatchParaphrase = "paraphrase"
	// MatchSpelling is a skill a Skills-section item names with a misspelt word (SpellingWeight).
	MatchSpelling = "spelling"
	// MatchAsWritten is a Skills-section item that names nothing in the vocabulary, kept in the
	// person's words (AsWrittenWeight).
	MatchAsWritten = "as written"
)

// Skill is one skill found in a résumé, with its evidence.
type Skill struct {
	// Name is the skill's name in the vocabulary, or the item as the person wrote it (Match
	// "as written").
	Name string `json:"name"`
	// Score ranks the skills: specificity × match × Σ over sections of section weight ×
	// ln(1 + lines of the section naming the skill), plus 0.1 per year stated (at most 10
	// years), plus 0.1 for an O*NET hot technology and 0.05 for an in-demand one. match is 1
	// for a phrase, ParaphraseWeight × the similarity for a paraphrase, SpellingWeight for a
	// misspelling; a skill kept as written has AsWrittenWeight in place of specificity × match.
	Score float64 `json:"score"`
	// Lines is the number of distinct lines naming the skill (a repeated line counts once).
	Lines int `json:"lines"`
	// Repeats is the number of repeated copies of those lines.
	Repeats int `json:"repeats,omitempty"`
	// Sections are the sections of those lines, heaviest first.
	Sections []Section `json:"sections"`
	// Years is the longest experience stated on a line naming the skill (0: none stated).
	Years float64 `json:"years,omitempty"`
	// Match is "phrase" (the text names a form of the skill), "paraphrase" (a Skills item
	// worded like the skill: see Options.NoParaphrase), "spelling" (a Skills item naming it
	// with a misspelt word) or "as written" (a Skills item naming nothing in the vocabulary,
	// kept in the person's words; its Specificity, Postings and Roles are 0).
	Match string `json:"match"`
	// Similarity is the TF-IDF cosine of a paraphrase and the skill's phrase (1 for a phrase
	// or a misspelling, 0 for a skill kept as written).
	Similarity float64 `json:"similarity"`
	// Specificity is the vocabulary's specificity of the skill (Group.Specificity).
	Specificity float64 `json:"specificity"`
	// Postings and Roles say how common the skill is in the role catalog.
	Postings int64 `json:"postings"`
	Roles    int   `json:"roles"`
	// Hot and InDemand are O*NET's flags (false without O*NET).
	Hot      bool `json:"hot,omitempty"`
	InDemand bool `json:"in_demand,omitempty"`
	// Evidence are the lines that name the skill, strongest first (at most Options.Evidence).
	Evidence []Evidence `json:"evidence"`
}

// Evidence is one line of a résumé that names a skill.
type Evidence struct {
	// Line is the 1-based line number in the text.
	Line int `json:"line"`
	// Section is the section the line is in.
	Section Section `json:"section"`
	// Text is the line (cleaned; a long line is cut around the match).
	Text string `json:"text"`
	// Matched is the vocabulary form the line names ("Python programming", "CSS3").
	Matched string `json:"matched"`
	// Repeats is the number of later copies of the line.
	Repeats int `json:"repeats,omitempty"`
	// Years is the experience stated on the line (0: none).
	Years float64 `json:"years,omitempty"`
}

// Why says in a few words why the skill ranks where it does: its sections (with the number of
// evidence lines of each), the lines in all when more than the evidence kept, the years
// stated, a paraphrase's wording and O*NET's hot flag ("skills, experience ×2; 5 years
// stated").
func (s Skill) Why() string {
	var parts []string
	count := map[Section]int{}
	for _, e := range s.Evidence {
		count[e.Section]++
	}
	for _, sec := range s.Sections {
		p := string(sec)
		if n := count[sec]; n > 1 {
			p += fmt.Sprintf(" ×%d", n)
		}
		parts = append(parts, p)
	}
	out := strings.Join(parts, ", ")
	if s.Lines > len(s.Evidence) {
		out += fmt.Sprintf(" (%d lines)", s.Lines)
	}
	if s.Years > 0 {
		out += fmt.Sprintf("; %s stated", formatYears(s.Years))
	}
	switch s.Match {
	case MatchParaphrase:
		out += fmt.Sprintf("; worded like %q (similarity %.2f)", s.Evidence[0].Matched, s.Similarity)
	case MatchSpelling:
		out += fmt.Sprintf("; read as %q (a spelling one letter off)", s.Evidence[0].Matched)
	case MatchAsWritten:
		out += "; listed by you; not in the skills vocabulary"
	}
	if s.Hot {
		out += "; O*NET hot technology"
	}
	return out
}

// formatYears writes a number of years: "2 years", "6 months", "1 year".
func formatYears(y float64) string {
	switch {
	case y < 1:
		return fmt.Sprintf("%d months", int(math.Round(y*12)))
	case y == 1:
		return "1 year"
	case y == math.Trunc(y):
		return fmt.Sprintf("%d years", int(y))
	}
	return fmt.Sprintf("%.1f years", y)
}

// hit is the evidence for one group while a résumé is read.
type hit struct {
	group      int32
	lines      []lineHit
	paraphrase bool
	similarity float64
}

// lineHit is one line naming a group.
type lineHit struct {
	line    int // index into the lines
	section Section
	matched string
	start   int
	end     int
	fuzzy   bool // named through a misspelt word
}

// written is a Skills-section item that names nothing in the vocabulary, kept as written.
type written struct {
	name  string
	lines []lineHit
	order int // position among the Skills-section items of the résumé
}

// Find finds the skills of the vocabulary in text. The text is cleaned first (see
// cleanLines); an empty text, one over the size limit or one that is not text is an error
// (ErrEmpty, ErrTooLarge, ErrBinary: a failure of this résumé only).
func (f *Finder) Find(text string) (*Result, error) {
	return f.FindBytes([]byte(text))
}

// FindBytes is Find on the bytes of a résumé file.
func (f *Finder) FindBytes(b []byte) (*Result, error) {
	if err := checkSize(len(b), f.opts.MaxBytes); err != nil {
		return nil, err
	}
	if err := checkBinary(b); err != nil {
		return nil, err
	}
	res := &Result{Text: TextStats{Bytes: len(b)}}
	lines := cleanLines(b, &res.Text)
	if len(lines) == 0 {
		return nil, fmt.Errorf("%w: no letter or digit after removing white space and control characters", ErrEmpty)
	}
	st := scanState{f: f, lines: lines, byGroup: map[int32]int{}}
	st.scan()
	res.Script = st.lang.script()
	if res.Script == "" {
		res.Language = st.lang.language()
	}
	res.Skills = st.skills()
	res.Notes = notes(res)
	return res, nil
}

// scanState is the work of one Find.
type scanState struct {
	f       *Finder
	lines   []line
	hits    []hit
	byGroup map[int32]int
	years   map[int]float64 // line index -> years stated
	lang    languageCounter
	ws      []word
	buf     []byte
	ids     []int32
	alts    []int32
	used    []bool
	fixed   []bool // the word was read through a spelling correction
	items   []item // Skills-section items without a match, for paraphrases and as written
	written []written
	byText  map[string]int // written item key -> index
	secOf   []Section      // the section of each line matched (SectionHeader before any)
}

// scan reads the lines in order, following the sections, and matches each line that does not
// repeat an earlier one.
func (st *scanState) scan() {
	sec := SectionHeader
	headed := false
	for i := range st.lines {
		l := &st.lines[i]
		st.lang.letters(l.text)
		if l.joined {
			continue
		}
		text := l.text
		base := 0
		if !headed && l.block > st.lines[0].block {
			sec = SectionBody
		}
		if s, rest, ok := heading(text); ok && !(sec == SectionSkills && rest != "" && skillsCategory(text)) {
			sec, headed = s, true
			if rest == "" {
				continue
			}
			base = strings.LastIndex(text, rest)
			text = rest
		}
		if l.dup {
			continue
		}
		if sec == SectionSkills {
			text = st.joinWrapped(i, text)
		}
		st.secOf = append(st.secOf, make([]Section, i+1-len(st.secOf))...)
		st.secOf[i] = sec
		st.matchLine(i, text, base, sec)
	}
	for _, it := range st.items {
		if !it.name && st.paraphrase(it) {
			continue
		}
		if !st.f.opts.NoAsWritten {
			st.keepWritten(it)
		}
	}
	st.mentionsOfWritten()
}

// joinWrapped joins to the Skills line i (whose text from its heading on is text) the lines
// that continue it: a list wrapped in the middle of an item ("UK employment" / "law, HR
// policies"). A line continues the one before when both are in one block, the one before
// holds a list (a comma or semicolon) and ends inside an item (with a letter, a digit or a
// closing parenthesis), and the line starts with a lower-case letter. The joined lines are
// matched as one line, under the first one's number.
func (st *scanState) joinWrapped(i int, text string) string {
	l := &st.lines[i]
	for j := i + 1; j < len(st.lines); j++ {
		nx := &st.lines[j]
		if nx.block != l.block || nx.dup || !wrapsInto(l.text, nx.text) {
			break
		}
		if _, _, ok := heading(nx.text); ok {
			break
		}
		l.text += " " + nx.text
		text += " " + nx.text
		nx.joined = true
	}
	return text
}

// wrapsInto reports whether next continues an item that prev, a list, was cut in.
func wrapsInto(prev, next string) bool {
	if !strings.ContainsAny(prev, ",;") {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(prev)
	first, _ := utf8.DecodeRuneInString(next)
	return (unicode.IsLetter(last) || unicode.IsDigit(last) || last == ')') && unicode.IsLower(first)
}

// matchLine finds the vocabulary's forms in text (line i from byte base, in section sec): at
// each word the longest form that starts there and does not cross a separator, then on after
// it.
func (st *scanState) matchLine(i int, text string, base int, sec Section) {
	var typos *typoIndex
	if sec == SectionSkills {
		typos = st.f.typos()
	}
	st.tokenize(text, typos)
	ws := st.ws
	st.used = append(st.used[:0], make([]bool, len(ws))...)
	for k := 0; k < len(ws); {
		best, n := st.longestAt(k, text)
		if best == nil {
			k++
			continue
		}
		lh := lineHit{line: i, section: sec, matched: best.text, start: base + ws[k].start, end: base + ws[k+n-1].end}
		for j := k; j < k+n; j++ {
			st.used[j] = true
			lh.fuzzy = lh.fuzzy || st.fixed[j]
		}
		st.record(best.group, lh, text, false, 1)
		k += n
	}
	if sec == SectionSkills && (!st.f.opts.NoParaphrase || !st.f.opts.NoAsWritten) {
		st.collectItems(i, text, base, ws, st.used)
	}
}

// tokenize splits text into st.ws with the vocabulary ids of each word (st.ids) and of its
// versionless form (st.alts), -1 for a word the vocabulary does not have. With typos, a word
// the vocabulary does not have gets the id of the word it misspells, if any (st.fixed).
func (st *scanState) tokenize(text string, typos *typoIndex) {
	v := st.f.v
	st.ws, st.ids, st.alts, st.fixed = st.ws[:0], st.ids[:0], st.alts[:0], st.fixed[:0]
	st.buf = splitWords(text, st.buf, false, func(w word) {
		id, alt := int32(-1), int32(-1)
		if x, ok := v.ids[string(w.kb)]; ok {
			id = x
		}
		if len(w.ab) > 0 {
			if x, ok := v.ids[string(w.ab)]; ok {
				alt = x
			}
		}
		fixed := false
		if id < 0 && alt < 0 && typos != nil {
			id = typos.correct(w.kb)
			fixed = id >= 0
		}
		st.lang.word(w.kb)
		w.kb, w.ab = nil, nil
		st.ws = append(st.ws, w)
		st.ids = append(st.ids, id)
		st.alts = append(st.alts, alt)
		st.fixed = append(st.fixed, fixed)
	})
}

// longestAt returns the longest entry matching the words from k, and its length in words
// (nil when none does). Entries are indexed by their first word, longest first.
func (st *scanState) longestAt(k int, text string) (*entry, int) {
	v := st.f.v
	var best *entry
	bestLen := 0
	for _, first := range [2]int32{st.ids[k], st.alts[k]} {
		if first < 0 {
			continue
		}
		for _, ei := range v.first[first] {
			e := &v.entries[ei]
			n := len(e.toks)
			if n <= bestLen {
				break
			}
			if k+n <= len(st.ws) && st.entryAt(e, st.ws, st.ids, st.alts, k, text) {
				best, bestLen = e, n
				break
			}
		}
	}
	return best, bestLen
}

// entryAt reports whether entry e matches the words ws from k.
func (st *scanState) entryAt(e *entry, ws []word, ids, alts []int32, k int, text string) bool {
	for j, t := range e.toks {
		if ids[k+j] != t && alts[k+j] != t {
			return false
		}
		if j > 0 && ws[k+j].brk {
			return false
		}
	}
	w := ws[k]
	switch e.match {
	case capitalised:
		if !w.capital {
			return false
		}
	case allCaps:
		if !w.upper {
			return false
		}
	}
	if e.single {
		if !w.upper || w.end-w.start != 1 {
			return false
		}
		before, _ := utf8.DecodeLastRuneInString(text[:w.start])
		after, _ := utf8.DecodeRuneInString(text[w.end:])
		if strings.ContainsRune("&'’-", before) || strings.ContainsRune("&'’-", after) {
			return false // "R&D", "C-suite", "O'Brien"
		}
	}
	return true
}

// record adds a line naming group g; a group is counted once per line. A paraphrase (with its
// similarity) is recorded only for a group no line names as a phrase.
func (st *scanState) record(g int32, lh lineHit, text string, para bool, sim float64) {
	hi, ok := st.byGroup[g]
	if !ok {
		hi = len(st.hits)
		st.byGroup[g] = hi
		st.hits = append(st.hits, hit{group: g, similarity: sim, paraphrase: para})
	}
	h := &st.hits[hi]
	if para && !h.paraphrase {
		return
	}
	if para {
		h.similarity = math.Max(h.similarity, sim)
	}
	if n := len(h.lines); n > 0 && h.lines[n-1].line == lh.line {
		return
	}
	h.lines = append(h.lines, lh)
	if st.years == nil {
		st.years = map[int]float64{}
	}
	if _, ok := st.years[lh.line]; !ok {
		st.years[lh.line] = statedYears(text)
	}
}

// skills scores the hits and returns them strongest first.
func (st *scanState) skills() []Skill {
	out := make([]Skill, 0, len(st.hits)+len(st.written))
	var first []int // the position of each skill's first mention
	for _, h := range st.hits {
		g := st.f.v.groups[h.group]
		s := Skill{Name: g.Name, Lines: len(h.lines), Match: MatchPhrase, Similarity: h.similarity,
			Specificity: g.Specificity, Postings: g.Postings, Roles: g.Roles, Hot: g.Hot, InDemand: g.InDemand}
		m := 1.0
		switch {
		case h.paraphrase:
			s.Match = MatchParaphrase
			m = ParaphraseWeight * h.similarity
		case allFuzzy(h.lines):
			s.Match = MatchSpelling
			m = SpellingWeight
		}
		ev := st.sectionEvidence(&s, h.lines)
		score := g.Specificity*m*ev + 0.1*math.Min(s.Years, 10)
		if g.Hot {
			score += 0.1
		}
		if g.InDemand {
			score += 0.05
		}
		s.Score = math.Round(score*1000) / 1000
		s.Evidence = st.evidence(h)
		out = append(out, s)
		first = append(first, firstPos(h.lines))
	}
	for _, w := range st.written {
		s := Skill{Name: w.name, Lines: len(w.lines), Match: MatchAsWritten}
		ev := st.sectionEvidence(&s, w.lines)
		s.Score = math.Round((AsWrittenWeight*ev+0.1*math.Min(s.Years, 10))*1000) / 1000
		s.Evidence = st.evidence(hit{lines: w.lines})
		out = append(out, s)
		first = append(first, firstPos(w.lines))
	}
	order := make([]int, len(out))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(x, y int) bool {
		i, j := order[x], order[y]
		a, b := out[i], out[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if a.Lines != b.Lines {
			return a.Lines > b.Lines
		}
		if first[i] != first[j] {
			return first[i] < first[j] // among equals, the one the person names first
		}
		return a.Name < b.Name
	})
	sorted := make([]Skill, len(out))
	for k, i := range order {
		sorted[k] = out[i]
	}
	return sorted
}

// firstPos returns the position in the text of the first of lines: line index, then byte
// offset.
func firstPos(lines []lineHit) int {
	p := math.MaxInt
	for _, lh := range lines {
		p = min(p, lh.line<<20+lh.start)
	}
	return p
}

// sectionEvidence sets the sections, repeats and years of s from the lines naming it, and
// returns Σ over its sections of section weight × ln(1 + lines).
func (st *scanState) sectionEvidence(s *Skill, lines []lineHit) float64 {
	perSection := map[Section]int{}
	for _, lh := range lines {
		perSection[lh.section]++
		s.Repeats += st.lines[lh.line].repeats
		s.Years = math.Max(s.Years, st.years[lh.line])
	}
	var ev float64
	for sec, n := range perSection {
		ev += SectionWeight[sec] * math.Log(1+float64(n))
		s.Sections = append(s.Sections, sec)
	}
	sort.Slice(s.Sections, func(i, j int) bool {
		wi, wj := SectionWeight[s.Sections[i]], SectionWeight[s.Sections[j]]
		return wi > wj || wi == wj && s.Sections[i] < s.Sections[j]
	})
	return ev
}

// allFuzzy reports whether every line names the skill through a misspelt word.
func allFuzzy(lines []lineHit) bool {
	for _, lh := range lines {
		if !lh.fuzzy {
			return false
		}
	}
	return len(lines) > 0
}

// evidence returns the strongest lines of h: heaviest section, then years, then first.
func (st *scanState) evidence(h hit) []Evidence {
	lhs := append([]lineHit(nil), h.lines...)
	sort.SliceStable(lhs, func(i, j int) bool {
		wi, wj := SectionWeight[lhs[i].section], SectionWeight[lhs[j].section]
		if wi != wj {
			return wi > wj
		}
		return st.years[lhs[i].line] > st.years[lhs[j].line]
	})
	lhs = lhs[:min(len(lhs), st.f.opts.Evidence)]
	out := make([]Evidence, len(lhs))
	for i, lh := range lhs {
		l := st.lines[lh.line]
		out[i] = Evidence{Line: l.no, Section: lh.section, Text: snippet(l.text, lh), Matched: lh.matched,
			Repeats: l.repeats, Years: st.years[lh.line]}
	}
	return out
}

// snippetLen is the longest evidence text shown; a longer line is cut around the match.
const snippetLen = 160

// snippet returns the line of lh, cut around the match when it is long (lh's offsets are
// byte offsets in the line).
func snippet(text string, lh lineHit) string {
	if len(text) <= snippetLen {
		return text
	}
	from := max(0, (lh.start+lh.end)/2-snippetLen/2)
	to := min(len(text), from+snippetLen)
	for from > 0 && !isRuneStart(text[from]) {
		from--
	}
	for to < len(text) && !isRuneStart(text[to]) {
		to++
	}
	out := strings.TrimSpace(text[from:to])
	if from > 0 {
		out = "…" + out
	}
	if to < len(text) {
		out += "…"
	}
	return out
}

func isRuneStart(c byte) bool { return c&0xC0 != 0x80 }

// notes says what the person should know about the text and the result.
func notes(r *Result) []string {
	var out []string
	if r.Text.MojibakeFixed > 0 {
		out = append(out, fmt.Sprintf("%d characters garbled by a wrong text encoding were repaired (for example â€¢ is •, â€™ is ’).", r.Text.MojibakeFixed))
	}
	if r.Text.Windows1252 > 0 {
		out = append(out, fmt.Sprintf("%d bytes were not UTF-8 and were read as Windows-1252.", r.Text.Windows1252))
	}
	if r.Text.ControlRemoved > 0 {
		out = append(out, fmt.Sprintf("%d control or invisible characters were removed.", r.Text.ControlRemoved))
	}
	if r.Text.RepeatedLines > 0 {
		if r.Text.RepeatedLines == 1 {
			out = append(out, "1 line repeats an earlier line; each line was counted once.")
		} else {
			out = append(out, fmt.Sprintf("%d lines repeat earlier lines; each line was counted once.", r.Text.RepeatedLines))
		}
	}
	switch {
	case r.Script != "":
		out = append(out, fmt.Sprintf("Most of the text is in %s script; the skill vocabulary is English, so only names written in Latin letters (tools, acronyms) can be found.", r.Script))
	case r.Language != "":
		out = append(out, fmt.Sprintf("The text looks like %s; the skill vocabulary is English, so mostly names of tools and acronyms can be found.", r.Language))
	}
	if len(r.Skills) == 0 {
		msg := "No known skills found"
		if r.Script != "" || r.Language != "" {
			msg += "; the résumé may be in another language"
		}
		out = append(out, msg+": list your skills in English, one per line or separated by commas, or give them directly.")
	}
	return out
}
