package recommend

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"github.com/skillx/skillx/internal/classifier"
	"github.com/skillx/skillx/internal/encoder"
	"github.com/skillx/skillx/internal/gemini"
	"github.com/skillx/skillx/internal/layout"
	"github.com/skillx/skillx/internal/manifest"
	"github.com/skillx/skillx/internal/parquetio"
	ranking "github.com/skillx/skillx/internal/rank"
	"github.com/skillx/skillx/internal/records"
	"github.com/skillx/skillx/internal/report"
	"github.com/skillx/skillx/internal/skillfind"
	"github.com/skillx/skillx/internal/textnorm"
)

// Engine answers one person at a time for as long as it is open (skillx serve): the model
// set, the encoder, the role catalog and the analyst are loaded once by OpenEngine, and each
// Recommend call runs the steps Run runs for one person of a users file (embed, rank,
// analyse, check) with the same code, without writing any file. It is safe for concurrent
// use by many goroutines.
type Engine struct {
	s    *stage // the analyst, its id, the classifier's description; never records outcomes
	info *classifier.Info
	enc  encoder.Encoder
	set  *ranking.Set
	find *skillfind.Finder // nil without a role catalog: résumés then cannot be read
}

// OpenEngine loads what Recommend needs from cfg: Workdir, Model, Labels, Encoder, Offline,
// Gemini, Version and Logger (the users, output and bulk fields are not used). Without a
// Gemini key (or with Offline) the offline analyst answers, with its catalog read now.
func OpenEngine(ctx context.Context, cfg Config) (_ *Engine, err error) {
	s := &stage{cfg: cfg, log: cfg.Logger}
	if s.log == nil {
		s.log = slog.Default()
	}
	if cfg.Model == "" {
		cfg.Model = filepath.Join(cfg.Workdir, "models", "classifier.onnx")
	}
	if cfg.Labels == "" {
		cfg.Labels = filepath.Join(cfg.Workdir, "models", "classifier.json")
	}
	s.cfg = cfg
	e := &Engine{s: s}
	defer func() {
		if err != nil {
			err = errors.Join(fmt.Errorf("recommend: %w", err), e.Close())
		}
	}()
	if e.info, err = classifier.Read(cfg.Labels); err != nil {
		return nil, err
	}
	if e.enc, err = openEncoder(cfg, e.info); err != nil {
		return nil, err
	}
	if kind := encoder.KindOf(e.enc.ID()); kind != encoder.KindMiniLM {
		s.log.Warn("recommend: the classifier was trained on the model-free "+kind+" encoder (no MiniLM); reports say so", "encoder", e.enc.ID())
	}
	index := filepath.Join(filepath.Dir(cfg.Labels), "roles.index")
	inputs := []string{cfg.Model, cfg.Labels, index, layout.TFIDF(cfg.Workdir)}
	if !cfg.Offline {
		s.gem, err = gemini.New(ctx, cfg.Gemini)
		switch {
		case errors.Is(err, gemini.ErrNoKey):
			s.log.Warn("recommend: no Gemini API key (set GEMINI_API_KEY or GOOGLE_API_KEY); the offline analyst answers")
		case err != nil:
			return nil, err
		}
	}
	rolesPath := filepath.Join(cfg.Workdir, "data", "clean", "roles.parquet")
	var catalog []records.Role
	if s.gem == nil {
		if catalog, err = parquetio.ReadAll[records.Role](rolesPath); err != nil {
			return nil, fmt.Errorf("the offline analyst needs the role catalog: %w (run `skillx clean` first)", err)
		}
		inputs = append(inputs, rolesPath)
	}
	if s.zones, err = loadRoleZones(cfg.ONET, catalog, rolesPath); err != nil {
		return nil, err
	}
	refs, err := manifest.HashInputs("", inputs)
	if err != nil {
		return nil, err
	}
	s.cls = ClassifierInfo{SHA256: refs[0].SHA256, Encoder: e.enc.ID(), Labels: len(e.info.Labels)}
	if s.gem != nil {
		s.analyst = geminiAnalyst(s.gem.Model())
		s.aid = "gemini:" + s.gem.Model()
	} else {
		if s.off, err = newCatalogAnalyst(ctx, e.enc, catalog, cfg.Workdir, s.log); err != nil {
			return nil, err
		}
		s.analyst = s.off.info()
		s.aid = s.off.id()
		s.catalog = refs[len(refs)-1].SHA256
	}
	if e.set, err = ranking.Load(cfg.Model, cfg.Labels, index, layout.TFIDF(cfg.Workdir), e.enc.Dim()); err != nil {
		return nil, err
	}
	if e.find, err = NewFinder(cfg.Workdir); err != nil {
		s.log.Warn("recommend: no skill finder; a person must give skills, not a résumé", "error", err)
		err = nil
	}
	return e, nil
}

// geminiAnalyst describes Gemini as the analyst of a report.
func geminiAnalyst(model string) AnalystInfo {
	return AnalystInfo{Kind: AnalystGemini, Model: model, Method: fmt.Sprintf(
		"Gemini judged the classifier's %d predictions, replaced those it found wrong and explained each final role (prompt %s)", report.NumRoles, gemini.PromptVersion)}
}

// Close frees the classifier session and the encoder.
func (e *Engine) Close() error {
	var errs []error
	if e.set != nil {
		errs = append(errs, e.set.Close())
	}
	if e.enc != nil {
		errs = append(errs, e.enc.Close())
	}
	return errors.Join(errs...)
}

// Analyst returns the analyst that answers.
func (e *Engine) Analyst() AnalystInfo { return e.s.analyst }

// Encoder returns the id of the encoder that embeds the skills.
func (e *Engine) Encoder() string { return e.enc.ID() }

// EncoderNote returns the line every readable report carries when the skills are embedded by
// a model-free fallback encoder, or "".
func (e *Engine) EncoderNote() string {
	if fallbackEncoder(e.enc.ID()) {
		return fallbackNote
	}
	return ""
}

// Recommend returns the checked report of u (from NewUser or PersonUser). Its error says why
// there is none: the classifier knows too few roles, Gemini failed after its retries (its
// errors never hold the API key), the report is invalid, or ctx ended.
func (e *Engine) Recommend(ctx context.Context, u User) (*UserReport, error) {
	// As a bulk run does: the classifier's input text and, for the offline analyst, the skills
	// (except with the corpus encoder, whose skills the analyst compares by their words).
	texts := []string{strings.Join(u.Skills, ", ")}
	if e.s.off != nil && encoder.KindOf(e.enc.ID()) != encoder.KindCorpus {
		texts = append(texts, u.Skills...)
	}
	vecs, err := vectors(ctx, e.enc, "", texts, e.s.log)
	if err != nil {
		return nil, fmt.Errorf("recommend: embed the skills: %w", err)
	}
	cands, alts, err := rankUsers(e.set, e.info, []User{u}, vecs, e.enc.Dim(), e.s.zones)
	if err != nil {
		return nil, fmt.Errorf("recommend: %w", err)
	}
	if len(cands[0]) < report.NumRoles {
		return nil, fmt.Errorf("recommend: the classifier knows %d roles other than %q; %d are needed", len(cands[0]), u.CurrentRole, report.NumRoles)
	}
	j := job{user: u, req: report.Request{UserID: u.ID, CurrentRole: u.CurrentRole, Skills: u.Skills, Candidates: cands[0]},
		alternatives: alts[0]}
	j.key = e.s.key(j)
	var rep *report.Report
	var usage gemini.Usage
	if e.s.gem != nil {
		rep, usage, err = e.s.gem.Recommend(ctx, j.req)
		if err != nil {
			if errors.Is(err, gemini.ErrUnreachable) {
				return nil, fmt.Errorf("recommend: %w; %s", err, offlineHint)
			}
			return nil, fmt.Errorf("recommend: %w", err)
		}
	} else {
		_, avecs, err := analystVectors(ctx, e.enc.ID(), u.Skills, vecs)
		if err != nil {
			return nil, fmt.Errorf("recommend: %w", err)
		}
		// The analyst is shared and read-only: this person's skill vectors go into a copy of
		// it (the catalog's phrases keep their own vectors).
		a := *e.s.off
		a.vecs = avecs
		start := time.Now()
		rep = a.analyse(j.req, j.alternatives)
		usage.Latency = time.Since(start)
	}
	ur := e.s.userReport(j, rep, usage)
	if err := ur.Validate(); err != nil {
		return nil, fmt.Errorf("recommend: the report is not valid: %w", err)
	}
	return ur, nil
}

// Input is one person as a form gives it: an id, a current role, a list of skills, a résumé
// and a work history, each optional as in a users file.
type Input struct {
	// ID is the person's id ("" makes one).
	ID string
	// CurrentRole is the current role ("" takes the history's current position).
	CurrentRole string
	// Skills are the skills, strongest first ("" items are dropped).
	Skills []string
	// Resume is a résumé's text (at most skillfind.DefaultMaxBytes): without Skills, its
	// strongest skills are the report's.
	Resume string
	// History is a work history ("Data Analyst 2019-2022; Junior Analyst 2017-2019").
	History string
}

// NewUser returns the User for one person given directly, checked with the users file's rules
// and words (a skill_1..skill_N row of a CSV, with its resume and history columns): texts
// normalised, lengths at most MaxTextLen, no control characters, repeated skills counted once,
// the first MaxSkills used (the notes say so); without skills, the finder's strongest
// MaxSkills skills of the résumé and history; without a current role, the history's current
// position. find is the skill finder (Engine.Finder; nil only when no résumé or history is
// given). The résumé is not kept. An empty id is made from the inputs ("web-<hash>"). The
// error is the reason failures.jsonl would give.
func NewUser(in Input, find *skillfind.Finder) (User, error) {
	u := User{ID: textnorm.NormalizeText(in.ID), CurrentRole: textnorm.NormalizeText(in.CurrentRole)}
	if u.ID == "" {
		key := u.CurrentRole + "\x00" + strings.Join(in.Skills, "\x00")
		if in.Resume != "" || in.History != "" {
			key += "\x01" + in.Resume + "\x00" + in.History
		}
		u.ID = "web-" + shortHash(key)
	}
	if reason := checkRecord(&u, in.Skills, rawText{resume: in.Resume, history: in.History}, find); reason != "" {
		return User{}, errors.New(reason)
	}
	return u, nil
}

// Finder returns the engine's skill finder, or nil when the workdir has no role catalog.
func (e *Engine) Finder() *skillfind.Finder { return e.find }

// WriteText writes the readable report, as <user>.txt holds it.
func (r *UserReport) WriteText(w io.Writer) error { return writeText(w, r) }

// WriteMarkdown writes the report as Markdown, as <user>.md holds it.
func (r *UserReport) WriteMarkdown(w io.Writer) error { return writeMarkdown(w, r) }

// JSON returns the report as <user>.json holds it.
func (r *UserReport) JSON() ([]byte, error) {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode the report of %q: %w", r.UserID, err)
	}
	return append(data, '\n'), nil
}

// ProvenanceText says where the report's i-th final role came from, in the readable
// reports' words.
func (r *UserReport) ProvenanceText(i int) string {
	return provenanceText(r.Roles[i].Role, r.Roles[i].Provenance, r.Candidates)
}

// FallbackNote returns the readable reports' line about a model-free encoder, or "" when the
// skills were embedded by the sentence model.
func (r *UserReport) FallbackNote() string {
	if usedFallback(r) {
		return fallbackNote
	}
	return ""
}

// Text names the analyst in a sentence, as the readable reports do.
func (a AnalystInfo) Text() string { return analystText(a) }

// Percent formats a probability as the readable reports do: "41.2%", or "<0.1%".
func Percent(p float64) string { return percent(p) }

// MoveText says whether the report's i-th final role is a step up, a lateral move or a step
// down from the person's level, in the readable reports' words.
func (r *UserReport) MoveText(i int) string { return moveOf(r, i) }

// LevelText describes the person's job level, as the readable reports do.
func (r *UserReport) LevelText() string { return levelText(r.Level) }

// FoundIntro says, as the readable reports do, what the found skills were found in and
// whether the report is about them ("" when the person gave no résumé or history).
func (r *UserReport) FoundIntro() string {
	if r.Found == nil {
		return ""
	}
	intro, _ := foundLines(r.Found, r.Skills)
	return intro
}

// FoundItems returns one line per found skill with why it ranks where it does and its
// evidence, as the readable reports list them.
func (r *UserReport) FoundItems() []string {
	if r.Found == nil {
		return nil
	}
	_, items := foundLines(r.Found, r.Skills)
	return items
}

// PredictionText formats a predicted role as the readable reports list it: its name, match
// score and classifier probability.
func PredictionText(c report.Candidate) string { return predictionText(c) }

// DevelopmentText returns the skill development recommendations of the report's i-th final
// role as the readable reports show them: a recommendation naming a skill the person's
// résumé or history already shows (one of the found skills the report is not about) says so,
// since that skill is to deepen, not to start.
func (r *UserReport) DevelopmentText(i int) []string {
	if i < 0 || i >= len(r.Roles) {
		return nil
	}
	dev := r.Roles[i].Development
	if r.Found == nil || len(r.Found.Skills) == 0 {
		return dev
	}
	out := make([]string, len(dev))
	for j, d := range dev {
		out[j] = d
		if name, ok := mentionedSkill(d, r.Found.Skills); ok {
			out[j] = strings.TrimSuffix(strings.TrimSpace(d), ".") + ". Your résumé already mentions " + name + ": build on it."
		}
	}
	return out
}

// mentionedSkill returns the first found skill whose name appears in text as whole words
// (ignoring case and spacing).
func mentionedSkill(text string, found []FoundSkill) (string, bool) {
	t := " " + wordsOf(text) + " "
	for _, f := range found {
		if w := wordsOf(f.Name); w != "" && strings.Contains(t, " "+w+" ") {
			return f.Name, true
		}
	}
	return "", false
}

// wordsOf returns s in lower case with every run of characters other than letters and
// digits made one space.
func wordsOf(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }), " ")
}
