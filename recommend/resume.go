package recommend

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/skillx/skillx/internal/joblevel"
	"github.com/skillx/skillx/internal/skillfind"
	"github.com/skillx/skillx/internal/textnorm"
	"github.com/skillx/skillx/internal/textsafe"
)

// MaxFoundShown is the number of found skills a report lists (strongest first).
const MaxFoundShown = 10

// maxEvidenceShown is the number of evidence lines a report keeps per found skill, and
// maxEvidenceLen the characters of one: a report shows what the finder used, never the
// résumé itself.
const (
	maxEvidenceShown = 2
	maxEvidenceLen   = 120
)

// MaxHistoryLen bounds, in characters, the history field of one person.
const MaxHistoryLen = 4000

// Found is what the skill finder (internal/skillfind) found in a person's résumé and work
// history: the strongest skills with short evidence, kept instead of the text, which a run
// drops as soon as the person is parsed.
type Found struct {
	// From says what the skills were found in: "resume", "history" or "resume and history".
	From string `json:"from"`
	// Skills are the skills found, strongest first (at most MaxFoundShown).
	Skills []FoundSkill `json:"skills"`
	// Used reports whether the report is about the first MaxSkills of Skills (the person
	// gave no skills); otherwise it is about the skills given.
	Used bool `json:"used"`
	// Notes are the finder's notes (a résumé in another language, repaired text).
	Notes []string `json:"notes,omitempty"`
}

// FoundSkill is one skill the finder found, with why it ranks where it does.
type FoundSkill struct {
	// Name is the skill's name in the vocabulary.
	Name string `json:"name"`
	// Score is the finder's score (see skillfind.Skill.Score).
	Score float64 `json:"score"`
	// Lines is the number of distinct lines naming the skill.
	Lines int `json:"lines"`
	// Sections are the sections of those lines, heaviest first.
	Sections []string `json:"sections"`
	// Years is the longest experience stated with the skill (0: none stated).
	Years float64 `json:"years,omitempty"`
	// Why says in a few words why the skill ranks where it does (skillfind.Skill.Why).
	Why string `json:"why"`
	// Evidence are the strongest lines naming the skill, clipped.
	Evidence []FoundLine `json:"evidence"`
}

// FoundLine is one line of the text that names a skill.
type FoundLine struct {
	// Line is the 1-based line of the text the finder read.
	Line int `json:"line"`
	// Section is the section the line is in.
	Section string `json:"section"`
	// Text is the line, cut to about 120 characters around the match.
	Text string `json:"text"`
}

// Level is a person's job level, read from the current role's title words, and the O*NET Job
// Zone of the current role when it is known.
type Level struct {
	// Name is the level ("Senior", "Manager").
	Name string `json:"name"`
	// Words are the title words that decided it ("" when none did: Mid by default).
	Words string `json:"words,omitempty"`
	// JobZones reports whether O*NET Job Zones were read for the report (recommend --onet).
	JobZones bool `json:"job_zones,omitempty"`
	// JobZone is the O*NET Job Zone of the current role (1 to 5; 0: the role is not an O*NET
	// occupation of the catalog, or JobZones is false).
	JobZone int `json:"job_zone,omitempty"`
	level   joblevel.Level
}

// levelOf returns the level of a title.
func levelOf(title string) Level {
	d := joblevel.Detect(title)
	return Level{Name: d.Level.String(), Words: d.Words, level: d.Level}
}

// rawText is what a record gives besides its skills: a résumé and a work history, as typed.
type rawText struct {
	resume, history string
}

// empty reports whether the record gives neither (a résumé of white space is given: it is
// the finder's "empty" error).
func (t rawText) empty() bool {
	return t.resume == "" && strings.TrimSpace(t.history) == ""
}

// personFromText completes u from a résumé and a history: the current role from the history
// when u has none, and the skills found when skills is empty. It returns the skills to check
// and why u cannot be processed (""). find may be nil only when t is empty.
func personFromText(u *User, skills []string, t rawText, find *skillfind.Finder) ([]string, string) {
	history := strings.TrimSpace(t.history)
	if n := len([]rune(history)); n > MaxHistoryLen {
		return nil, fmt.Sprintf("history: %d characters long; at most %d", n, MaxHistoryLen)
	}
	if p := textsafe.Problem(history); p != "" {
		return nil, "history: " + p + "; control characters are not allowed"
	}
	var positions []joblevel.Position
	if history != "" {
		positions = joblevel.ParseHistory(history)
	}
	if u.CurrentRole == "" && len(positions) > 0 {
		if cur, ok := joblevel.Current(positions); ok {
			u.CurrentRole = textnorm.NormalizeText(cur.Title)
			u.Notes = append(u.Notes, fmt.Sprintf("the current role %q is taken from the work history", u.CurrentRole))
		}
	}
	if len(skills) > 0 && strings.TrimSpace(t.resume) == "" {
		t.resume = "" // skills given: a blank résumé cell is no résumé
	}
	if t.empty() {
		return skills, ""
	}
	if find == nil {
		return nil, "a résumé or work history was given but no skill finder is available"
	}
	res, from, err := findIn(find, t.resume, positions)
	if err != nil {
		return nil, err.Error()
	}
	f := summarise(res, from)
	if len(skills) == 0 {
		skills = res.Top(MaxSkills)
		f.Used = true
		if len(skills) == 0 {
			return nil, fmt.Sprintf("no skills: the skills field is empty and the %s names no skill the catalog knows; give skills (separated by ;)", from)
		}
	}
	u.Found = f
	return skills, ""
}

// findIn runs the finder over the résumé and the history's positions (a history is read as
// the Experience section of a résumé). The error names the field.
func findIn(find *skillfind.Finder, resume string, positions []joblevel.Position) (*skillfind.Result, string, error) {
	var b strings.Builder
	var from []string
	if strings.TrimSpace(resume) != "" {
		b.WriteString(resume)
		from = append(from, "resume")
	} else if resume != "" {
		// A résumé of white space only is the finder's "empty" error, not a missing résumé.
		_, err := find.Find(resume)
		return nil, "", fieldError("resume", err)
	}
	if len(positions) > 0 {
		from = append(from, "history")
		b.WriteString("\n\nExperience\n")
		for _, p := range positions {
			b.WriteString(p.Title + "\n")
		}
	}
	res, err := find.Find(b.String())
	if err != nil {
		return nil, "", fieldError(from[0], err)
	}
	return res, strings.Join(from, " and "), nil
}

// fieldError names the field of a finder's error; a résumé over the limit says the limit.
func fieldError(field string, err error) error {
	if errors.Is(err, skillfind.ErrTooLarge) {
		return fmt.Errorf("%s: %w (at most %d KiB)", field, err, skillfind.DefaultMaxBytes>>10)
	}
	return fmt.Errorf("%s: %w", field, err)
}

// summarise keeps what a report shows of a finder's result: the strongest MaxFoundShown skills
// with clipped evidence, and the notes.
func summarise(res *skillfind.Result, from string) *Found {
	f := &Found{From: from, Notes: res.Notes}
	for i, s := range res.Skills {
		if i == MaxFoundShown {
			break
		}
		fs := FoundSkill{Name: s.Name, Score: round3(s.Score), Lines: s.Lines, Years: s.Years, Why: s.Why()}
		for _, sec := range s.Sections {
			fs.Sections = append(fs.Sections, string(sec))
		}
		for j, e := range s.Evidence {
			if j == maxEvidenceShown {
				break
			}
			fs.Evidence = append(fs.Evidence, FoundLine{Line: e.Line, Section: string(e.Section),
				Text: clipLine(e.Text, maxEvidenceLen)})
		}
		f.Skills = append(f.Skills, fs)
	}
	return f
}

// clipLine returns a copy of line cut to at most n characters, at a word boundary when one is
// near, with "…" where it was cut.
func clipLine(line string, n int) string {
	r := []rune(line)
	if len(r) <= n {
		return strings.Clone(line)
	}
	cut := n
	if i := strings.LastIndexAny(string(r[:n]), " \t"); i > 0 && utf8.RuneCountInString(string(r[:n])[:i]) > n*3/4 {
		cut = utf8.RuneCountInString(string(r[:n])[:i])
	}
	return strings.TrimRight(string(r[:cut]), " \t,;") + "…"
}

// round3 rounds a score to 3 decimals, as reports show it.
func round3(x float64) float64 {
	return float64(int64(x*1000+0.5)) / 1000
}

// foundKey is what the found skills add to a report's key: the report lists them with their
// evidence, so a changed résumé rewrites the report. It is not part of the analysis key
// (inputKey): people with the same current role and skills share an analysis whatever their
// résumés, and the résumé text itself is never part of any key.
func foundKey(f *Found) string {
	if f == nil {
		return ""
	}
	data, err := json.Marshal(f)
	if err != nil { // a Found always encodes; keyed by a fixed text if not
		return "found"
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// RoleMove is a recommended role's job level and whether moving to it is a step up, a lateral
// move or a step down from the person's current level.
type RoleMove struct {
	// Role is the recommended role.
	Role string `json:"role"`
	// Level is the role's level from its title words.
	Level string `json:"level"`
	// Move is "step up", "lateral move" or "step down".
	Move string `json:"move"`
	// Basis says what Move compares: BasisJobZone (the O*NET Job Zones of the current role and
	// this one) or BasisTitle (the levels of their titles' words).
	Basis string `json:"basis"`
	// JobZone is the role's O*NET Job Zone (0: none known).
	JobZone int `json:"job_zone,omitempty"`
}

// levelsOf returns the person's level (from the current role) and the move to each role, by
// title words.
func levelsOf(current string, roles []string) (Level, []RoleMove) {
	return levelsWith(current, roles, nil)
}

// levelsWith returns the person's level and the move to each role: by Job Zones
// (joblevel.CompareZones) when zones give both the current role and the role one, otherwise by
// title words (joblevel.Compare). zones nil: title words only.
func levelsWith(current string, roles []string, zones *roleZones) (Level, []RoleMove) {
	lv := levelOf(current)
	lv.JobZones = zones != nil
	from, fromOK := zones.zone(current)
	if fromOK {
		lv.JobZone = from
	}
	moves := make([]RoleMove, len(roles))
	for i, r := range roles {
		to := joblevel.FromTitle(r)
		m := RoleMove{Role: r, Level: to.String(), Move: joblevel.Compare(lv.level, to).String(), Basis: BasisTitle}
		if z, ok := zones.zone(r); ok {
			m.JobZone = z
			if fromOK {
				m.Move, m.Basis = joblevel.CompareZones(from, z).String(), BasisJobZone
			}
		}
		moves[i] = m
	}
	return lv, moves
}

// NewFinder returns the skill finder over the role catalog of workdir
// (data/clean/roles.parquet, checked against its manifest): build it once per run and share it.
func NewFinder(workdir string) (*skillfind.Finder, error) {
	roles, err := skillfind.ReadCatalog(workdir)
	if err != nil {
		return nil, fmt.Errorf("the skill finder needs the role catalog: %w (run `skillx clean` first)", err)
	}
	return skillfind.New(skillfind.NewVocabulary(roles, nil), skillfind.Options{}), nil
}

// personFinder returns the finder a person given directly needs: nil when the person gives
// no résumé and no history.
func personFinder(p Person, workdir string) (*skillfind.Finder, error) {
	if p.Resume == "" && strings.TrimSpace(p.History) == "" {
		return nil, nil
	}
	return NewFinder(workdir)
}
