// Package peoplebench builds a person-shaped benchmark from the shared data sets: "people" of 5
// skills, each drawn from one real LinkedIn posting (job_skills_head.csv) whose job title, read
// from the posting's URL slug, maps to a Kaggle role (job_descriptions_sample.csv) or an O*NET
// occupation (its titles, alternate titles and reported titles). The question the benchmark asks
// of a classifier is: which role do these 5 skills belong to?
//
// Titles are matched after NormalizeTitle, exactly (method "exact"), or else by the longest run of
// the title's leading words whose key has at least two words ("prefix": trailing specialty or
// place words dropped, as in "registered nurse icu" -> "registered nurse"; slugs lose the dashes
// and parentheses that set such words apart). A title listed under several targets keeps all of them
// (Person.Ambiguous), unless it is listed under more than Options.MaxAmbiguity. Build is deterministic: the same data and seed
// give the same people, and Write the same bytes.
package peoplebench

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/skillx/skillx/internal/skillsplit"
	"github.com/skillx/skillx/internal/tabular"
	"github.com/skillx/skillx/internal/textnorm"
)

// The data files Build reads, relative to its datasets folder.
const (
	LinkedInSkillsFile = "linkedin-2024-job-skills/job_skills_head.csv"
	KaggleFile         = "kaggle-job-descriptions/job_descriptions_sample.csv"
	ONETDir            = "onet-29.2"
)

// SkillsPerPerson is the number of skills of every person.
const SkillsPerPerson = 5

// DefaultPerTarget is the default cap on people per Kaggle role and per O*NET occupation.
const DefaultPerTarget = 15

// DefaultMaxAmbiguity is the default of Options.MaxAmbiguity.
const DefaultMaxAmbiguity = 3

// MaxSkillLen is the longest skill (in characters) a person may have: the users file of the
// recommend stage refuses longer values.
const MaxSkillLen = 200

// The match methods, in the order Build tries them.
const (
	// MethodExact: the whole normalised title is a target's normalised title.
	MethodExact = "exact"
	// MethodPrefix: the key of the title's longest run of leading words (a key of at least two
	// words) is one: trailing words dropped.
	MethodPrefix = "prefix"
)

// Methods lists the match methods in the order Build tries them.
var Methods = []string{MethodExact, MethodPrefix}

// Options configures Build.
type Options struct {
	// Seed drives which postings fill a capped target and which skills a person gets.
	Seed int64
	// PerTarget caps the people per Kaggle role and per O*NET occupation: a posting is taken
	// only while every one of its targets has fewer. 0 means DefaultPerTarget; negative, no cap.
	PerTarget int
	// MaxAmbiguity is the most Kaggle roles, and separately the most O*NET occupations, a title
	// may map to: a title listed under more ("teacher": 24 occupations, "service technician": 30)
	// says too little about the job to test anything, and those targets are dropped (a posting
	// left with none is counted in Stats.TooVague). 0 means DefaultMaxAmbiguity; negative, no
	// limit.
	MaxAmbiguity int
}

// Person is one benchmark person: a row of the benchmark file.
type Person struct {
	// UserID is "li-" and the posting's 1-based data row in job_skills_head.csv, in 6 digits.
	UserID string
	// CurrentRole is empty: the benchmark asks which role the skills belong to.
	CurrentRole string
	// Skills are SkillsPerPerson distinct skill phrases of the posting, in the posting's order.
	Skills []string
	// Title is the posting's job title as read from its link (ParseJobLink).
	Title string
	// KaggleRoles are the Kaggle roles the title maps to, sorted.
	KaggleRoles []string
	// ONETCodes are the O*NET-SOC codes of the occupations the title maps to, sorted.
	ONETCodes []string
	// ONETTitles are the titles of ONETCodes' occupations, in the same order.
	ONETTitles []string
	// Ambiguous is true when the title maps to more than one Kaggle role or more than one O*NET
	// occupation; a prediction of any of them counts as right.
	Ambiguous bool
	// Method is how the title was matched: MethodExact or MethodPrefix.
	Method string
	// JobLink is the posting's link, its id in the LinkedIn data.
	JobLink string
}

// Stats counts what Build read and kept.
type Stats struct {
	// Postings is the number of data records of job_skills_head.csv.
	Postings int
	// Unreadable is the number of records the CSV reader could not read (a line cut mid-record).
	Unreadable int
	// Duplicates is the number of records whose job link an earlier record already had.
	Duplicates int
	// NoTitle is the number of links with no title to read (not a /jobs/view/ posting link).
	NoTitle int
	// Mapped is the number of postings whose title maps to at least one target.
	Mapped int
	// MappedByMethod counts Mapped by match method.
	MappedByMethod map[string]int
	// TooVague is the number of mapped postings whose title maps to more targets of each kind
	// than Options.MaxAmbiguity allows.
	TooVague int
	// TooFewSkills is the number of mapped postings with fewer than SkillsPerPerson usable skills.
	TooFewSkills int
	// Capped is the number of mapped postings left out because a target was full.
	Capped int
	// People is the number of people built.
	People int
	// WithKaggle, WithONET and WithBoth count people with a Kaggle role, with an O*NET occupation,
	// and with both.
	WithKaggle, WithONET, WithBoth int
	// Ambiguous counts people whose title maps to several roles or occupations.
	Ambiguous int
	// ByMethod counts people by match method.
	ByMethod map[string]int
	// KaggleRoles and ONETOccupations are the distinct targets that have at least one person.
	KaggleRoles, ONETOccupations int
	// KaggleRolesKnown and ONETOccupationsKnown are the targets read from the data.
	KaggleRolesKnown, ONETOccupationsKnown int
}

// candidate is a mapped posting with enough skills.
type candidate struct {
	row    int64
	link   string
	title  string
	method string
	kaggle []string // Kaggle roles, sorted
	onet   []string // O*NET-SOC codes, sorted
	skills []string
	rank   uint64
}

// Build reads the data sets under datasetsDir and returns the benchmark's people, sorted by
// UserID, with the counts of what it read. Unreadable LinkedIn records are counted and skipped;
// a missing file or column is an error.
func Build(datasetsDir string, opts Options) ([]Person, Stats, error) {
	st := Stats{MappedByMethod: map[string]int{}, ByMethod: map[string]int{}}
	ix := newIndex()
	if err := ix.addKaggle(filepath.Join(datasetsDir, KaggleFile)); err != nil {
		return nil, st, err
	}
	if err := ix.addONET(filepath.Join(datasetsDir, ONETDir)); err != nil {
		return nil, st, err
	}
	st.KaggleRolesKnown, st.ONETOccupationsKnown = len(ix.kaggleRoles), len(ix.onetTitles)

	cands, err := readPostings(filepath.Join(datasetsDir, LinkedInSkillsFile), ix, opts, &st)
	if err != nil {
		return nil, st, err
	}
	people := selectPeople(cands, ix, opts, &st)
	return people, st, nil
}

// readPostings reads the LinkedIn skills file and returns its mapped postings with enough skills.
func readPostings(path string, ix *index, opts Options, st *Stats) ([]candidate, error) {
	maxAmb := opts.MaxAmbiguity
	if maxAmb == 0 {
		maxAmb = DefaultMaxAmbiguity
	}
	within := func(m map[string]bool) []string {
		if maxAmb > 0 && len(m) > maxAmb {
			return nil
		}
		return sortedKeys(m)
	}
	r, err := tabular.Open(path, tabular.Options{Format: tabular.FormatCSV, Delimiter: ','})
	if err != nil {
		return nil, err
	}
	defer r.Close()
	col, err := columns(path, r.Header(), "job_link", "job_skills")
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var cands []candidate
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		st.Postings++
		if rec.Err != nil {
			st.Unreadable++
			continue
		}
		link := strings.TrimSpace(rec.Fields[col[0]])
		if seen[link] {
			st.Duplicates++
			continue
		}
		seen[link] = true
		jl, ok := ParseJobLink(link)
		if !ok {
			st.NoTitle++
			continue
		}
		t, method := ix.match(jl.Title)
		if t == nil {
			continue
		}
		st.Mapped++
		st.MappedByMethod[method]++
		kaggle, onet := within(t.kaggle), within(t.onet)
		if len(kaggle) == 0 && len(onet) == 0 {
			st.TooVague++
			continue
		}
		skills := usableSkills(rec.Fields[col[1]])
		if len(skills) < SkillsPerPerson {
			st.TooFewSkills++
			continue
		}
		cands = append(cands, candidate{
			row: rec.Row, link: strings.Clone(link), title: jl.Title, method: method,
			kaggle: kaggle, onet: onet, skills: skills, rank: hash64(opts.Seed, "posting", link),
		})
	}
	return cands, nil
}

// usableSkills splits a LinkedIn skills text into phrases as the clean stage does (skillsplit.Split),
// normalised (textnorm.NormalizeText), without phrases the users file could not carry (a ';' or '|'
// inside, longer than MaxSkillLen) and without repeats (compared in lower case, as the recommend
// stage compares them).
func usableSkills(text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range skillsplit.Split(text) {
		s = textnorm.NormalizeText(s)
		if s == "" || strings.ContainsAny(s, ";|") || utf8.RuneCountInString(s) > MaxSkillLen {
			continue
		}
		k := strings.ToLower(s)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, strings.Clone(s))
	}
	return out
}

// selectPeople takes the candidates in seeded order, each while all its targets are under the
// cap, draws each one's skills, and returns the people sorted by row.
func selectPeople(cands []candidate, ix *index, opts Options, st *Stats) []Person {
	capN := opts.PerTarget
	if capN == 0 {
		capN = DefaultPerTarget
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].rank != cands[j].rank {
			return cands[i].rank < cands[j].rank
		}
		return cands[i].row < cands[j].row
	})
	used := map[string]int{}
	var kept []candidate
	for _, c := range cands {
		keys := capKeys(c)
		full := false
		for _, k := range keys {
			if capN > 0 && used[k] >= capN {
				full = true
			}
		}
		if full {
			st.Capped++
			continue
		}
		for _, k := range keys {
			used[k]++
		}
		kept = append(kept, c)
	}
	sort.Slice(kept, func(i, j int) bool { return kept[i].row < kept[j].row })

	kaggle, onet := map[string]bool{}, map[string]bool{}
	people := make([]Person, 0, len(kept))
	for _, c := range kept {
		p := Person{
			UserID:      "li-" + fmt.Sprintf("%06d", c.row),
			Skills:      drawSkills(c.skills, opts.Seed, c.link),
			Title:       c.title,
			KaggleRoles: c.kaggle,
			ONETCodes:   c.onet,
			Method:      c.method,
			JobLink:     c.link,
		}
		for _, code := range p.ONETCodes {
			p.ONETTitles = append(p.ONETTitles, ix.onetTitles[code])
			onet[code] = true
		}
		for _, r := range p.KaggleRoles {
			kaggle[r] = true
		}
		p.Ambiguous = len(p.KaggleRoles) > 1 || len(p.ONETCodes) > 1
		people = append(people, p)

		st.People++
		st.ByMethod[p.Method]++
		hasK, hasO := len(p.KaggleRoles) > 0, len(p.ONETCodes) > 0
		if hasK {
			st.WithKaggle++
		}
		if hasO {
			st.WithONET++
		}
		if hasK && hasO {
			st.WithBoth++
		}
		if p.Ambiguous {
			st.Ambiguous++
		}
	}
	st.KaggleRoles, st.ONETOccupations = len(kaggle), len(onet)
	return people
}

// capKeys returns one key per target of c, for the per-target cap.
func capKeys(c candidate) []string {
	keys := make([]string, 0, len(c.kaggle)+len(c.onet))
	for _, r := range c.kaggle {
		keys = append(keys, "kaggle:"+r)
	}
	for _, code := range c.onet {
		keys = append(keys, "onet:"+code)
	}
	return keys
}

// drawSkills returns SkillsPerPerson of skills, chosen by a seeded hash of each skill (so the
// choice depends on the seed, the posting and the skill only), in the order of skills.
func drawSkills(skills []string, seed int64, link string) []string {
	type ranked struct {
		i    int
		rank uint64
	}
	rs := make([]ranked, len(skills))
	for i, s := range skills {
		rs[i] = ranked{i, hash64(seed, "skill", link, strings.ToLower(s))}
	}
	sort.Slice(rs, func(a, b int) bool {
		if rs[a].rank != rs[b].rank {
			return rs[a].rank < rs[b].rank
		}
		return rs[a].i < rs[b].i
	})
	rs = rs[:SkillsPerPerson]
	sort.Slice(rs, func(a, b int) bool { return rs[a].i < rs[b].i })
	out := make([]string, len(rs))
	for k, r := range rs {
		out[k] = skills[r.i]
	}
	return out
}

// hash64 is the first 8 bytes of the sha256 of the seed and parts: a random-looking number that
// stays the same across runs, platforms and Go versions.
func hash64(seed int64, parts ...string) uint64 {
	h := sha256.New()
	h.Write([]byte(strconv.FormatInt(seed, 10)))
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	return binary.BigEndian.Uint64(h.Sum(nil))
}

// sortedKeys returns the keys of m sorted, or nil when m is empty.
func sortedKeys(m map[string]bool) []string {
	if len(m) == 0 {
		return nil
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// columns returns the positions of the named columns in header, or an error naming the file,
// the missing columns and the columns found.
func columns(path string, header []string, names ...string) ([]int, error) {
	pos := make(map[string]int, len(header))
	for i, h := range header {
		if _, dup := pos[h]; !dup {
			pos[strings.TrimSpace(h)] = i
		}
	}
	out := make([]int, len(names))
	var missing []string
	for i, n := range names {
		p, ok := pos[n]
		if !ok {
			missing = append(missing, strconv.Quote(n))
		}
		out[i] = p
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s: no column %s; columns are: %s", path, strings.Join(missing, ", "), strings.Join(header, ", "))
	}
	return out, nil
}
