package recommend

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/skillx/skillx/clean"
	"github.com/skillx/skillx/internal/gemini"
	"github.com/skillx/skillx/internal/records"
)

// OfflineVersion names the offline analyst's method; it is part of every offline report's key.
const OfflineVersion = "offline-v1"

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
// (or the other way round: "Excel" and "Advanced Excel") is Strong.
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

// catalogRole is one role of the catalog as the offline analyst uses it.
type catalogRole struct {
	role        string
	description string
	postings    int64
	phrases     []rolePhrase
}

// rolePhrase is one skill phrase of a role.
type rolePhrase struct {
	text  string
	count int64
	words []string
	vec   []float32
}

// offlineAnalyst writes reports without Gemini, from the role catalog and skill similarity.
// It is safe for concurrent use once built.
type offlineAnalyst struct {
	encoder string
	th      Thresholds
	shared  bool                    // similarity bounded by shared words (hashing encoder)
	roles   map[string]*catalogRole // by clean.RoleKey
	vecs    map[string][]float32    // skill text -> vector
}

// newOfflineAnalyst builds the analyst from the catalog rows; vectors of the role phrases and
// of the people's skills are looked up in vecs by text.
func newOfflineAnalyst(encoderID string, roles []records.Role, vecs map[string][]float32) *offlineAnalyst {
	a := &offlineAnalyst{encoder: encoderID, th: ThresholdsFor(encoderID), shared: strings.HasPrefix(encoderID, "hashing"),
		roles: make(map[string]*catalogRole, len(roles)), vecs: vecs}
	for _, r := range roles {
		cr := &catalogRole{role: r.Role, description: strings.TrimSpace(r.Description), postings: r.Postings}
		for _, p := range catalogPhrases(r) {
			cr.phrases = append(cr.phrases, rolePhrase{text: p.Phrase, count: p.Count, words: words(p.Phrase), vec: vecs[p.Phrase]})
		}
		key := r.RoleKey
		if key == "" {
			key = clean.RoleKey(r.Role)
		}
		a.roles[key] = cr
	}
	return a
}

// catalogPhrases returns the phrases of r the analyst compares: the MaxRolePhrases most
// frequent (the catalog lists them most frequent first).
func catalogPhrases(r records.Role) []records.PhraseCount {
	return r.Skills[:min(len(r.Skills), MaxRolePhrases)]
}

// info describes the analyst for reports.
func (a *offlineAnalyst) info() AnalystInfo {
	return AnalystInfo{Kind: AnalystOffline, Model: a.encoder, Method: fmt.Sprintf(
		"%s: job descriptions and skills from the role catalog; a skill is Strong when it and a role skill contain one another as whole words or their cosine similarity is at least %.2f, Medium from %.2f, with %s vectors%s; the classifier's predictions are kept as they are",
		OfflineVersion, a.th.Strong, a.th.Medium, a.encoder, map[bool]string{true: " (at most the share of words two phrases have in common)"}[a.shared])}
}

// id identifies the analyst and its settings, for report keys.
func (a *offlineAnalyst) id() string {
	return fmt.Sprintf("%s:%s:%.4f:%.4f:%d", OfflineVersion, a.encoder, a.th.Strong, a.th.Medium, MaxRolePhrases)
}

// match is how one skill compares with one role.
type match struct {
	level  gemini.MatchLevel
	phrase *rolePhrase // the closest phrase; nil when the role has none
	sim    float64
	within containment
}

// containment says whether a skill and a phrase contain one another as runs of whole words.
type containment int

const (
	notWithin      containment = iota
	equalWords                 // the same words
	phraseHasSkill             // "SQL" in the role's "SQL queries"
	skillHasPhrase             // the role's "Excel" in "Excel macros"
)

// contained returns how skill words sw and phrase words pw contain one another.
func contained(sw, pw []string) containment {
	switch {
	case slices.Equal(sw, pw) && len(sw) > 0:
		return equalWords
	case containsWords(pw, sw):
		return phraseHasSkill
	case containsWords(sw, pw):
		return skillHasPhrase
	}
	return notWithin
}

// judge compares a skill with a role's phrases.
func (a *offlineAnalyst) judge(skill string, cr *catalogRole) match {
	sw := words(skill)
	sv := a.vecs[skill]
	best := match{level: gemini.Weak, sim: -2}
	for i := range cr.phrases {
		p := &cr.phrases[i]
		within := contained(sw, p.words)
		sim := a.similarity(sw, sv, p)
		var better bool
		switch {
		case (within != notWithin) != (best.within != notWithin):
			better = within != notWithin // containment outranks any similarity
		case sim != best.sim:
			better = sim > best.sim
		default:
			better = best.phrase == nil // phrases come most frequent first
		}
		if better {
			best = match{phrase: p, sim: sim, within: within}
		}
	}
	if best.phrase == nil {
		return match{level: gemini.Weak}
	}
	switch {
	case best.within != notWithin || best.sim >= a.th.Strong:
		best.level = gemini.Strong
	case best.sim >= a.th.Medium:
		best.level = gemini.Medium
	default:
		best.level = gemini.Weak
	}
	return best
}

// covers reports whether a skill covers a role phrase (Medium or better).
func (a *offlineAnalyst) covers(skill string, p *rolePhrase) bool {
	sw := words(skill)
	return contained(sw, p.words) != notWithin || a.similarity(sw, a.vecs[skill], p) >= a.th.Medium
}

// similarity returns the cosine similarity of a skill (its words and vector) and a phrase.
// With the hashing encoder it is at most the cosine of their word sets, and 0 when they share
// no word other than a stop word: more would only be hash collisions.
func (a *offlineAnalyst) similarity(sw []string, sv []float32, p *rolePhrase) float64 {
	sim := cosine(sv, p.vec)
	if !a.shared {
		return sim
	}
	shared, content := 0, false
	for _, x := range uniq(sw) {
		if slices.Contains(p.words, x) {
			shared++
			content = content || !stopWords[x]
		}
	}
	if !content {
		return 0
	}
	return min(sim, float64(shared)/math.Sqrt(float64(len(uniq(sw))*len(uniq(p.words)))))
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

// analyse writes the report for req: the predictions kept in order, each explained from the
// catalog.
func (a *offlineAnalyst) analyse(req gemini.Request) *gemini.Report {
	rep := &gemini.Report{}
	for _, c := range req.Candidates {
		rep.Roles = append(rep.Roles, a.role(req, c))
	}
	return rep
}

// role explains one predicted role.
func (a *offlineAnalyst) role(req gemini.Request, c gemini.Candidate) gemini.RoleReport {
	rr := gemini.RoleReport{
		Role: c.Role,
		Provenance: gemini.Provenance{Source: gemini.SourceModel, Probability: c.Probability,
			Reason: "The offline analyst keeps the classifier's predictions as they are; it does not judge or replace them."},
	}
	cr := a.roles[clean.RoleKey(c.Role)]
	if cr == nil {
		cr = &catalogRole{role: c.Role}
	}
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
	var strong, medium, weak, applied []string
	for _, sk := range req.Skills {
		m := a.judge(sk, cr)
		sm := gemini.SkillMatch{Skill: sk, Match: m.level}
		switch {
		case m.phrase == nil:
			sm.Justification = fmt.Sprintf("The role catalog lists no skills for %s to compare it with.", c.Role)
		case m.within == equalWords:
			sm.Justification = fmt.Sprintf("%s postings ask for %q%s.", cr.role, m.phrase.text, postings(m.phrase))
		case m.within == phraseHasSkill:
			sm.Justification = fmt.Sprintf("The role asks for %q%s, which names this skill.", m.phrase.text, postings(m.phrase))
		case m.within == skillHasPhrase:
			sm.Justification = fmt.Sprintf("It includes the role's skill %q%s.", m.phrase.text, postings(m.phrase))
		case m.level != gemini.Weak:
			sm.Justification = fmt.Sprintf("Close to the role's skill %q%s; similarity %.2f.", m.phrase.text, postings(m.phrase), m.sim)
		case m.sim > 0.1:
			sm.Justification = fmt.Sprintf("The closest of the role's skills, %q, is too far from it (similarity %.2f).", m.phrase.text, m.sim)
		default:
			sm.Justification = fmt.Sprintf("None of the %d skills %s postings list is close to it.", len(cr.phrases), cr.role)
		}
		rr.SkillMatches = append(rr.SkillMatches, sm)
		switch m.level {
		case gemini.Strong:
			strong = append(strong, sk)
		case gemini.Medium:
			medium = append(medium, sk)
		default:
			weak = append(weak, sk)
		}
		if m.level != gemini.Weak && len(applied) < 3 {
			applied = append(applied, fmt.Sprintf("%s carries over to the role's %q%s.", sk, m.phrase.text, postings(m.phrase)))
		}
	}

	// Summary.
	none := func(items []string) string {
		if len(items) == 0 {
			return "none"
		}
		return listAnd(items)
	}
	var verdict string
	switch n := len(req.Skills); {
	case 2*len(strong) > n:
		verdict = "A close fit: most of the skills are ones the role asks for."
	case 2*(len(strong)+len(medium)) >= n:
		verdict = "A plausible move: some skills carry over, the rest would need learning."
	default:
		verdict = "A distant move: few of the skills are ones the role asks for."
	}
	rr.MatchSummary = fmt.Sprintf("%s Strong: %s. Partial: %s. Weak: %s. The classifier gives the role a probability of %s.",
		verdict, none(strong), none(medium), none(weak), percent(c.Probability))

	// How the skills apply.
	switch {
	case len(applied) > 0:
		rr.SkillApplication = strings.Join(applied, " ")
		if len(weak) > 0 {
			rr.SkillApplication += fmt.Sprintf(" %s postings do not ask for %s, so %s less in this role.",
				c.Role, listAnd(weak), plural(len(weak), "it counts", "they count"))
		}
	case len(cr.phrases) > 0:
		rr.SkillApplication = fmt.Sprintf("None of the skills is among those %s postings list, the most frequent of which are %s. The move would start with learning them; the classifier still ranks the role among the closest to this skill set.",
			c.Role, listAnd(quoted(phraseTexts(cr.phrases, 3))))
	default:
		rr.SkillApplication = fmt.Sprintf("The role catalog lists no skills for %s, so how the skills apply cannot be said from the data; the classifier ranks the role among the closest to this skill set.", c.Role)
	}

	// Development: the role's most frequent phrases that no skill covers.
	for i := range cr.phrases {
		p := &cr.phrases[i]
		covered := false
		for _, s := range req.Skills {
			if a.covers(s, p) {
				covered = true
				break
			}
		}
		if !covered {
			rr.Development = append(rr.Development, fmt.Sprintf("Learn %q%s.", p.text, postings(p)))
			if len(rr.Development) == maxDevelopment {
				break
			}
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
		ok := true
		for j, w := range needle {
			if hay[i+j] != w {
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
