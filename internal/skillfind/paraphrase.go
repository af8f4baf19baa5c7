package skillfind

import (
	"strings"
	"sync"
	"sync/atomic"

	"github.com/skillx/skillx/internal/tfidf"
)

// Paraphrases: an item of a Skills section that names no vocabulary form ("Wireframing",
// "Usability tests") is compared with the vocabulary's phrases that share one of its two
// rarest words, by the cosine of their TF-IDF vectors (word unigrams and character 3- to
// 5-grams of words, fitted on the phrases themselves with internal/tfidf, as the corpus model
// is), and counts as the most similar phrase's skill when the cosine is at least
// ParaphraseMin, with its weight multiplied by ParaphraseWeight × the cosine. Only short items
// of a Skills section are compared: in prose every sentence would resemble something. The
// model is fitted when the first item needs it.
const (
	// ParaphraseMin is the least cosine for a paraphrase.
	ParaphraseMin = 0.7
	// ParaphraseWeight scales a paraphrase's evidence (times its cosine).
	ParaphraseWeight = 0.6
	// paraphraseMaxWords is the longest item compared.
	paraphraseMaxWords = 6
)

// paraphraser holds the TF-IDF vectors of the vocabulary's phrases and, for each word term,
// the phrases that have it: the candidates of an item are the phrases sharing one of its two
// rarest words, and each candidate's cosine is computed exactly.
type paraphraser struct {
	model   *tfidf.Model
	texts   []string
	groupOf []int32
	vecs    []tfidf.Vector
	byWord  map[int32][]int32 // word term id -> phrases

	// cache holds nearest's answers by item text (lower case), up to paraphraseCacheSize:
	// the same items ("Communication", "MS Office") come back résumé after résumé.
	cache  sync.Map
	cached atomic.Int64
}

// paraphraseCacheSize bounds the paraphrase cache.
const paraphraseCacheSize = 100000

type nearestAnswer struct {
	doc int
	sim float64
}

// item is a Skills-section item that names no vocabulary form.
type item struct {
	line       int
	text       string
	start, end int
	section    Section
	name       bool // a word is a name (in capitals or mixed case): never a paraphrase
}

// newParaphraser fits the TF-IDF model on the phrases of v's skills; nil when v is empty.
func newParaphraser(v *Vocabulary) *paraphraser {
	p := &paraphraser{byWord: map[int32][]int32{}}
	seen := map[string]bool{}
	for gi, g := range v.groups {
		for _, t := range append([]string{g.Name}, g.Phrases...) {
			k := strings.ToLower(t)
			if seen[k] {
				continue
			}
			seen[k] = true
			p.texts = append(p.texts, t)
			p.groupOf = append(p.groupOf, int32(gi))
		}
	}
	if len(p.texts) == 0 {
		return nil
	}
	opts := tfidf.Options{WordNgrams: 1, CharMin: 3, CharMax: 5, CharShare: 0.5, Sublinear: true, MinDF: 1}
	m, err := tfidf.Fit(p.texts, opts)
	if err != nil {
		return nil
	}
	p.model = m
	p.vecs = m.TransformAll(p.texts)
	for d, vec := range p.vecs {
		for _, id := range vec.Indices {
			if strings.HasPrefix(m.Term(id), "w:") {
				p.byWord[id] = append(p.byWord[id], int32(d))
			}
		}
	}
	return p
}

// nearest returns the phrase most similar to text among those that share one of its two
// rarest words, and its cosine (-1 when none does).
func (p *paraphraser) nearest(text string) (int, float64) {
	key := strings.ToLower(text)
	if a, ok := p.cache.Load(key); ok {
		return a.(nearestAnswer).doc, a.(nearestAnswer).sim
	}
	d, sim := p.nearestUncached(text)
	if p.cached.Load() < paraphraseCacheSize {
		if _, loaded := p.cache.LoadOrStore(key, nearestAnswer{d, sim}); !loaded {
			p.cached.Add(1)
		}
	}
	return d, sim
}

func (p *paraphraser) nearestUncached(text string) (int, float64) {
	vec := p.model.Transform(text)
	// The item's two rarest words (highest IDF) choose the candidates.
	var rare [2]int32
	var rareIDF [2]float32
	rare[0], rare[1] = -1, -1
	for _, id := range vec.Indices {
		if _, ok := p.byWord[id]; !ok {
			continue
		}
		switch x := p.model.IDF(id); {
		case x > rareIDF[0]:
			rare[1], rareIDF[1] = rare[0], rareIDF[0]
			rare[0], rareIDF[0] = id, x
		case x > rareIDF[1]:
			rare[1], rareIDF[1] = id, x
		}
	}
	best, bestScore := -1, 0.0
	for _, id := range rare {
		if id < 0 {
			continue
		}
		for _, d := range p.byWord[id] {
			if s := tfidf.Dot(vec, p.vecs[d]); s > bestScore || s == bestScore && int(d) < best {
				best, bestScore = int(d), s
			}
		}
	}
	return best, bestScore
}

// collectItems keeps the items of a Skills line (runs of words between separators) that no
// vocabulary form matched, for paraphrases and to keep as written. The label of a category
// line ("Big Data" of "Big Data: Spark, Kafka") is not an item.
func (st *scanState) collectItems(i int, text string, base int, ws []word, used []bool) {
	labelEnd := categoryLabelEnd(text)
	for a := 0; a < len(ws); {
		b := a + 1
		for b < len(ws) && !ws[b].brk {
			b++
		}
		if ws[b-1].end > labelEnd {
			st.keepItem(i, text, base, ws[a:b], used[a:b])
		}
		a = b
	}
}

// categoryLabelEnd returns the offset of the colon that ends the label of a category line
// ("Big Data: Spark, Kafka", "• Tools: Jira"): at most four words without digits before a
// colon that has text after it; -1 when the line has no such label.
func categoryLabelEnd(text string) int {
	p := strings.IndexByte(text, ':')
	if p < 0 || strings.TrimSpace(text[p+1:]) == "" {
		return -1
	}
	label := strings.TrimLeft(text[:p], listMarks+" ")
	if label == "" || len(strings.Fields(label)) > 4 || strings.ContainsAny(label, "0123456789") {
		return -1
	}
	return p
}

// keepItem keeps one item unless a word of it matched, it is too long, it starts or ends with
// a function word, or it only states a length of experience, a date or a level. An item with a name in it (a word in capitals or mixed
// case: "LinkedIn", "SAP") is kept to be kept as written, not compared for paraphrases: a
// name is found as it is or not at all.
func (st *scanState) keepItem(i int, text string, base int, ws []word, used []bool) {
	if len(ws) == 0 || len(ws) > paraphraseMaxWords {
		return
	}
	if isFunctionWord(text, ws[0]) || isFunctionWord(text, ws[len(ws)-1]) {
		return // a piece of a sentence ("and the rest of it")
	}
	letters, name := false, false
	for k, w := range ws {
		if used[k] {
			return
		}
		if s := text[w.start:w.end]; w.upper && len(s) >= 2 || hasInnerCapital(s) {
			name = true
		}
		if k := foldPlural(strings.ToLower(text[w.start:w.end])); !notSkillWords[k] && !dateWords[k] && hasLetter(k) {
			letters = true
		}
	}
	if !letters {
		return
	}
	st.items = append(st.items, item{line: i, text: text[ws[0].start:ws[len(ws)-1].end],
		start: base + ws[0].start, end: base + ws[len(ws)-1].end, section: SectionSkills, name: name})
}

// dateWords are the words of a date or a span of time ("Jan 2020 – present").
var dateWords = map[string]bool{
	"jan": true, "january": true, "feb": true, "february": true, "mar": true, "march": true,
	"apr": true, "april": true, "may": true, "jun": true, "june": true, "jul": true, "july": true,
	"aug": true, "august": true, "sep": true, "sept": true, "september": true, "oct": true,
	"october": true, "nov": true, "november": true, "dec": true, "december": true,
	"present": true, "current": true, "now": true, "today": true, "yr": true, "yrs": true,
	"mo": true, "mos": true, "week": true, "weeks": true, "day": true, "days": true,
}

// notSkillWords are words of a Skills section that say how long or how well, not what.
var notSkillWords = map[string]bool{
	"exprience": true, "experience": true, "year": true, "years": true, "month": true, "months": true,
	"less": true, "than": true, "and": true, "or": true, "of": true, "in": true, "with": true,
	"skill": true, "expert": true, "advanced": true, "intermediate": true, "beginner": true,
	"basic": true, "proficient": true, "good": true, "strong": true, "excellent": true,
	"knowledge": true, "language": true, "tool": true, "practice": true, "framework": true,
	"other": true, "etc": true, "e.g": true, "eg": true, "including": true,
}

func hasLetter(s string) bool {
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 0x80 {
			return true
		}
	}
	return false
}

// paraphrase records the item as the skill of the most similar phrase, when similar enough,
// and reports whether it did.
func (st *scanState) paraphrase(it item) bool {
	p := st.f.paraphraser()
	if p == nil {
		return false
	}
	d, sim := p.nearest(it.text)
	if d < 0 || sim < ParaphraseMin || !coversWords(p.texts[d], it.text) {
		return false
	}
	g := p.groupOf[d]
	st.record(g, lineHit{line: it.line, section: it.section, matched: p.texts[d], start: it.start, end: it.end},
		st.lines[it.line].text, true, sim)
	return true
}

// coversWords reports whether every content word of item (not a function word, nor one of
// notSkillWords) is in phrase, or shares its first four letters with a word of phrase
// ("Usability tests" and "Usability testing"): a paraphrase rewords the phrase, it does not
// add to it ("Menu development" is not "API development").
func coversWords(phrase, item string) bool {
	pws := words(phrase)
	for _, w := range words(item) {
		if tfidf.IsStopWord(w.key) || notSkillWords[w.key] {
			continue
		}
		ok := false
		for _, pw := range pws {
			if pw.key == w.key || len(w.key) >= 4 && len(pw.key) >= 4 && pw.key[:4] == w.key[:4] {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// isFunctionWord reports whether the word w of text is a function word (the matcher's words carry no
// key: see tokenize).
func isFunctionWord(text string, w word) bool {
	return tfidf.IsStopWord(strings.ToLower(text[w.start:w.end]))
}
