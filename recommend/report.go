package recommend

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/skillx/skillx/internal/gemini"
	"github.com/skillx/skillx/internal/report"
	"github.com/skillx/skillx/internal/textnorm"
	"github.com/skillx/skillx/internal/textsafe"
)

// ReportFormat names the schema of <user>.json; it is part of every report's key, so a change
// of format rewrites the reports on the next run.
const ReportFormat = "skillx-user-report-v2"

// Analyst kinds.
const (
	// AnalystGemini marks a report written by Google Gemini.
	AnalystGemini = "gemini"
	// AnalystOffline marks a report written by the offline analyst.
	AnalystOffline = "offline"
)

// UserReport is the content of <user>.json. Its "roles" are a report.Report, so that
// report.Parse(r.Request(), data, ...) checks the file itself.
type UserReport struct {
	// Format is ReportFormat.
	Format string `json:"format"`
	// Key hashes everything the report depends on; a rerun with the same key skips the user.
	Key string `json:"key"`
	// UserID is the person's id.
	UserID string `json:"user_id"`
	// CurrentRole is the person's current role.
	CurrentRole string `json:"current_role"`
	// Skills are the skills the report is about.
	Skills []string `json:"skills"`
	// Notes say how the input was changed (ignored skills, duplicates, a generated id, a
	// current role taken from the history) or read (a current role read as the O*NET
	// occupation one of whose titles it is, with --onet).
	Notes []string `json:"notes,omitempty"`
	// Found is what the skill finder found in the person's résumé and history, and whether
	// Skills are its strongest (nil when the person gave neither).
	Found *Found `json:"found,omitempty"`
	// Level is the person's job level, from the current role's title words, and its O*NET Job
	// Zone when known.
	Level Level `json:"level"`
	// Moves say, for each of Roles in order, its level and whether moving to it is a step up,
	// a lateral move or a step down from Level.
	Moves []RoleMove `json:"moves"`
	// Analyst names who wrote the analysis.
	Analyst AnalystInfo `json:"analyst"`
	// Classifier describes the model that predicted the candidates.
	Classifier ClassifierInfo `json:"classifier"`
	// Candidates are the roles the ranking predicted, best match score first.
	Candidates []report.Candidate `json:"candidates"`
	// Roles are the report.NumRoles final roles with their provenance and analysis.
	Roles []report.RoleReport `json:"roles"`
	// Usage is what the analysis cost.
	Usage UsageInfo `json:"usage"`
	// Version is the skillx version that wrote the report.
	Version string `json:"skillx_version"`
	// Created is when the report was written (UTC).
	Created time.Time `json:"created"`
	// zones are the O*NET Job Zones of the run's role catalog (nil without --onet): setLevels
	// compares them where both roles have one.
	zones *roleZones
}

// AnalystInfo names the analyst of a report.
type AnalystInfo struct {
	// Kind is AnalystGemini or AnalystOffline.
	Kind string `json:"kind"`
	// Model is the Gemini model, or the encoder whose vectors the offline analyst compared.
	Model string `json:"model"`
	// Method says in a few words how the analysis was made.
	Method string `json:"method"`
}

// Label returns the analyst as summary.csv shows it: "gemini (gemini-2.5-flash)".
func (a AnalystInfo) Label() string { return a.Kind + " (" + a.Model + ")" }

// ClassifierInfo describes the classifier behind a report's candidates.
type ClassifierInfo struct {
	// SHA256 is the hex sha256 of classifier.onnx.
	SHA256 string `json:"sha256"`
	// Encoder is the id of the encoder that embedded the skills.
	Encoder string `json:"encoder"`
	// Labels is the number of roles the classifier knows.
	Labels int `json:"labels"`
}

// UsageInfo is what one report cost.
type UsageInfo struct {
	// PromptTokens and OutputTokens are the Gemini tokens billed (0 offline or from the cache).
	PromptTokens int `json:"prompt_tokens"`
	OutputTokens int `json:"output_tokens"`
	// LatencyMS is the wall time of the analysis in milliseconds.
	LatencyMS float64 `json:"latency_ms"`
	// Attempts is the number of Gemini requests (0 offline or from the cache).
	Attempts int `json:"attempts"`
	// Cached reports that Gemini's answer came from the response cache.
	Cached bool `json:"cached,omitempty"`
}

// usageInfo converts a gemini.Usage.
func usageInfo(u gemini.Usage) UsageInfo {
	return UsageInfo{PromptTokens: u.PromptTokens, OutputTokens: u.OutputTokens,
		LatencyMS: float64(u.Latency.Microseconds()) / 1000, Attempts: u.Attempts, Cached: u.Cached}
}

// Request returns the report.Request the report answers.
func (r *UserReport) Request() report.Request {
	return report.Request{UserID: r.UserID, CurrentRole: r.CurrentRole, Skills: r.Skills, Candidates: r.Candidates}
}

// Validate checks the report's roles with the schema's rules (report.Parse, whose
// replacements are Gemini's or, for the offline analyst, the analyst's), normalises them,
// checks the fields around them, and sets the job levels (Level, Moves) from the current role
// and the roles.
func (r *UserReport) Validate() error {
	if r.Format != ReportFormat {
		return fmt.Errorf("format %q; want %q", r.Format, ReportFormat)
	}
	if r.Key == "" || r.UserID == "" {
		return fmt.Errorf("no key or user id")
	}
	if r.Analyst.Kind != AnalystGemini && r.Analyst.Kind != AnalystOffline {
		return fmt.Errorf("analyst %q; want %q or %q", r.Analyst.Kind, AnalystGemini, AnalystOffline)
	}
	replacer := report.SourceGemini
	if r.Analyst.Kind == AnalystOffline {
		replacer = report.SourceAnalyst // its replacements are the analyst's, never Gemini's
	}
	// The checks of report.Parse on a copy (the roles may be shared with other people's
	// reports), without encoding and decoding JSON: that cost a seventh of a bulk run's CPU.
	req := r.Request()
	if err := req.Validate(); err != nil {
		return err
	}
	rep := (&report.Report{Roles: r.Roles}).Clone()
	rep.MapTexts(textsafe.Strip)
	if problems := report.Check(req, rep, replacer); len(problems) > 0 {
		return &report.InvalidError{Problems: problems}
	}
	r.Roles = rep.Roles
	r.setLevels() // the levels follow the normalised role names
	return nil
}

// setLevels sets the person's level and the move to each final role: by O*NET Job Zones where
// the run's zones give both the current role and the role one, otherwise by title words (see
// levelsWith and package joblevel).
func (r *UserReport) setLevels() {
	names := make([]string, len(r.Roles))
	for i, rr := range r.Roles {
		names[i] = rr.Role
	}
	zones := r.zones
	if zones == nil && r.Level.JobZones {
		zones = r.ownZones()
	}
	r.Level, r.Moves = levelsWith(r.CurrentRole, names, zones)
	if n := r.zones.currentRoleNote(r.CurrentRole); n != "" && !slices.Contains(r.Notes, n) {
		r.Notes = append(r.Notes, n)
	}
}

// ownZones returns the Job Zones a report written with them records (its current role's and
// its roles'), so that a report read back without the run's zones keeps its moves.
func (r *UserReport) ownZones() *roleZones {
	rz := &roleZones{byKey: map[string]int{}}
	if r.Level.JobZone > 0 {
		rz.byKey[textnorm.RoleKey(r.CurrentRole)] = r.Level.JobZone
	}
	for _, m := range r.Moves {
		if m.JobZone > 0 {
			rz.byKey[textnorm.RoleKey(m.Role)] = m.JobZone
		}
	}
	return rz
}

// MatchScoreNote explains the match score in one line, as every readable report does.
const MatchScoreNote = "Match score: how the roles are ranked, from 0 to 1 (1 is the best match of all roles): " +
	"the classifier's probability, how much your skills share with the role's job postings and how close the role is to your current one, combined."

// levelNote explains the job level moves in one line, when they are read from title words
// only (no O*NET Job Zones).
const levelNote = "Job level: read from the words of the job titles (junior, senior, lead, manager, director, ...); " +
	"a title without such a word is mid-level."

// zonesLevelNote explains the job level moves in one line, when O*NET Job Zones were read.
const zonesLevelNote = "Job level: where both your current role and a recommended role are O*NET occupations, " +
	"the move compares their O*NET Job Zones (1 to 5, the preparation an occupation needs; a higher zone is a step up); " +
	"otherwise it compares the levels read from the words of the job titles (junior, senior, lead, manager, director, ...; " +
	"a title without such a word is mid-level). Each role says which was used."

// levelNoteOf returns the line that explains r's job level moves.
func levelNoteOf(r *UserReport) string {
	if r.Level.JobZones {
		return zonesLevelNote
	}
	return levelNote
}

// scored reports whether the candidates carry match scores (reports written before they did
// do not).
func scored(cands []report.Candidate) bool {
	return slices.ContainsFunc(cands, func(c report.Candidate) bool { return c.Score != 0 })
}

// predictionText formats a candidate in the list of predictions: "Data Scientist (match 0.82,
// probability 41.2%)", or "Data Scientist 41.2%" when no match score is known.
func predictionText(c report.Candidate) string {
	if c.Score == 0 {
		return c.Role + " " + percent(c.Probability)
	}
	return fmt.Sprintf("%s (match %.2f, probability %s)", c.Role, c.Score, percent(c.Probability))
}

// scoreText formats a candidate's match score and classifier probability: "match score 0.82,
// classifier probability 41.2%" (the probability alone when no score is known).
func scoreText(c report.Candidate) string {
	if c.Score == 0 {
		return "classifier probability " + percent(c.Probability)
	}
	return fmt.Sprintf("match score %.2f, classifier probability %s", c.Score, percent(c.Probability))
}

// candidateOf returns the candidate named role, if any.
func candidateOf(cands []report.Candidate, role string) (report.Candidate, bool) {
	for _, c := range cands {
		if c.Role == role {
			return c, true
		}
	}
	return report.Candidate{}, false
}

// moveOf returns the job level move of the i-th final role as a sentence, saying what it
// compares ("Step up: O*NET Job Zone 3 -> 4 (...)." or "Step up: the role's title is Manager
// level; yours is Senior."), or "".
func moveOf(r *UserReport, i int) string {
	if i >= len(r.Moves) || r.Moves[i].Move == "" {
		return ""
	}
	m := r.Moves[i]
	move := strings.ToUpper(m.Move[:1]) + m.Move[1:]
	if m.Basis == BasisJobZone {
		return fmt.Sprintf("%s: O*NET Job Zone %d -> %d (%s).", move, r.Level.JobZone, m.JobZone, zonePreparation(r.Level.JobZone, m.JobZone))
	}
	s := fmt.Sprintf("%s: the role's title is %s level; yours is %s", move, m.Level, r.Level.Name)
	switch {
	case !r.Level.JobZones:
		return s + "."
	case r.Level.JobZone == 0:
		return s + " (by title words: your current role is not an O*NET occupation with a Job Zone)."
	default:
		return s + " (by title words: this role is not an O*NET occupation with a Job Zone)."
	}
}

// zonePreparation says in words what a move between two Job Zones means.
func zonePreparation(from, to int) string {
	switch {
	case to > from:
		return "the role's occupation needs more preparation than yours"
	case to < from:
		return "the role's occupation needs less preparation than yours"
	}
	return "the same preparation as yours"
}

// levelText describes the person's level ("Senior (from "Senior")"), with the current role's
// O*NET Job Zone when known ("Senior (from "Senior"); O*NET Job Zone 4").
func levelText(l Level) string {
	s := fmt.Sprintf("%s (from %q)", l.Name, l.Words)
	if l.Words == "" {
		s = l.Name + " (no level word in the title)"
	}
	if l.JobZone > 0 {
		s += fmt.Sprintf("; O*NET Job Zone %d", l.JobZone)
	}
	return s
}

// foundLines returns the lines the readable reports give about the found skills: what they
// were found in and whether they were used, then one line per skill with its evidence.
func foundLines(f *Found, skills []string) (intro string, items []string) {
	from := strings.ReplaceAll(f.From, "resume", "résumé")
	if f.Used {
		intro = fmt.Sprintf("Skills found in your %s, strongest first. The report is about the first %d (%s); "+
			"to reorder or change them, give your skills yourself (the skills column, or --skills), strongest first.",
			from, len(skills), strings.Join(skills, ", "))
	} else {
		intro = fmt.Sprintf("Skills found in your %s, strongest first. The report is about the skills you gave (%s); "+
			"these are shown so that you can compare.", from, strings.Join(skills, ", "))
	}
	for _, s := range f.Skills {
		item := fmt.Sprintf("%s (score %.2f): %s", s.Name, s.Score, s.Why)
		for _, e := range s.Evidence {
			item += fmt.Sprintf("; line %d (%s): %q", e.Line, e.Section, e.Text)
		}
		items = append(items, item)
	}
	return intro, items
}

// percent formats a probability: "41.2%", or "<0.1%" for a small one that is not zero.
func percent(p float64) string {
	if p > 0 && p < 0.0005 {
		return "<0.1%"
	}
	return fmt.Sprintf("%.1f%%", 100*p)
}

// provenanceText says where the final role role came from, in a sentence.
func provenanceText(role string, p report.Provenance, cands []report.Candidate) string {
	switch p.Source {
	case report.SourceModel:
		c, _ := candidateOf(cands, role)
		c.Probability = p.Probability
		s := "Ranked among the closest roles by the model (" + scoreText(c) + ") and kept."
		if p.Reason != "" {
			s += " " + p.Reason
		}
		return s
	}
	replaced := p.Replaces
	if c, ok := candidateOf(cands, p.Replaces); ok && c.Score == 0 {
		replaced += " (probability " + percent(c.Probability) + ")"
	} else if ok {
		replaced += " (" + scoreText(c) + ")"
	}
	if p.Source == report.SourceAnalyst {
		return "Chosen by the offline analyst in place of the prediction " + replaced + ", because " +
			strings.TrimSuffix(p.Reason, ".") + ". The classifier gives it a probability of " + percent(p.Probability) + "."
	}
	return "Chosen by Gemini in place of the prediction " + replaced + ": " + p.Reason
}

// fallbackNote is the line of every readable report whose skills were embedded by a
// model-free fallback encoder (fallbackEncoder).
const fallbackNote = "Note: the sentence model (MiniLM) was not available; skills were compared by their words."

// fallbackEncoder reports whether the encoder with this id is a model-free fallback (the
// hashing encoder, or one fitted on the corpus) rather than the sentence model.
func fallbackEncoder(id string) bool {
	return strings.HasPrefix(id, "hashing") || strings.HasPrefix(id, "corpus")
}

// usedFallback reports whether r's skills were embedded by a fallback encoder.
func usedFallback(r *UserReport) bool {
	id := r.Classifier.Encoder
	if id == "" && r.Analyst.Kind == AnalystOffline {
		id = r.Analyst.Model
	}
	return fallbackEncoder(id)
}

// writeText writes the readable report: what the prototype's download held, plus where each
// role came from.
func writeText(w io.Writer, r *UserReport) error {
	var b strings.Builder
	b.Grow(reportSize)
	title := "Skill(X) career-transition report"
	b.WriteString(title + "\n" + strings.Repeat("=", len(title)) + "\n\n")
	if usedFallback(r) {
		b.WriteString(fallbackNote + "\n\n")
	}
	field := func(name, value string) {
		wrapTo(&b, fmt.Sprintf("%-14s", name+":"), strings.Repeat(" ", 14), value)
	}
	field("User", r.UserID)
	field("Current role", r.CurrentRole)
	field("Skills", strings.Join(r.Skills, ", "))
	field("Job level", levelText(r.Level)+". "+levelNoteOf(r))
	field("Analysis by", analystText(r.Analyst))
	field("Classifier", fmt.Sprintf("%d roles, skills embedded with %s", r.Classifier.Labels, r.Classifier.Encoder))
	var preds []string
	for _, c := range r.Candidates {
		preds = append(preds, predictionText(c))
	}
	field("Predictions", strings.Join(preds, "; "))
	if scored(r.Candidates) {
		wrapTo(&b, strings.Repeat(" ", 14), strings.Repeat(" ", 14), MatchScoreNote)
	}
	for _, n := range r.Notes {
		field("Note", n)
	}
	if r.Found != nil {
		intro, items := foundLines(r.Found, r.Skills)
		b.WriteString("\nSkills found\n")
		wrapTo(&b, "  ", "  ", intro)
		for i, it := range items {
			wrapTo(&b, fmt.Sprintf("  %2d. ", i+1), "      ", it)
		}
		for _, n := range r.Found.Notes {
			wrapTo(&b, "  Note: ", "        ", n)
		}
	}
	for i, rr := range r.Roles {
		b.WriteString("\n" + strings.Repeat("-", 78) + "\n")
		fmt.Fprintf(&b, "%d. %s\n", i+1, rr.Role)
		b.WriteString(strings.Repeat("-", 78) + "\n")
		section := func(name, text string) {
			b.WriteString("\n" + name + "\n")
			wrapTo(&b, "  ", "  ", text)
		}
		section("Where this role comes from", provenanceText(rr.Role, rr.Provenance, r.Candidates))
		if mv := moveOf(r, i); mv != "" {
			section("Job level", mv)
		}
		section("Job description", rr.JobDescription)
		section("Skill match summary", rr.MatchSummary)
		b.WriteString("\nSkill match\n")
		for _, m := range rr.SkillMatches {
			wrapTo(&b, "  - ", "    ", fmt.Sprintf("%s: %s. %s", m.Skill, m.Match, m.Justification))
		}
		section("How your skills apply", rr.SkillApplication)
		b.WriteString("\nSkill development\n")
		for _, d := range r.DevelopmentText(i) {
			wrapTo(&b, "  - ", "    ", d)
		}
	}
	_, err := io.WriteString(w, textsafe.Strip(b.String())) // no terminal escape from any input
	return err
}

// offlineNote says in plain words who wrote an offline report and how; the technical account
// is AnalystInfo.Method, in the JSON report.
const offlineNote = "the offline analyst. These roles and explanations were produced on this computer from job postings data, without Gemini: " +
	"each of your skills is compared with the skills that the postings of a role ask for most, " +
	"and a predicted role that none of your skills matches is replaced by the next role the classifier ranks that some of them match."

// analystText names the analyst in a sentence.
func analystText(a AnalystInfo) string {
	if a.Kind == AnalystGemini {
		return "Google Gemini (" + a.Model + ")"
	}
	return offlineNote
}

// reportSize is the room the readable reports are built in: most take 10 to 15 KB.
const reportSize = 16 << 10

// textWidth is the line width of the readable report.
const textWidth = 90

// wrapTo writes text wrapped at textWidth, the first line after first and the others after
// indent. Line breaks in text become spaces.
func wrapTo(b *strings.Builder, first, indent, text string) {
	words := strings.Fields(text)
	if len(words) == 0 {
		b.WriteString(strings.TrimRight(first, " ") + "\n")
		return
	}
	b.WriteString(first)
	n := len(first) // bytes of the line so far
	for i, w := range words {
		if i > 0 && n+1+len(w) > textWidth {
			b.WriteString("\n")
			b.WriteString(indent)
			n = len(indent)
		} else if i > 0 {
			b.WriteByte(' ')
			n++
		}
		b.WriteString(w)
		n += len(w)
	}
	b.WriteString("\n")
}

// mdEscaper escapes the characters that Markdown (and the HTML it allows) would interpret, so
// that user and model text shows as typed.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "<", `\<`, ">", `\>`,
	"|", `\|`, "#", `\#`, "\r\n", " ", "\n", " ", "\r", " ",
)

func md(s string) string { return mdEscaper.Replace(s) }

// writeMarkdown writes the report as Markdown.
func writeMarkdown(w io.Writer, r *UserReport) error {
	var b strings.Builder
	b.Grow(reportSize)
	fmt.Fprintf(&b, "# Career-transition report: %s\n\n", md(r.UserID))
	if usedFallback(r) {
		b.WriteString(md(fallbackNote) + "\n\n")
	}
	b.WriteString("| | |\n|---|---|\n")
	row := func(k, v string) { fmt.Fprintf(&b, "| %s | %s |\n", k, v) }
	row("Current role", md(r.CurrentRole))
	row("Skills", md(strings.Join(r.Skills, ", ")))
	row("Job level", md(levelText(r.Level)+". "+levelNoteOf(r)))
	row("Analysis by", md(analystText(r.Analyst)))
	row("Classifier", md(fmt.Sprintf("%d roles, skills embedded with %s", r.Classifier.Labels, r.Classifier.Encoder)))
	var preds []string
	for _, c := range r.Candidates {
		preds = append(preds, md(predictionText(c)))
	}
	row("Predictions", strings.Join(preds, "; "))
	if scored(r.Candidates) {
		row("Match score", md(MatchScoreNote))
	}
	for _, n := range r.Notes {
		row("Note", md(n))
	}
	if r.Found != nil {
		intro, items := foundLines(r.Found, r.Skills)
		fmt.Fprintf(&b, "\n## Skills found\n\n%s\n\n", md(intro))
		for i, it := range items {
			fmt.Fprintf(&b, "%d. %s\n", i+1, md(it))
		}
		for _, n := range r.Found.Notes {
			fmt.Fprintf(&b, "\n*Note: %s*\n", md(n))
		}
	}
	for i, rr := range r.Roles {
		fmt.Fprintf(&b, "\n## %d. %s\n\n", i+1, md(rr.Role))
		fmt.Fprintf(&b, "*%s*\n\n", md(provenanceText(rr.Role, rr.Provenance, r.Candidates)))
		if mv := moveOf(r, i); mv != "" {
			fmt.Fprintf(&b, "**Job level.** %s\n\n", md(mv))
		}
		fmt.Fprintf(&b, "**Job description.** %s\n\n", md(rr.JobDescription))
		fmt.Fprintf(&b, "**Skill match summary.** %s\n\n", md(rr.MatchSummary))
		b.WriteString("| Skill | Match | Why |\n|---|---|---|\n")
		for _, m := range rr.SkillMatches {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", md(m.Skill), md(string(m.Match)), md(m.Justification))
		}
		fmt.Fprintf(&b, "\n**How your skills apply.** %s\n\n", md(rr.SkillApplication))
		b.WriteString("**Skill development**\n\n")
		for _, d := range r.DevelopmentText(i) {
			fmt.Fprintf(&b, "- %s\n", md(d))
		}
	}
	_, err := io.WriteString(w, textsafe.Strip(b.String())) // no terminal escape from any input
	return err
}
