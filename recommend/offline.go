package recommend

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/skillx/skillx/internal/records"
	"github.com/skillx/skillx/internal/report"
	"github.com/skillx/skillx/internal/textnorm"
)

// OfflineVersion names the offline analyst's method; it is part of every offline report's key.
const OfflineVersion = "offline-v2"

// MaxRolePhrases bounds the skill phrases of one role that the offline analyst compares with
// a person's skills: the role's most frequent ones.
const MaxRolePhrases = 50

// maxDevelopment is the number of development recommendations the offline analyst gives.
const maxDevelopment = 5

// Thresholds are the cosine similarities at and above which the offline analyst grades a
// skill Strong or Medium against a role's closest skill phrase; below Medium it is Weak.
type Thresholds struct {
	Strong, Medium float64
}

// Thresholds of the encoders. Skill phrases are short, so the figures differ by encoder:
//
//   - MiniLM (all-MiniLM-L6-v2) puts paraphrases of one skill ("SQL" and "SQL queries",
//     "Patient care" and "Patient assessment") at 0.75 and above, and skills of one field
//     that are not the same skill ("Python" and "Java") around 0.5.
//   - The hashing encoder sees only shared words: its cosine is about the share of words two
//     phrases have in common (unigrams weigh 1, adjacent pairs 0.5). A skill whose words are
//     all in the role's phrase scores 0.67 ("SQL" in "SQL queries") to 0.8 ("Data modeling" in
//     "Data modeling techniques"): Strong from 0.6. One shared word among two or three scores
//     0.29 to 0.44 ("Data modeling" and "Data analysis": 0.44): Medium from 0.28. Its 384
//     buckets make collisions common, though: a one-word skill shares a bucket with one of a
//     role's hundred-odd words about one time in four, which alone scores up to 0.67
//     ("Statistics" and "Information architecture"). So with the hashing encoder the
//     similarity is at most the cosine of the two phrases' word sets (shared words over the
//     geometric mean of their word counts), which no collision inflates, and it is 0 unless
//     they share a word other than "and", "of", "with" and the like.
//
// With any encoder, a skill equal to a role phrase or whose words appear in it as a whole
// (or the other way round: "Excel" and "Advanced Excel") is Strong, also once version numbers
// are dropped ("CSS3" and "HTML and CSS", "Python 3" and "Python programming"). A skill and a
// phrase whose only common words are generic ones ("Medication administration" and
// "Kubernetes administration") are at most Weak below the Strong threshold; see genericWords.
var (
	MiniLMThresholds  = Thresholds{Strong: 0.75, Medium: 0.5}
	HashingThresholds = Thresholds{Strong: 0.6, Medium: 0.28}
)

// ThresholdsFor returns the thresholds for vectors of the encoder with the given id.
func ThresholdsFor(encoderID string) Thresholds {
	if strings.HasPrefix(encoderID, "hashing") {
		return HashingThresholds
	}
	return MiniLMThresholds
}

// minHeadModifiers is how many different words must precede a word at the end of the
// catalog's skill phrases for the word to count as generic (see genericWords).
const minHeadModifiers = 4

// baseGeneric are words that are generic in any catalog, even a small one whose phrases do not
// show it: they name a kind of activity, not a skill.
var baseGeneric = []string{"administration", "analysis", "development", "experience", "knowledge",
	"management", "proficiency", "skill", "skills", "support"}

// genericRoleWords are words whose addition does not make another role of a role name:
// "Wealth Advisor" and "Wealth Management Advisor", "Accountant" and "Staff Accountant".
var genericRoleWords = map[string]bool{"associate": true, "junior": true, "lead": true,
	"management": true, "principal": true, "senior": true, "staff": true}

// minNameOverlap is the share of the words of the smaller of two roles' skill phrases that the
// other's phrases must also have for the two roles, whose names differ by one word, to be
// near-duplicates ("Frontend Developer" and "Frontend Web Developer"); minOverlapWords is the
// fewest words the measure needs.
const (
	minNameOverlap  = 0.75
	minOverlapWords = 3
)

// catalogRole is one role of the catalog as the offline analyst uses it.
type catalogRole struct {
	role        string
	description string
	postings    int64
	phrases     []rolePhrase
	content     map[string]bool // the words of the phrases, without stop and generic words
}

// rolePhrase is one skill phrase of a role.
type rolePhrase struct {
	text  string
	count int64
	words []string
	base  []string // words without version numbers (versionless)
	vec   []float32
	nuniq int // distinct words
}

// roleName is what near-duplicate tests need of a role name.
type roleName struct {
	key   string       // textnorm.RoleKey
	words []string     // roleNameWords
	cr    *catalogRole // the catalog's role (nil when the catalog does not have it)
}

// offlineAnalyst writes reports without Gemini, from the role catalog and skill similarity.
// It is safe for concurrent use once built: analyse only reads it.
type offlineAnalyst struct {
	encoder string
	th      Thresholds
	shared  bool                    // similarity bounded by shared words (hashing encoder)
	roles   map[string]*catalogRole // by textnorm.RoleKey
	vecs    map[string][]float32    // skill text -> vector
	generic map[string]bool         // generic words of skill phrases (genericWords)
	found   int                     // generic words found in the catalog's phrases
	known   map[string]roleName     // the catalog's role names, worked out once
}

// newOfflineAnalyst builds the analyst from the catalog rows; vectors of the role phrases and
// of the people's skills are looked up in vecs by text.
func newOfflineAnalyst(encoderID string, roles []records.Role, vecs map[string][]float32) *offlineAnalyst {
	a := &offlineAnalyst{encoder: encoderID, th: ThresholdsFor(encoderID), shared: strings.HasPrefix(encoderID, "hashing"),
		roles: make(map[string]*catalogRole, len(roles)), vecs: vecs}
	a.generic, a.found = genericWords(roles)
	for _, r := range roles {
		cr := &catalogRole{role: r.Role, description: strings.TrimSpace(r.Description), postings: r.Postings, content: map[string]bool{}}
		for _, p := range catalogPhrases(r) {
			ws := words(p.Phrase)
			cr.phrases = append(cr.phrases, rolePhrase{text: p.Phrase, count: p.Count, words: ws, base: versionless(ws), vec: vecs[p.Phrase],
				nuniq: len(uniq(ws))})
			for _, w := range ws {
				if !stopWords[w] && !a.generic[w] {
					cr.content[w] = true
				}
			}
		}
		key := r.RoleKey
		if key == "" {
			key = textnorm.RoleKey(r.Role)
		}
		a.roles[key] = cr
	}
	a.known = make(map[string]roleName, len(roles))
	for _, r := range roles {
		k := textnorm.RoleKey(r.Role)
		a.known[r.Role] = roleName{key: k, words: roleNameWords(r.Role), cr: a.roles[k]}
	}
	return a
}

// roleName returns the near-duplicate words and the catalog role of a role name.
func (a *offlineAnalyst) roleName(name string) roleName {
	if rn, ok := a.known[name]; ok {
		return rn
	}
	k := textnorm.RoleKey(name)
	return roleName{key: k, words: roleNameWords(name), cr: a.roles[k]}
}

// roleKey returns textnorm.RoleKey(name), worked out once for the catalog's roles.
func (a *offlineAnalyst) roleKey(name string) string {
	if rn, ok := a.known[name]; ok {
		return rn.key
	}
	return textnorm.RoleKey(name)
}

// catalogPhrases returns the phrases of r the analyst compares: the MaxRolePhrases most
// frequent (the catalog lists them most frequent first).
func catalogPhrases(r records.Role) []records.PhraseCount {
	return r.Skills[:min(len(r.Skills), MaxRolePhrases)]
}

// genericWords returns the generic words of the catalog's skill phrases, and how many of them
// the catalog itself shows (the others come from baseGeneric). A word is generic when the
// phrases use it as a head after at least minHeadModifiers different words: "administration"
// ends "Network administration", "System administration", "Benefits administration" and
// "Medication administration". Parenthesised asides are left out ("Scripting languages (e.g.,
// Python)" does not make "Python" a head) and a phrase is split at "and", "or", ",", ";" and "/"
// first. Two phrases that share only generic words share the kind of activity, not the skill.
// Words that start phrases ("data" in "Data analysis", "Data modeling") are not generic.
func genericWords(roles []records.Role) (map[string]bool, int) {
	modifiers := map[string]map[string]bool{}
	for _, r := range roles {
		for _, p := range catalogPhrases(r) {
			for _, part := range phraseParts(p.Phrase) {
				ws := words(part)
				if len(ws) < 2 || stopWords[ws[len(ws)-2]] {
					continue
				}
				head := ws[len(ws)-1]
				if modifiers[head] == nil {
					modifiers[head] = map[string]bool{}
				}
				modifiers[head][ws[len(ws)-2]] = true
			}
		}
	}
	generic := map[string]bool{}
	for w, m := range modifiers {
		if len(m) >= minHeadModifiers && !stopWords[w] {
			generic[w] = true
		}
	}
	found := len(generic)
	for _, w := range baseGeneric {
		generic[w] = true
	}
	return generic, found
}

// phraseParts splits a skill phrase into its parts, without parenthesised asides.
func phraseParts(s string) []string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '(' || r == '[':
			depth++
		case (r == ')' || r == ']') && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	var parts []string
	for _, p := range strings.FieldsFunc(b.String(), func(r rune) bool { return r == ',' || r == ';' || r == '/' }) {
		for _, q := range strings.Split(" "+strings.ToLower(p)+" ", " and ") {
			parts = append(parts, strings.Split(q, " or ")...)
		}
	}
	return parts
}

// info describes the analyst for reports. Method is the technical account, kept in the JSON
// report; the readable reports describe the analyst in plain words (analystText).
func (a *offlineAnalyst) info() AnalystInfo {
	return AnalystInfo{Kind: AnalystOffline, Model: a.encoder, Method: fmt.Sprintf(
		"%s: job descriptions and skills from the role catalog; each skill is compared with the %d most frequent skill phrases of a role: "+
			"Strong when skill and phrase contain one another as whole words (also once version numbers are dropped: CSS3 and CSS) "+
			"or their cosine similarity is at least %.2f, Medium from %.2f, with %s vectors%s; "+
			"a pair whose common words are all generic (%d words that end phrases after at least %d different words in the catalog, and %s) is not Medium; "+
			"a prediction none of the skills matches at Medium or better is replaced by the first of the classifier's next %d roles that some skill matches; "+
			"near-duplicate roles (the same name words, or names one word apart whose catalog phrases share at least %.0f%% of their words or whose extra word is one of %s) are merged into the higher ranked one and the slot filled the same way; "+
			"a prediction that is a near-duplicate of the current role is replaced; development suggestions leave out the phrases a skill already covers",
		OfflineVersion, MaxRolePhrases, a.th.Strong, a.th.Medium, a.encoder,
		map[bool]string{true: " (at most the share of words two phrases have in common, and 0 without a common word that is neither a stop word nor generic)"}[a.shared],
		a.found, minHeadModifiers, strings.Join(baseGeneric, ", "), maxAlternatives, 100*minNameOverlap, strings.Join(sortedKeys(genericRoleWords), ", "))}
}

// id identifies the analyst and its settings, for report keys.
func (a *offlineAnalyst) id() string {
	return fmt.Sprintf("%s:%s:%.4f:%.4f:%d:%d", OfflineVersion, a.encoder, a.th.Strong, a.th.Medium, MaxRolePhrases, maxAlternatives)
}

// match is how one skill compares with one role.
type match struct {
	level     report.MatchLevel
	phrase    *rolePhrase // the closest phrase; nil when the role has none
	sim       float64
	within    containment
	versioned bool     // within holds only once version numbers are dropped ("CSS3" and "CSS")
	generic   []string // the common words when all of them are generic ("administration")
}

// containment says whether a skill and a phrase contain one another as runs of whole words.
type containment int

const (
	notWithin      containment = iota
	equalWords                 // the same words
	phraseHasSkill             // "SQL" in the role's "SQL queries"
	skillHasPhrase             // the role's "Excel" in "Excel macros"
)

// contained returns how skill words sw and phrase words pw contain one another. A run of
// generic words inside words that add a specific one does not count: "Management" is not in
// "Nursing management" (another field's management), but "Communication" is in
// "Communication skills".
func (a *offlineAnalyst) contained(sw, pw []string) containment {
	switch {
	case slices.Equal(sw, pw) && len(sw) > 0:
		return equalWords
	case containsWords(pw, sw) && a.names(sw, pw):
		return phraseHasSkill
	case containsWords(sw, pw) && a.names(pw, sw):
		return skillHasPhrase
	}
	return notWithin
}

// names reports whether the words inner, a run inside outer, name what outer names: inner has a
// specific word (neither a stop word nor generic), or outer adds none.
func (a *offlineAnalyst) names(inner, outer []string) bool {
	if a.specific(inner) {
		return true
	}
	return !a.specific(slices.DeleteFunc(slices.Clone(outer), func(w string) bool { return slices.Contains(inner, w) }))
}

// specific reports whether ws has a word that is neither a stop word nor generic.
func (a *offlineAnalyst) specific(ws []string) bool {
	return slices.ContainsFunc(ws, func(w string) bool { return !stopWords[w] && !a.generic[w] })
}

// skillText is one of the person's skills, ready for comparison.
type skillText struct {
	text        string
	words, base []string
	vec         []float32
}

// skillText prepares skill s for comparison.
func (a *offlineAnalyst) skillText(s string) skillText {
	ws := words(s)
	return skillText{text: s, words: ws, base: versionless(ws), vec: a.vecs[s]}
}

// compare grades skill s against one phrase.
func (a *offlineAnalyst) compare(s *skillText, p *rolePhrase) match {
	if a.shared && !sharesWord(s.words, p.words) && !sharesWord(s.base, p.base) {
		// No word in common, even without version numbers: neither contains the other, and
		// the similarity, bounded by the shared words, is 0.
		return match{phrase: p, level: report.Weak}
	}
	m := match{phrase: p, within: a.contained(s.words, p.words)}
	if m.within == notWithin && (!slices.Equal(s.base, s.words) || !slices.Equal(p.base, p.words)) {
		if w := a.contained(s.base, p.base); w != notWithin {
			m.within, m.versioned = w, true
		}
	}
	m.sim, m.generic = a.similarity(s.words, s.vec, p)
	switch {
	case m.within != notWithin || m.sim >= a.th.Strong:
		m.level = report.Strong
	case m.sim >= a.th.Medium && m.generic == nil:
		m.level = report.Medium
	default:
		m.level = report.Weak
	}
	return m
}

// sharesWord reports whether x and y have a word in common.
func sharesWord(x, y []string) bool {
	for _, w := range x {
		if slices.Contains(y, w) {
			return true
		}
	}
	return false
}

// rank orders match levels.
func rank(l report.MatchLevel) int {
	switch l {
	case report.Strong:
		return 2
	case report.Medium:
		return 1
	}
	return 0
}

// judge compares a skill with a role's phrases and returns the best match: the highest level,
// then containment, then similarity, then a phrase sharing generic words (to say so), then the
// most frequent phrase.
func (a *offlineAnalyst) judge(skill string, cr *catalogRole) match {
	st := a.skillText(skill)
	return a.judgeText(&st, cr)
}

// judgeText is judge for a prepared skill.
func (a *offlineAnalyst) judgeText(s *skillText, cr *catalogRole) match {
	var best match
	for i := range cr.phrases {
		m := a.compare(s, &cr.phrases[i])
		if best.phrase == nil || better(m, best) {
			best = m
		}
	}
	if best.phrase == nil {
		return match{level: report.Weak}
	}
	return best
}

// better reports whether m is a better match than best (phrases come most frequent first, so
// a tie keeps best).
func better(m, best match) bool {
	switch {
	case rank(m.level) != rank(best.level):
		return rank(m.level) > rank(best.level)
	case (m.within != notWithin) != (best.within != notWithin):
		return m.within != notWithin
	case m.sim != best.sim:
		return m.sim > best.sim
	}
	return m.generic != nil && best.generic == nil
}

// owns reports whether skill s already covers phrase p, so that learning p is no advice: s
// matches p at Medium or better, or one contains the other as whole words (version numbers
// dropped or not, generic words or not).
func (a *offlineAnalyst) owns(s *skillText, p *rolePhrase) bool {
	return rank(a.compare(s, p).level) >= rank(report.Medium) ||
		containsWords(p.words, s.words) || containsWords(s.words, p.words) ||
		containsWords(p.base, s.base) || containsWords(s.base, p.base)
}

// similarity returns the cosine similarity of a skill (its words and vector) and a phrase, and
// the words they have in common when all of them are generic (nil otherwise). With the
// hashing encoder it is at most the cosine of their word sets, and 0 unless they share a word
// that is neither a stop word nor generic: more would only be hash collisions or a shared
// kind of activity.
func (a *offlineAnalyst) similarity(sw []string, sv []float32, p *rolePhrase) (float64, []string) {
	su := uniq(sw)
	shared, specific := 0, false
	var generic []string
	for _, x := range su {
		if !slices.Contains(p.words, x) {
			continue
		}
		shared++
		switch {
		case stopWords[x]:
		case a.generic[x]:
			generic = append(generic, x)
		default:
			specific = true
		}
	}
	if specific {
		generic = nil
	}
	if !a.shared {
		return cosine(sv, p.vec), generic
	}
	if !specific {
		return 0, generic
	}
	nuniq := p.nuniq
	if nuniq == 0 {
		nuniq = len(uniq(p.words))
	}
	return min(cosine(sv, p.vec), float64(shared)/math.Sqrt(float64(len(su)*nuniq))), generic
}

// uniq returns the distinct words of ws, in order.
func uniq(ws []string) []string {
	out := make([]string, 0, len(ws))
	for _, w := range ws {
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// stopWords do not make two phrases share a word.
var stopWords = map[string]bool{
	"a": true, "an": true, "and": true, "as": true, "at": true, "by": true, "e": true, "for": true,
	"from": true, "g": true, "in": true, "of": true, "on": true, "or": true, "the": true,
	"to": true, "with": true, "&": true,
}

// assessment is how the person's skills compare with one role.
type assessment struct {
	cand                 report.Candidate
	cr                   *catalogRole // an empty role when the catalog does not have it
	known                bool         // the catalog has the role
	matches              []match      // per skill, in the request's order
	strong, medium, weak []string
}

// evidence reports whether some skill matches the role at Medium or better.
func (as *assessment) evidence() bool { return len(as.strong)+len(as.medium) > 0 }

// assess compares every skill with role c.
func (a *offlineAnalyst) assess(skills []skillText, c report.Candidate) *assessment {
	as := &assessment{cand: c, cr: a.roles[a.roleKey(c.Role)]}
	as.known = as.cr != nil
	if !as.known {
		as.cr = &catalogRole{role: c.Role}
	}
	for i := range skills {
		m := a.judgeText(&skills[i], as.cr)
		as.matches = append(as.matches, m)
		switch m.level {
		case report.Strong:
			as.strong = append(as.strong, skills[i].text)
		case report.Medium:
			as.medium = append(as.medium, skills[i].text)
		default:
			as.weak = append(as.weak, skills[i].text)
		}
	}
	return as
}

// finalRole is one of the report's roles while the analyst builds the list.
type finalRole struct {
	as     *assessment
	prov   report.Provenance
	stands []string // near-duplicate predictions this role also stands for
}

// analyse writes the report for req. alts are the classifier's further ranked roles, most
// likely first (the current role excluded). Each prediction is kept, unless
//
//   - it is a near-duplicate of the current role, or of a role higher in the list (which then
//     stands for both): the first alternative that some skill matches takes its place (else
//     the first alternative that fits);
//   - none of the skills matches it (all Weak): the first alternative that some skill matches
//     takes its place; without one the prediction stays and the report says its evidence is
//     weak.
//
// A replacement is never the current role, a role of the list or a near-duplicate of either.
func (a *offlineAnalyst) analyse(req report.Request, alts []report.Candidate) *report.Report {
	skills := make([]skillText, len(req.Skills))
	for i, s := range req.Skills {
		skills[i] = a.skillText(s)
	}
	cache := map[string]*assessment{}
	assess := func(c report.Candidate) *assessment {
		k := a.roleKey(c.Role)
		if as, ok := cache[k]; ok {
			return as
		}
		as := a.assess(skills, c)
		cache[k] = as
		return as
	}
	current := a.roleName(req.CurrentRole)
	currentKey := current.key
	used := map[string]bool{currentKey: true}
	for _, c := range req.Candidates {
		used[a.roleKey(c.Role)] = true
	}
	var finals []*finalRole
	// fill returns the first alternative that fits at position i: not used, not a
	// near-duplicate of the current role, of a role already chosen or of a later prediction;
	// with some evidence, or (unless evidence is required) the first that fits at all.
	fill := func(i int, needEvidence bool) *assessment {
		var first *assessment
		for _, alt := range alts {
			k := a.roleKey(alt.Role)
			if used[k] || a.nearDuplicateNames(a.roleName(alt.Role), current) {
				continue
			}
			dup := false
			for _, f := range finals {
				dup = dup || a.nearDuplicate(alt.Role, f.as.cand.Role)
			}
			for _, c := range req.Candidates[i+1:] {
				dup = dup || a.nearDuplicate(alt.Role, c.Role)
			}
			if dup {
				continue
			}
			as := assess(alt)
			if as.evidence() {
				return as
			}
			if first == nil {
				first = as
			}
		}
		if needEvidence {
			return nil
		}
		return first
	}
	replace := func(c report.Candidate, as *assessment, why string) *finalRole {
		used[a.roleKey(as.cand.Role)] = true
		return &finalRole{as: as, prov: report.Provenance{Source: report.SourceAnalyst, Probability: as.cand.Probability,
			Replaces: c.Role, Reason: why + "; " + a.offer(as)}}
	}

	for i, c := range req.Candidates {
		as := assess(c)
		kept := &finalRole{as: as, prov: report.Provenance{Source: report.SourceModel, Probability: c.Probability}}
		dupOf := -1
		for j, f := range finals {
			if dupOf < 0 && a.nearDuplicate(c.Role, f.as.cand.Role) {
				dupOf = j
			}
		}
		switch {
		case a.nearDuplicateNames(a.roleName(c.Role), current):
			why := fmt.Sprintf("%s is another name for your current role, %s", c.Role, req.CurrentRole)
			if r := fill(i, false); r != nil {
				kept = replace(c, r, why)
			} else {
				kept.prov.Reason = why + ", but no other role the classifier ranks could take its place."
			}
		case dupOf >= 0:
			f := finals[dupOf]
			why := fmt.Sprintf("%s is another name for %s (role %d), which stands for both", c.Role, f.as.cand.Role, dupOf+1)
			if r := fill(i, false); r != nil {
				kept = replace(c, r, why)
				f.stands = append(f.stands, fmt.Sprintf("%s (the classifier's prediction %d, probability %s)", c.Role, i+1, percent(c.Probability)))
			} else {
				kept.prov.Reason = fmt.Sprintf("It may be another name for %s (role %d), but no other role the classifier ranks could take its place.", f.as.cand.Role, dupOf+1)
			}
		case !as.evidence():
			if r := fill(i, true); r != nil {
				kept = replace(c, r, a.noEvidence(as))
			} else {
				var others string
				switch len(alts) {
				case 0:
					others = "the classifier ranks no other role to take its place"
				case 1:
					others = "the next role the classifier ranks does no better"
				default:
					others = fmt.Sprintf("none of the next %d roles the classifier ranks does better", len(alts))
				}
				kept.prov.Reason = fmt.Sprintf("%s, and %s, so the prediction stays: the evidence for it is weak.", capitalise(a.noEvidence(as)), others)
			}
		default:
			kept.prov.Reason = capitalise(a.offer(as)) + "."
		}
		finals = append(finals, kept)
	}

	rep := &report.Report{}
	for _, f := range finals {
		if len(f.stands) > 0 {
			f.prov.Reason = strings.TrimSpace(f.prov.Reason + fmt.Sprintf(" It also stands for %s: %s.",
				listAnd(f.stands), plural(len(f.stands), "another name for the same role", "other names for the same role")))
		}
		rep.Roles = append(rep.Roles, a.role(req, skills, f.as))
	}
	for i, f := range finals {
		rep.Roles[i].Provenance = f.prov
	}
	return rep
}

// noEvidence says that none of the skills matches a role, as a clause.
func (a *offlineAnalyst) noEvidence(as *assessment) string {
	switch {
	case !as.known:
		return fmt.Sprintf("the role catalog has no postings of %s to compare your skills with", as.cand.Role)
	case len(as.cr.phrases) == 0:
		return fmt.Sprintf("the role catalog lists no skills for %s to compare your skills with", as.cand.Role)
	}
	return fmt.Sprintf("none of your skills appears in %s postings", as.cand.Role)
}

// offer says what a role's postings ask for of the person's skills, as a clause.
func (a *offlineAnalyst) offer(as *assessment) string {
	role := as.cand.Role
	if !as.evidence() {
		return fmt.Sprintf("%s is the next role the classifier ranks, though %s", role, a.noEvidence(as))
	}
	var parts []string
	if n := len(as.strong); n > 0 {
		parts = append(parts, fmt.Sprintf("%d of your skills (%s)", n, listAnd(as.strong)))
	}
	if len(as.medium) > 0 {
		parts = append(parts, "something close to "+listAnd(as.medium))
	}
	return fmt.Sprintf("%s postings ask for %s", role, strings.Join(parts, " and for "))
}

// capitalise upper-cases the first letter of s.
func capitalise(s string) string {
	for i, r := range s {
		return string(unicode.ToUpper(r)) + s[i+len(string(r)):]
	}
	return s
}

// role explains one role of the report (its provenance is set by analyse).
func (a *offlineAnalyst) role(req report.Request, skills []skillText, as *assessment) report.RoleReport {
	c, cr := as.cand, as.cr
	rr := report.RoleReport{Role: c.Role}
	// postings says how many of the role's postings ask for p: " (3 of 4 postings)".
	postings := func(p *rolePhrase) string {
		if cr.postings <= 0 {
			return ""
		}
		return fmt.Sprintf(" (%d of %d postings)", min(p.count, cr.postings), cr.postings)
	}

	// Job description.
	switch {
	case cr.description != "":
		rr.JobDescription = cr.description
	case len(cr.phrases) > 0:
		rr.JobDescription = fmt.Sprintf("The role catalog has no description of %s; its postings most often ask for %s.",
			c.Role, listAnd(quoted(phraseTexts(cr.phrases, 3))))
	default:
		rr.JobDescription = fmt.Sprintf("%s is not in the role catalog (data/clean/roles.parquet): the classifier knows the role, but the catalog describes neither its work nor its skills.", c.Role)
	}

	// Skill matches.
	var applied []string
	for i, sk := range req.Skills {
		m := as.matches[i]
		sm := report.SkillMatch{Skill: sk, Match: m.level}
		switch {
		case m.phrase == nil:
			sm.Justification = fmt.Sprintf("The role catalog lists no skills for %s to compare it with.", c.Role)
		case m.versioned && m.within == equalWords:
			sm.Justification = fmt.Sprintf("%s postings ask for %q%s, the same skill without the version number.", cr.role, m.phrase.text, postings(m.phrase))
		case m.versioned && m.within == phraseHasSkill:
			sm.Justification = fmt.Sprintf("The role asks for %q%s, which names this skill without its version number.", m.phrase.text, postings(m.phrase))
		case m.versioned:
			sm.Justification = fmt.Sprintf("It includes the role's skill %q%s, without the version number.", m.phrase.text, postings(m.phrase))
		case m.within == equalWords:
			sm.Justification = fmt.Sprintf("%s postings ask for %q%s.", cr.role, m.phrase.text, postings(m.phrase))
		case m.within == phraseHasSkill:
			sm.Justification = fmt.Sprintf("The role asks for %q%s, which names this skill.", m.phrase.text, postings(m.phrase))
		case m.within == skillHasPhrase:
			sm.Justification = fmt.Sprintf("It includes the role's skill %q%s.", m.phrase.text, postings(m.phrase))
		case m.level != report.Weak:
			sm.Justification = fmt.Sprintf("Close to the role's skill %q%s; similarity %.2f.", m.phrase.text, postings(m.phrase), m.sim)
		case m.generic != nil:
			sm.Justification = fmt.Sprintf("It shares only the general %s %s with the role's skill %q, which says little about the skill itself.",
				plural(len(m.generic), "word", "words"), listAnd(quoted(m.generic)), m.phrase.text)
		case m.sim > 0.1:
			sm.Justification = fmt.Sprintf("The closest of the role's skills, %q, is too far from it (similarity %.2f).", m.phrase.text, m.sim)
		default:
			sm.Justification = fmt.Sprintf("None of the %d skills %s postings list is close to it.", len(cr.phrases), cr.role)
		}
		rr.SkillMatches = append(rr.SkillMatches, sm)
		if m.level != report.Weak && len(applied) < 3 {
			applied = append(applied, fmt.Sprintf("%s carries over to the role's %q%s.", sk, m.phrase.text, postings(m.phrase)))
		}
	}

	// Summary, in the words of the skill table.
	none := func(items []string) string {
		if len(items) == 0 {
			return "none"
		}
		return listAnd(items)
	}
	var verdict string
	switch n := len(req.Skills); {
	case 2*len(as.strong) > n:
		verdict = "A close fit: most of the skills are ones the role asks for."
	case 2*(len(as.strong)+len(as.medium)) >= n:
		verdict = "A plausible move: some skills carry over, the rest would need learning."
	default:
		verdict = "A distant move: few of the skills are ones the role asks for."
	}
	rr.MatchSummary = fmt.Sprintf("%s %s: %s. %s: %s. %s: %s. The classifier gives the role a probability of %s.",
		verdict, report.Strong, none(as.strong), report.Medium, none(as.medium), report.Weak, none(as.weak), percent(c.Probability))

	// How the skills apply.
	switch {
	case len(applied) > 0:
		rr.SkillApplication = strings.Join(applied, " ")
		if len(as.weak) > 0 {
			rr.SkillApplication += fmt.Sprintf(" %s postings do not ask for %s, so %s less in this role.",
				c.Role, listAnd(as.weak), plural(len(as.weak), "it counts", "they count"))
		}
	case len(cr.phrases) > 0:
		rr.SkillApplication = fmt.Sprintf("None of the skills is among those %s postings list, the most frequent of which are %s. The move would start with learning them; the classifier still ranks the role among the closest to this skill set.",
			c.Role, listAnd(quoted(phraseTexts(cr.phrases, 3))))
	default:
		rr.SkillApplication = fmt.Sprintf("The role catalog lists no skills for %s, so how the skills apply cannot be said from the data; the classifier ranks the role among the closest to this skill set.", c.Role)
	}

	// Development: the role's most frequent phrases that no skill already covers.
	for i := range cr.phrases {
		p := &cr.phrases[i]
		if slices.ContainsFunc(skills, func(s skillText) bool { return a.owns(&s, p) }) {
			continue
		}
		rr.Development = append(rr.Development, fmt.Sprintf("Learn %q%s.", p.text, postings(p)))
		if len(rr.Development) == maxDevelopment {
			break
		}
	}
	if len(rr.Development) == 0 {
		if len(cr.phrases) > 0 {
			rr.Development = append(rr.Development, fmt.Sprintf("The skills already cover what %s postings ask for most; deepen %q with a project that shows it.", c.Role, cr.phrases[0].text))
		} else {
			rr.Development = append(rr.Development, fmt.Sprintf("Read current %s postings to learn which skills they ask for.", c.Role))
		}
	}
	return rr
}

// nearDuplicate reports whether role names x and y name the same role: the same words in any
// order, ignoring punctuation, letter case and a plural "s" ("UX/UI Designer" and "UI/UX
// Designer", "Front-End Developer" and "Frontend Developer", "System Administrator" and
// "Systems Administrator"), or the words of one plus one more word, when that word is a
// generic role word ("Wealth Advisor" and "Wealth Management Advisor") or when the catalog's
// phrases of the two roles largely share their words (at least minNameOverlap of the smaller
// one's; "Frontend Developer" and "Frontend Web Developer"). "Data Analyst" and "Data
// Engineer" are different roles.
func (a *offlineAnalyst) nearDuplicate(x, y string) bool {
	return a.nearDuplicateNames(a.roleName(x), a.roleName(y))
}

// nearDuplicateNames is nearDuplicate for role names worked out (roleName).
func (a *offlineAnalyst) nearDuplicateNames(x, y roleName) bool {
	wx, wy := x.words, y.words
	if len(wx) > len(wy) {
		wx, wy = wy, wx
		x, y = y, x
	}
	switch {
	case len(wx) == 0:
		return false
	case slices.Equal(wx, wy):
		return true
	case len(wy) != len(wx)+1:
		return false
	}
	extra, ok := extraWord(wx, wy)
	if !ok {
		return false
	}
	if genericRoleWords[extra] {
		return true
	}
	rx, ry := x.cr, y.cr
	if rx == nil || ry == nil {
		return false
	}
	small, big := rx.content, ry.content
	if len(small) > len(big) {
		small, big = big, small
	}
	if len(small) < minOverlapWords {
		return false
	}
	shared := 0
	for w := range small {
		if big[w] {
			shared++
		}
	}
	return float64(shared) >= minNameOverlap*float64(len(small))
}

// extraWord returns the one word of the sorted words long that short (sorted, one word
// shorter) lacks, if short's words are all in long.
func extraWord(short, long []string) (string, bool) {
	extra, ok := "", false
	i := 0
	for _, w := range long {
		if i < len(short) && short[i] == w {
			i++
			continue
		}
		if ok {
			return "", false
		}
		extra, ok = w, true
	}
	return extra, ok && i == len(short)
}

// roleNameWords returns the sorted words of a role name for near-duplicate tests: lower case,
// split at spaces and / , & ( ), punctuation inside a word dropped ("Front-End" is
// "frontend"), a plural "s" dropped, and "and", "of", "the", "for", "in" left out.
func roleNameWords(name string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(strings.ToLower(name), func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune("/,&()", r)
	}) {
		w := strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '+' || r == '#' {
				return r
			}
			return -1
		}, f)
		switch w {
		case "", "and", "of", "the", "for", "in":
			continue
		}
		if len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is") {
			w = strings.TrimSuffix(w, "s")
		}
		out = append(out, w)
	}
	slices.Sort(out)
	return out
}

// versionless returns ws without version numbers: a word of letters followed by a version
// ("css3", "html5", "python3") becomes its letters ("css"), and a version after a word of
// letters ("python 3", "angular 2+", "python 3 11") is dropped. Words of one letter keep
// their digits ("s3"), and so do words with letters after the digits ("3d", "log4j").
func versionless(ws []string) []string {
	out := make([]string, 0, len(ws))
	for i, w := range ws {
		if isVersion(w) && i > 0 && (isLetters(ws[i-1]) && !stopWords[ws[i-1]] || isVersion(ws[i-1])) {
			continue
		}
		j := strings.IndexFunc(w, unicode.IsDigit)
		if j >= 2 && isLetters(w[:j]) && isVersion(w[j:]) {
			w = w[:j]
		}
		out = append(out, w)
	}
	return out
}

// isVersion reports whether w is a version number: digits, with an optional trailing "+".
// (words splits "3.11" into "3" and "11".)
func isVersion(w string) bool {
	w = strings.TrimSuffix(w, "+")
	return w != "" && strings.IndexFunc(w, func(r rune) bool { return !unicode.IsDigit(r) }) < 0
}

// isLetters reports whether w is only letters.
func isLetters(w string) bool {
	return w != "" && strings.IndexFunc(w, func(r rune) bool { return !unicode.IsLetter(r) }) < 0
}

// sortedKeys returns the keys of m in order.
func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// words returns the lower-case words of s (letters, digits, '+' and '#': "C++" and "C#" stay
// words), for whole-word containment.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '+' || r == '#')
	})
}

// containsWords reports whether needle appears in hay as a run of whole words.
func containsWords(hay, needle []string) bool {
	if len(needle) == 0 || len(needle) > len(hay) {
		return false
	}
	for i := 0; i+len(needle) <= len(hay); i++ {
		if slices.Equal(hay[i:i+len(needle)], needle) {
			return true
		}
	}
	return false
}

// cosine returns the cosine similarity of two L2-normalised vectors (their dot product), or 0
// when either is missing.
func cosine(a, b []float32) float64 {
	if len(a) == 0 || len(a) != len(b) {
		return 0
	}
	var s float32
	for i := range a {
		s += a[i] * b[i]
	}
	return float64(s)
}

func phraseTexts(ps []rolePhrase, n int) []string {
	var out []string
	for i := 0; i < len(ps) && i < n; i++ {
		out = append(out, ps[i].text)
	}
	return out
}

// quoted quotes each item.
func quoted(items []string) []string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = strconv.Quote(s)
	}
	return out
}

// listAnd joins items as "a, b and c".
func listAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
