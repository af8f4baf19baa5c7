package recommend

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/skillx/skillx/internal/atomicfile"
	"github.com/skillx/skillx/internal/classifier"
	"github.com/skillx/skillx/internal/embstore"
	"github.com/skillx/skillx/internal/encoder"
	"github.com/skillx/skillx/internal/gemini"
	"github.com/skillx/skillx/internal/layout"
	"github.com/skillx/skillx/internal/manifest"
	"github.com/skillx/skillx/internal/parquetio"
	"github.com/skillx/skillx/internal/progress"
	ranking "github.com/skillx/skillx/internal/rank"
	"github.com/skillx/skillx/internal/records"
	"github.com/skillx/skillx/internal/report"
	stagerun "github.com/skillx/skillx/internal/stage"
	"github.com/skillx/skillx/internal/textnorm"
)

// StageName names the stage in manifests and logs.
const StageName = "recommend"

// Algorithm is the version of this stage's logic in its manifests' key (see internal/stage):
// bump it when a change here changes summary.csv or failures.jsonl for the same inputs. (A
// change to the reports themselves changes ReportFormat, which every report's key holds.)
const Algorithm = 1

// DefaultWorkers is the number of people processed at once when Config.Workers is 0.
const DefaultWorkers = 4

// batchChunk is the number of distinct prompts sent in one Gemini batch job (the Batch API
// takes about 20 MB of inlined requests per job); people who share a prompt share a request.
const batchChunk = 1000

// unreachableLimit is the number of people whose every Gemini request (retries included)
// failed to connect, with no request of the run answered yet, after which the others are not
// sent: Gemini cannot be reached, and each would wait through its retries for nothing. The
// people already being asked by the other workers finish their retries.
const unreachableLimit = 1

// offlineHint is what to do when Gemini cannot be reached.
const offlineHint = "check the network, or pass --offline to write the reports with the offline analyst"

// Config configures a recommend run.
type Config struct {
	// Workdir holds data/, models/ and reports/.
	Workdir string
	// Users is the users file (CSV, TSV or JSON Lines, gzip allowed); exactly one of Users and
	// Person is set.
	Users string
	// Person is one person given directly. Its report is written like any other, but
	// summary.csv and failures.jsonl are left as they are, and a failure is Run's error.
	Person *Person
	// OutDir is where reports go; "" means <workdir>/reports/users (DefaultOutDir), or
	// <workdir>/reports/one (DefaultPersonDir) for a Person.
	OutDir string
	// AllowOutsideWorkdir lets the reports folder be inside the workdir by its path but outside
	// it in fact (a symbolic link, such as reports/users -> /elsewhere): Run then writes to the
	// link's target and names that real folder in the Result. Without it, such a folder is an
	// error. A folder given by a path outside the workdir (OutDir) needs no permission.
	AllowOutsideWorkdir bool
	// Model is the ONNX classifier ("" means <workdir>/models/classifier.onnx).
	Model string
	// Labels is classifier.json or a JSON list of labels ("" means <workdir>/models/classifier.json).
	Labels string
	// Encoder chooses the encoder of the skills; auto (or "") takes the one the model was
	// trained with. Its id must be the model's.
	Encoder encoder.Options
	// Offline uses the offline analyst even when a Gemini API key is set.
	Offline bool
	// ONET is an O*NET database folder ("" for none): its Job Zones.txt gives the role
	// catalog's O*NET occupations a Job Zone, and a move between two of them compares the
	// zones instead of title words (see levelsWith).
	ONET string
	// Gemini configures the Gemini client (key, model, endpoint, timeout, retries, rate limit,
	// cache folder). Without a key (ErrNoKey) the offline analyst writes the reports.
	Gemini gemini.Config
	// Workers is the number of people processed at once; 0 means DefaultWorkers.
	Workers int
	// Batch sends the people through the Gemini Batch API instead of one request each.
	Batch bool
	// BatchPoll is the batch job's polling interval (0: gemini.DefaultPoll).
	BatchPoll time.Duration
	// BatchState is the file that keeps the running batch job's name until its answers are
	// cached, so that a rerun after a kill resumes the job rather than paying for a new one;
	// "" means BatchStatePath(Workdir, reports folder).
	BatchState string
	// Shard limits the run to one shard of the users file (ShardOf), written to
	// ShardDir(OutDir, Shard); the zero Shard is the whole file.
	Shard Shard
	// Force rewrites reports that are up to date.
	Force bool
	// Version is the skillx version recorded in reports and manifests.
	Version string
	// Logger receives progress logs; nil means slog.Default().
	Logger *slog.Logger
}

// Statuses of an Outcome.
const (
	// StatusWritten: the report was written by this run.
	StatusWritten = "written"
	// StatusUnchanged: an up-to-date report was already there.
	StatusUnchanged = "unchanged"
	// StatusFailed: no report; see the Failure.
	StatusFailed = "failed"
)

// Outcome is what became of one person.
type Outcome struct {
	// UserID and Row identify the person.
	UserID string
	Row    int64
	// Status is StatusWritten, StatusUnchanged or StatusFailed.
	Status string
	// JSON, Markdown and Text are the report's paths (empty for a failure).
	JSON, Markdown, Text string
	// Analyst labels the analyst that wrote the report.
	Analyst string
	// Roles are the final roles.
	Roles []string
	// Usage is what the report cost.
	Usage UsageInfo
	// Failure says why there is no report (nil otherwise).
	Failure *Failure
	// check is the report's index check, when known (0 otherwise).
	check uint64
}

// Result is what a recommend run did.
type Result struct {
	// Dir holds the reports; Summary and Failures are summary.csv and failures.jsonl (not
	// written for a Person).
	Dir, Summary, Failures string
	// Analyst is the analyst of this run.
	Analyst AnalystInfo
	// Encoder is the id of the encoder that embedded the skills.
	Encoder string
	// Shard is the run's shard of the users file (the zero Shard: the whole file).
	Shard Shard
	// Users is the number of people of the input (of the shard).
	Users int
	// Outcomes has one entry per person of the input, in input order, when there are at most
	// KeepOutcomes people; for a larger input it is empty, and summary.csv lists them.
	Outcomes []Outcome
	// Written, Unchanged and Failed count the outcomes by status.
	Written, Unchanged, Failed int
	// Indexed counts the unchanged people that the index of the last run showed up to date
	// (IndexName), without ranking them or reading their reports.
	Indexed int
	// PromptTokens and OutputTokens are the Gemini tokens this run used.
	PromptTokens, OutputTokens int
	// Wall is how long the run took.
	Wall time.Duration
}

// OutputPaths returns the summary and failures files of a reports folder.
func OutputPaths(dir string) (summary, failures string) {
	return filepath.Join(dir, "summary.csv"), filepath.Join(dir, "failures.jsonl")
}

// DefaultOutDir returns where reports go under workdir.
func DefaultOutDir(workdir string) string { return filepath.Join(workdir, "reports", "users") }

// DefaultPersonDir returns where the report of one person given directly (Config.Person) goes
// under workdir: apart from the bulk reports, so that reports/users holds exactly the people
// of the last users file.
func DefaultPersonDir(workdir string) string { return filepath.Join(workdir, "reports", "one") }

// BatchStatePath returns the file under workdir that holds the running Gemini batch job of
// the reports folder dir (one file per folder).
func BatchStatePath(workdir, dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	return filepath.Join(workdir, ".cache", "gemini-batch", shortHash(abs)+".json")
}

// ExitIncomplete is the exit code of a run that finished, with every output written, but
// where some people (not all) have no report.
const ExitIncomplete = 3

// IncompleteError is Run's error when the run finished and wrote every output but some
// people failed (not all: that is a plain error). Its ExitCode is ExitIncomplete.
type IncompleteError struct {
	// Failed and Users count the people without a report and all people of the input.
	Failed, Users int
	// Failures is failures.jsonl, which says who failed and why.
	Failures string
	// Hint says what to do, when the failures suggest it ("" otherwise).
	Hint string
}

// Error says how many people failed and where to read why.
func (e *IncompleteError) Error() string {
	msg := fmt.Sprintf("recommend: %d of %d users failed; see %s", e.Failed, e.Users, e.Failures)
	if e.Hint != "" {
		msg += " (" + e.Hint + ")"
	}
	return msg
}

// ExitCode returns ExitIncomplete.
func (e *IncompleteError) ExitCode() int { return ExitIncomplete }

// job is one person to process.
type job struct {
	idx  int // index in the outcomes
	user User
	req  report.Request
	key  string
	base string // report file path without extension
	// alternatives are the classifier's further ranked roles after req.Candidates, most
	// likely first; the offline analyst takes its replacements from them.
	alternatives []report.Candidate
	// spent is what Gemini already billed for this person in this run (an invalid batch
	// answer before the person is asked again alone).
	spent gemini.Usage
	// an is the analysis of the person's inputs, shared with the people who have the same
	// (nil outside a bulk run).
	an *analysis
}

// stage holds what a run shares between people.
type stage struct {
	cfg     Config
	log     *slog.Logger
	dir     string
	analyst AnalystInfo
	aid     string // analyst id, part of report keys
	gem     *gemini.Client
	off     *offlineAnalyst
	cls     ClassifierInfo
	catalog string // sha256 of roles.parquet (offline analyst)
	// zones are the O*NET Job Zones of the catalog's roles (nil without Config.ONET).
	zones *roleZones
	// pub collects the report files of the chunk being processed (nil: each report is written
	// at once).
	pub *stagedFiles

	mu          sync.Mutex
	outcomes    []Outcome
	bar         *progress.Bar
	done        int
	failed      int
	reached     bool   // a Gemini request of this run got an answer
	unreachable int    // people whose requests all failed to connect
	firstDown   string // the first of those failures
}

// Run writes a report for every person of cfg.Users (or cfg.Person). A users file is read
// twice and never held in memory (usersFile): the people are taken ChunkSize at a time, their
// outcomes written to summary.csv and failures.jsonl as they are done, so that the memory of a
// run does not grow with its number of people. With cfg.Shard, only the shard's people are
// processed, into their own folder (ShardDir); Merge joins the shards' outputs.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	start := time.Now()
	s := &stage{cfg: cfg, log: cfg.Logger}
	if s.log == nil {
		s.log = slog.Default()
	}
	if (cfg.Users == "") == (cfg.Person == nil) {
		return nil, errors.New("recommend: give either a users file or one person (role and skills)")
	}
	switch sh := cfg.Shard; {
	case sh.Count != 0 && cfg.Person != nil:
		return nil, errors.New("recommend: shards split a users file; one person given directly is not sharded")
	case sh.Count < 0 || sh.Count > 0 && (sh.Index < 0 || sh.Index >= sh.Count):
		return nil, fmt.Errorf("recommend: shard %d/%d; want I/N with 0 <= I < N", sh.Index, sh.Count)
	}
	if cfg.Workers < 0 {
		return nil, fmt.Errorf("recommend: %d workers; want 1 or more", cfg.Workers)
	}
	if cfg.Workers == 0 {
		cfg.Workers = DefaultWorkers
	}
	if cfg.Model == "" {
		cfg.Model = filepath.Join(cfg.Workdir, "models", "classifier.onnx")
	}
	if cfg.Labels == "" {
		cfg.Labels = filepath.Join(cfg.Workdir, "models", "classifier.json")
	}
	s.dir = cfg.OutDir
	switch {
	case s.dir != "":
	case cfg.Person != nil:
		s.dir = DefaultPersonDir(cfg.Workdir)
	default:
		s.dir = DefaultOutDir(cfg.Workdir)
	}
	if cfg.Shard.Count > 0 {
		s.dir = ShardDir(s.dir, cfg.Shard)
	}
	outDir, err := checkOutDir(cfg.Workdir, s.dir, cfg.AllowOutsideWorkdir)
	if err != nil {
		return nil, fmt.Errorf("recommend: %w", err)
	}
	if outDir != s.dir {
		s.log.Warn("recommend: the reports folder is a link out of the workdir; the reports go to its target", "folder", s.dir, "target", outDir)
		s.dir = outDir
	}
	s.cfg = cfg
	res := &Result{Dir: s.dir, Shard: cfg.Shard}
	summaryPath, failuresPath := OutputPaths(s.dir)

	// 1. People: the first pass over the users file, or the one person.
	var src peopleSource
	var file *usersFile
	total := int64(1)
	if cfg.Person != nil {
		find, err := personFinder(*cfg.Person, cfg.Workdir)
		if err != nil {
			return nil, fmt.Errorf("recommend: %w", err)
		}
		u, err := PersonUser(*cfg.Person, find)
		if err != nil {
			return nil, fmt.Errorf("recommend: %w", err)
		}
		src = &onePerson{u: u}
	} else {
		if file, err = scanUsers(cfg.Users, cfg.Shard); err != nil {
			return nil, fmt.Errorf("recommend: %w", err)
		}
		if file.texts { // résumés or histories: the skill finder, built once for the run
			if file.find, err = NewFinder(cfg.Workdir); err != nil {
				return nil, fmt.Errorf("recommend: %w", err)
			}
		}
		total = file.owned
	}

	// 2. Model, encoder, analyst.
	b := &bulkRun{s: s, res: res, keep: total <= KeepOutcomes, known: newAnalyses(maxKnownInputs)}
	if b.info, err = classifier.Read(cfg.Labels); err != nil {
		return nil, fmt.Errorf("recommend: %w", err)
	}
	if b.enc, err = openEncoder(cfg, b.info); err != nil {
		return nil, fmt.Errorf("recommend: %w", err)
	}
	defer b.enc.Close()
	res.Encoder = b.enc.ID()
	if kind := encoder.KindOf(b.enc.ID()); kind != encoder.KindMiniLM {
		s.log.Warn("recommend: the classifier was trained on the model-free "+kind+" encoder (no MiniLM); reports say so", "encoder", b.enc.ID())
	}
	// The ranking reads the role index and the TF-IDF model besides the classifier: a change to
	// either changes the predictions, so both are inputs of the stage key.
	rankFiles := []string{cfg.Model, cfg.Labels, filepath.Join(filepath.Dir(cfg.Labels), "roles.index"), layout.TFIDF(cfg.Workdir)}
	inputs := slices.Clone(rankFiles)
	if cfg.Users != "" {
		inputs = append(inputs, cfg.Users)
	}
	if !cfg.Offline {
		s.gem, err = gemini.New(ctx, cfg.Gemini)
		switch {
		case errors.Is(err, gemini.ErrNoKey):
			s.log.Warn("recommend: no Gemini API key (set GEMINI_API_KEY or GOOGLE_API_KEY); the offline analyst writes the reports")
		case err != nil:
			return nil, fmt.Errorf("recommend: %w", err)
		}
	}
	rolesPath := filepath.Join(cfg.Workdir, "data", "clean", "roles.parquet")
	var catalog []records.Role
	if s.gem == nil {
		if catalog, err = parquetio.ReadAll[records.Role](rolesPath); err != nil {
			return nil, fmt.Errorf("recommend: the offline analyst needs the role catalog: %w (run `skillx clean` first)", err)
		}
		inputs = append(inputs, rolesPath)
	}
	if s.zones, err = loadRoleZones(cfg.ONET, catalog, rolesPath); err != nil {
		return nil, fmt.Errorf("recommend: %w", err)
	}
	inputs = zoneInputs(cfg.ONET, inputs, rolesPath)
	// The stage runner checks that the inputs carry the manifests of the stages that made them
	// and hashes them. recommend always runs: it decides person by person what is up to date
	// (the reports' keys and the index), so the runner only records the run.
	spec := stagerun.Spec{Name: StageName, Workdir: cfg.Workdir, Algorithm: Algorithm, Version: cfg.Version,
		Inputs: []stagerun.Input{{Path: cfg.Model, MadeBy: "train"}, {Path: cfg.Labels, MadeBy: "train"},
			{Path: rankFiles[2], MadeBy: "train"}, {Path: rankFiles[3], MadeBy: "features"}},
		Outputs: []string{summaryPath, failuresPath}, Force: true, Log: s.log}
	for _, in := range inputs[len(rankFiles):] {
		madeBy := "" // the users file
		if in == rolesPath {
			madeBy = "clean"
		}
		spec.Inputs = append(spec.Inputs, stagerun.Input{Path: in, MadeBy: madeBy})
	}
	spec.Params = map[string]any{"analyst": "offline", "offline": s.gem == nil, "batch": cfg.Batch, "force": cfg.Force}
	if s.gem != nil {
		spec.Params["analyst"] = "gemini:" + s.gem.Model()
	}
	if cfg.Shard.Count > 0 {
		spec.Params["shard"] = cfg.Shard.String()
	}
	run, err := stagerun.Begin(spec)
	if err != nil {
		return nil, err
	}
	defer run.Abort()
	refs := run.Inputs()
	sha := map[string]string{}
	for i, r := range refs {
		sha[inputs[i]] = r.SHA256
	}
	s.cls = ClassifierInfo{SHA256: refs[0].SHA256, Encoder: b.enc.ID(), Labels: len(b.info.Labels)}
	if s.gem != nil {
		s.analyst = geminiAnalyst(s.gem.Model())
		s.aid = "gemini:" + s.gem.Model()
	} else {
		if b.base, err = newCatalogAnalyst(ctx, b.enc, catalog, cfg.Workdir, s.log); err != nil {
			return nil, fmt.Errorf("recommend: %w", err)
		}
		s.off = b.base
		s.analyst = b.base.info()
		s.aid = b.base.id()
		s.catalog = sha[rolesPath]
	}
	res.Analyst = s.analyst
	if b.set, err = ranking.Load(cfg.Model, cfg.Labels, rankFiles[2], rankFiles[3], b.enc.Dim()); err != nil {
		return nil, fmt.Errorf("recommend: %w", err)
	}
	defer b.set.Close()
	b.key = b.runKey(sha, rankFiles[1:])

	// 3. The reports folder, the previous run's index and the outputs.
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return nil, fmt.Errorf("recommend: %w", err)
	}
	if err := cleanStale(s.dir); err != nil {
		s.log.Warn("recommend: cannot remove temporary files of an interrupted run", "dir", s.dir, "error", err)
	}
	if cfg.Person == nil {
		if !cfg.Force {
			if b.index, err = openIndex(filepath.Join(s.dir, IndexName)); err != nil {
				s.log.Warn("recommend: cannot read the index of the last run; checking every report by its key", "error", err)
			}
			if b.index != nil {
				defer b.index.Close()
			}
		}
		if b.out, err = createOutputs(s.dir); err != nil {
			return nil, fmt.Errorf("recommend: %w", err)
		}
		defer b.out.abort()
		if src, err = file.people(); err != nil {
			return nil, fmt.Errorf("recommend: %w", err)
		}
	}
	defer src.Close()

	// 4. Reports, a chunk of people at a time.
	s.bar = progress.Count(total, "recommend", "users")
	s.describe()
	if err := b.runPeople(ctx, src); err != nil {
		return nil, fmt.Errorf("recommend: %w", err)
	}
	s.bar.Finish()
	res.Wall = time.Since(start)
	if cfg.Person != nil {
		if res.Failed > 0 {
			f := b.first
			err := fmt.Errorf("recommend: person %q: %s: %s", f.UserID, f.Stage, f.Reason)
			if ctx.Err() != nil {
				err = fmt.Errorf("recommend: %w", context.Cause(ctx))
			}
			return res, err
		}
		return res, nil
	}

	// 5. Accounting.
	if b.inputFailures > 0 {
		s.log.Warn("recommend: people of the users file cannot be processed; see failures.jsonl",
			"file", cfg.Users, "people", b.inputFailures, "first_row", b.firstInput.Row, "first_reason", b.firstInput.Reason)
	}
	res.Summary, res.Failures = summaryPath, failuresPath
	if err := b.out.finish(run); err != nil {
		return res, fmt.Errorf("recommend: %w", err)
	}
	m := manifest.Manifest{
		Encoder: b.enc.ID(), Model: s.analyst.Label(),
		Rows: map[string]int64{"users": int64(res.Users), "written": int64(res.Written),
			"unchanged": int64(res.Unchanged), "failed": int64(res.Failed)},
		Notes: map[string]any{"accounting": "users = written + unchanged + failed; failures.jsonl has one line per failed user",
			"prompt_tokens": res.PromptTokens, "output_tokens": res.OutputTokens, "unchanged_by_index": res.Indexed,
			"users_file": map[string]any{"sha256": sha[cfg.Users], "records": file.records}},
		Started: start.UTC(), WallSeconds: res.Wall.Seconds(),
	}
	if err := run.Publish(m, b.out.publishIndex); err != nil {
		return res, fmt.Errorf("recommend: %w", err)
	}
	if ctx.Err() != nil {
		return res, fmt.Errorf("recommend: %d of %d users were not finished: %w", b.cancelled, res.Users, context.Cause(ctx))
	}
	if res.Failed > 0 && res.Failed == res.Users {
		if s.unreachable > 0 && !s.reached {
			return res, fmt.Errorf("recommend: Gemini cannot be reached, so no report was written (the first failure: %s); %s", s.firstDown, offlineHint)
		}
		return res, fmt.Errorf("recommend: every one of the %d users failed (the first: %s: %s); see %s", res.Failed, b.first.Stage, b.first.Reason, failuresPath)
	}
	s.log.Info("recommend: done", "users", res.Users, "written", res.Written, "unchanged", res.Unchanged,
		"failed", res.Failed, "analyst", s.analyst.Label(), "seconds", fmt.Sprintf("%.1f", res.Wall.Seconds()))
	if res.Failed > 0 {
		e := &IncompleteError{Failed: res.Failed, Users: res.Users, Failures: failuresPath}
		if s.unreachable > 0 {
			e.Hint = "some could not reach Gemini: " + offlineHint
		}
		return res, e
	}
	return res, nil
}

// newCatalogAnalyst returns the offline analyst of the role catalog, with the vectors of its
// phrases (from the embeddings file where it has them).
func newCatalogAnalyst(ctx context.Context, enc encoder.Encoder, catalog []records.Role, workdir string, log *slog.Logger) (*offlineAnalyst, error) {
	var texts []string
	for _, r := range catalog {
		for _, p := range catalogPhrases(r) {
			texts = append(texts, p.Phrase)
		}
	}
	embPath := layout.Embeddings(workdir)
	vecs, err := vectors(ctx, enc, embPath, texts, log)
	if err != nil {
		return nil, err
	}
	aid, avecs, err := analystVectors(ctx, enc.ID(), texts, vecs)
	if err != nil {
		return nil, err
	}
	return newOfflineAnalyst(aid, catalog, avecs), nil
}

func failedOutcome(f Failure) Outcome {
	return Outcome{UserID: f.UserID, Row: f.Row, Status: StatusFailed, Failure: &f}
}

// openEncoder opens the encoder of the model: cfg's choice, where auto means the kind the
// model was trained with, and checks that its id is the model's.
func openEncoder(cfg Config, info *classifier.Info) (encoder.Encoder, error) {
	opts := cfg.Encoder
	if opts.Kind == "" || opts.Kind == encoder.KindAuto {
		if kind := encoder.KindOf(info.Encoder); kind != "" {
			opts.Kind = kind
		}
	}
	resolved, err := opts.Resolve(cfg.Workdir)
	if err != nil {
		return nil, err
	}
	enc, err := resolved.Open(opts)
	if err != nil {
		return nil, err
	}
	if info.Encoder != "" && enc.ID() != info.Encoder {
		enc.Close()
		return nil, fmt.Errorf("the classifier %s was trained on %s vectors, but the encoder is %s; pass the model's encoder (--encoder, --model-dir) or retrain", cfg.Model, info.Encoder, enc.ID())
	}
	return enc, nil
}

// analystVectors returns the vectors the offline analyst compares skills with, and their
// encoder's id: the model's own, except for the corpus encoder. That one places skills that
// occur in the same postings near each other (Docker and Kubernetes, React and Angular), which
// ranks roles well but cannot say whether a person has a skill, so the analyst then compares
// skills by their words (the hashing encoder).
func analystVectors(ctx context.Context, modelEncoder string, texts []string, vecs map[string][]float32) (string, map[string][]float32, error) {
	if encoder.KindOf(modelEncoder) != encoder.KindCorpus {
		return modelEncoder, vecs, nil
	}
	h := encoder.Hashing(0)
	out := make(map[string][]float32, len(texts))
	vs, err := h.Encode(ctx, texts)
	if err != nil {
		return "", nil, err
	}
	for i, t := range texts {
		out[t] = vs[i]
	}
	return h.ID(), out, nil
}

// vectors returns the vector of every text: from the embeddings file where it has vectors of
// enc, the rest embedded with enc.
func vectors(ctx context.Context, enc encoder.Encoder, embPath string, texts []string, log *slog.Logger) (map[string][]float32, error) {
	want := map[embstore.Hash]string{}
	for _, t := range texts {
		want[embstore.HashText(t)] = t
	}
	out := make(map[string][]float32, len(want))
	err := embstore.Reuse(embPath, enc.ID(), enc.Dim(), func(h embstore.Hash) bool { _, ok := want[h]; return ok },
		func(r embstore.Row) error {
			out[want[r.Hash]] = append([]float32(nil), r.Vector...)
			return nil
		})
	switch {
	case errors.Is(err, embstore.ErrOtherEncoder):
		log.Info("recommend: the embeddings file holds vectors of another encoder; embedding every text", "path", embPath)
	case err != nil:
		log.Warn("recommend: cannot reuse the embeddings file; embedding every text", "error", err)
		clear(out)
	}
	var todo []string
	for _, t := range want {
		if _, ok := out[t]; !ok {
			todo = append(todo, t)
		}
	}
	sort.Strings(todo)
	const chunk = 4096
	for lo := 0; lo < len(todo); lo += chunk {
		part := todo[lo:min(lo+chunk, len(todo))]
		vs, err := enc.Encode(ctx, part)
		if err != nil {
			return nil, err
		}
		for i, v := range vs {
			out[part[i]] = v
		}
	}
	log.Debug("recommend: vectors", "texts", len(want), "from_file", len(want)-len(todo), "embedded", len(todo))
	return out, nil
}

// maxAlternatives is the number of further ranked roles rankUsers returns per user, after the
// report.NumRoles candidates.
const maxAlternatives = 20

// rankUsers runs the classifier (and the rest of the ranking of set) on every user's joined
// skills and returns, per user, the report.NumRoles most probable roles other than the user's
// current role (cands), and the up to maxAlternatives roles ranked after them (alts), most
// probable first. vecs holds the vector of each joined skills text. A current role that is not
// a catalog role is read as the catalog role zones resolve it to (roleZones.currentRole; zones
// nil: as typed), for its similarity and to leave it out.
func rankUsers(set *ranking.Set, info *classifier.Info, users []User, vecs map[string][]float32, dim int, zones *roleZones) (cands, alts [][]report.Candidate, err error) {
	cands = make([][]report.Candidate, len(users))
	alts = make([][]report.Candidate, len(users))
	w := set.Weights()
	texts := make([]string, len(users))
	x := make([]float32, 0, len(users)*dim)
	for i, u := range users {
		texts[i] = strings.Join(u.Skills, ", ")
		v := vecs[texts[i]]
		if len(v) != dim {
			return nil, nil, fmt.Errorf("internal error: no vector of width %d for user %q", dim, u.ID)
		}
		x = append(x, v...)
	}
	cls, ret, err := set.Scores(texts, x)
	if err != nil {
		return nil, nil, err
	}
	keys := make([]string, len(info.Labels))
	for i, l := range info.Labels {
		keys[i] = textnorm.RoleKey(l)
	}
	n := len(info.Labels)
	fused := make([]float32, n)
	idx := make([]int, n)
	similar := map[int][]float32{} // by current role's label: many people share a role
	for ui, u := range users {
		var c []float32
		if cls != nil {
			c = cls[ui]
		}
		role := zones.currentRole(u.CurrentRole)
		cur := set.Label(role)
		sim, ok := similar[cur]
		if !ok {
			sim = set.RoleSimilarity(cur)
			similar[cur] = sim
		}
		ranking.Fuse(c, ret[ui], sim, w.Classifier, w.CurrentRole, fused)
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return fused[idx[a]] > fused[idx[b]] })
		current := textnorm.RoleKey(role)
		for _, i := range idx {
			if keys[i] == current {
				continue
			}
			cand := report.Candidate{Role: info.Labels[i], Score: math.Round(float64(fused[i])*1e4) / 1e4}
			if c != nil {
				cand.Probability = float64(c[i])
			}
			if len(cands[ui]) < report.NumRoles {
				cands[ui] = append(cands[ui], cand)
				continue
			}
			alts[ui] = append(alts[ui], cand)
			if len(alts[ui]) == maxAlternatives {
				break
			}
		}
	}
	return cands, alts, nil
}

// key returns the report key of j: everything the report depends on.
func (s *stage) key(j job) string {
	h := sha256.New()
	for _, part := range []string{ReportFormat, s.aid, gemini.PromptHash(j.req, s.aid), s.cls.SHA256, s.catalog,
		j.user.ID, strings.Join(j.user.Notes, "\n"), foundKey(j.user.Found), s.zones.keyPart()} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// upToDate returns the outcome of j when its report exists with j's key, is valid, and its
// Markdown and text forms exist.
func (s *stage) upToDate(j job) (Outcome, bool) {
	data, err := os.ReadFile(j.base + ".json")
	if err != nil {
		return Outcome{}, false
	}
	ur := UserReport{zones: s.zones}
	if err := json.Unmarshal(data, &ur); err != nil || ur.Key != j.key || ur.UserID != j.user.ID {
		return Outcome{}, false
	}
	if err := ur.Validate(); err != nil {
		s.log.Warn("recommend: an existing report is invalid; writing it again", "path", j.base+".json", "error", err)
		return Outcome{}, false
	}
	for _, ext := range []string{".md", ".txt"} {
		if _, err := os.Stat(j.base + ext); err != nil {
			return Outcome{}, false
		}
	}
	o := s.written(j, &ur)
	o.Status = StatusUnchanged
	return o, true
}

// written returns the outcome of a report written for j.
func (s *stage) written(j job, ur *UserReport) Outcome {
	o := Outcome{UserID: j.user.ID, Row: j.user.Row, Status: StatusWritten, JSON: j.base + ".json",
		Markdown: j.base + ".md", Text: j.base + ".txt", Analyst: ur.Analyst.Label(), Usage: ur.Usage}
	for _, r := range ur.Roles {
		o.Roles = append(o.Roles, r.Role)
	}
	return o
}

// parallel runs fn on every job with cfg.Workers goroutines (all cores for the offline
// analyst, which only computes). Once ctx ends, the jobs not started are recorded as
// cancelled.
func (s *stage) parallel(ctx context.Context, jobs []job, fn func(context.Context, job)) {
	workers := s.cfg.Workers
	if s.gem == nil {
		workers = max(workers, runtime.GOMAXPROCS(0))
	}
	ch := make(chan job)
	var wg sync.WaitGroup
	for range min(workers, max(len(jobs), 1)) {
		wg.Go(func() {
			for j := range ch {
				if ctx.Err() != nil {
					s.cancelled(j, j.spent)
					continue
				}
				fn(ctx, j)
			}
		})
	}
	for _, j := range jobs {
		ch <- j
	}
	close(ch)
	wg.Wait()
}

// process writes the report of one person, or records why it cannot.
func (s *stage) process(ctx context.Context, j job) {
	var rep *report.Report
	usage := j.spent
	if s.gem != nil {
		if reason, down := s.geminiDown(); down {
			s.failWith(j, StageGemini, reason, usage)
			return
		}
		r, u, err := s.gem.Recommend(ctx, j.req)
		usage = addUsage(usage, u)
		if !u.Cached { // an answer from the cache says nothing about the network
			s.noteReach(ctx, err)
		}
		if err != nil {
			if ctx.Err() != nil {
				s.cancelled(j, usage)
				return
			}
			reason := err.Error()
			if errors.Is(err, gemini.ErrUnreachable) {
				reason += "; " + offlineHint
			}
			s.failWith(j, StageGemini, reason, usage)
			return
		}
		rep = r
	} else {
		start := time.Now()
		rep = s.off.analyse(j.req, j.alternatives)
		usage.Latency = time.Since(start)
	}
	s.finish(j, rep, usage)
}

// addUsage returns the sum of two usages (the latest latency).
func addUsage(a, b gemini.Usage) gemini.Usage {
	return gemini.Usage{PromptTokens: a.PromptTokens + b.PromptTokens, OutputTokens: a.OutputTokens + b.OutputTokens,
		Latency: a.Latency + b.Latency, Attempts: a.Attempts + b.Attempts, Cached: b.Cached && a.Attempts == 0}
}

// noteReach records what a Gemini call said about the network: an answer of any kind (even
// an error answer) shows that Gemini can be reached; ErrUnreachable counts a person who
// could not reach it.
func (s *stage) noteReach(ctx context.Context, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case err == nil:
		s.reached = true
	case errors.Is(err, gemini.ErrUnreachable):
		s.unreachable++
		if s.firstDown == "" {
			s.firstDown = err.Error()
		}
	case ctx.Err() == nil:
		s.reached = true
	}
}

// geminiDown reports whether Gemini is taken to be out of reach: no request of this run was
// answered and unreachableLimit people could not connect. The reason goes to the failure of
// a person who is then not sent.
func (s *stage) geminiDown() (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reached || s.unreachable < unreachableLimit {
		return "", false
	}
	return fmt.Sprintf("not sent: Gemini could not be reached (%d people tried, no answer); %s", s.unreachable, offlineHint), true
}

// runBatch sends the jobs through the Gemini Batch API, at most batchChunk distinct prompts
// per job (people who share a prompt are in the same job, which sends it once); people whose
// answer was invalid are asked again one by one, with what their invalid answer cost.
func (s *stage) runBatch(ctx context.Context, jobs []job) {
	var again []job
	state := s.cfg.BatchState
	if state == "" {
		state = BatchStatePath(s.cfg.Workdir, s.dir)
	}
	if err := os.MkdirAll(filepath.Dir(state), 0o755); err != nil {
		s.log.Warn("recommend: cannot create the folder of the batch job's state; a killed run cannot resume its job", "path", state, "error", err)
	}
	for _, chunk := range promptChunks(jobs, s.gem.Model(), batchChunk) {
		if ctx.Err() != nil {
			for _, j := range chunk {
				s.cancelled(j, j.spent)
			}
			continue
		}
		reqs := make([]report.Request, len(chunk))
		for i, j := range chunk {
			reqs[i] = j.req
		}
		results, err := s.gem.RecommendBatch(ctx, reqs, gemini.BatchOptions{Poll: s.cfg.BatchPoll, StateFile: state})
		s.noteReach(ctx, err)
		if err != nil {
			for _, j := range chunk {
				if ctx.Err() != nil {
					s.cancelled(j, j.spent)
				} else {
					s.failWith(j, StageGemini, err.Error(), j.spent)
				}
			}
			continue
		}
		var answered []job
		for _, j := range chunk {
			r := results[j.user.ID]
			var re *gemini.ReplyError
			switch {
			case r.Err != nil && errors.As(r.Err, &re):
				s.log.Debug("recommend: invalid batch answer; asking again", "user", j.user.ID, "error", r.Err)
				j.spent = addUsage(j.spent, r.Usage)
				again = append(again, j)
			case r.Err != nil:
				s.failWith(j, StageGemini, r.Err.Error(), addUsage(j.spent, r.Usage))
			default:
				answered = append(answered, j)
			}
		}
		s.parallel(context.WithoutCancel(ctx), answered, func(_ context.Context, j job) {
			r := results[j.user.ID]
			s.finish(j, r.Report, addUsage(j.spent, r.Usage))
		})
	}
	s.parallel(ctx, again, s.process)
}

// promptChunks splits jobs into groups of at most n distinct prompts (gemini.PromptHash for
// model), in input order, so that all the people of one prompt are in one group.
func promptChunks(jobs []job, model string, n int) [][]job {
	var chunks [][]job
	chunkOf := map[string]int{} // prompt hash -> chunk
	prompts := 0                // distinct prompts in the last chunk
	for _, j := range jobs {
		h := gemini.PromptHash(j.req, model)
		c, ok := chunkOf[h]
		if !ok {
			if len(chunks) == 0 || prompts == n {
				chunks = append(chunks, nil)
				prompts = 0
			}
			c = len(chunks) - 1
			chunkOf[h] = c
			prompts++
		}
		chunks[c] = append(chunks[c], j)
	}
	return chunks
}

// userReport returns the report of j from the analyst's answer rep (not yet validated).
func (s *stage) userReport(j job, rep *report.Report, usage gemini.Usage) *UserReport {
	ur := &UserReport{
		Format: ReportFormat, Key: j.key, UserID: j.user.ID, CurrentRole: j.user.CurrentRole, Skills: j.user.Skills,
		Notes: j.user.Notes, Analyst: s.analyst, Classifier: s.cls, Candidates: j.req.Candidates, Roles: rep.Roles,
		Usage: usageInfo(usage), Version: s.cfg.Version, Created: time.Now().UTC(), Found: j.user.Found,
		zones: s.zones,
	}
	ur.setLevels()
	return ur
}

// finish checks and writes the report of j. It does not look at the context: an analysis
// that is done is kept.
func (s *stage) finish(j job, rep *report.Report, usage gemini.Usage) {
	ur := s.userReport(j, rep, usage)
	stage := StageGemini
	if s.off != nil {
		stage = StageOffline
	}
	if err := ur.Validate(); err != nil {
		s.failWith(j, stage, "the report is not valid: "+err.Error(), usage)
		return
	}
	if err := s.save(j.base, ur); err != nil {
		s.failWith(j, StageWrite, err.Error(), usage)
		return
	}
	s.record(j.idx, s.written(j, ur))
}

// save writes the report ur to base: with the chunk's other reports (s.pub), or at once.
func (s *stage) save(base string, ur *UserReport) error {
	if s.pub == nil {
		return writeReport(base, ur)
	}
	return s.pub.report(base, ur)
}

// writeReport writes <base>.txt, <base>.md and, last, <base>.json (which carries the key, so
// a crash between them leaves a report that the next run writes again).
func writeReport(base string, ur *UserReport) error {
	if err := atomicfile.Write(base+".txt", func(w io.Writer) error { return writeText(w, ur) }); err != nil {
		return err
	}
	if err := atomicfile.Write(base+".md", func(w io.Writer) error { return writeMarkdown(w, ur) }); err != nil {
		return err
	}
	data, err := json.MarshalIndent(ur, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s.json: %w", base, err)
	}
	return atomicfile.WriteFile(base+".json", append(data, '\n'))
}

// failWith records that j has no report, and what Gemini billed for it (usage).
func (s *stage) failWith(j job, stage, reason string, usage gemini.Usage) {
	s.log.Warn("recommend: no report", "user", j.user.ID, "row", j.user.Row, "stage", stage, "reason", reason)
	o := failedOutcome(Failure{UserID: j.user.ID, Row: j.user.Row, Line: j.user.Line, Stage: stage, Reason: reason})
	o.Usage = usageInfo(usage)
	s.record(j.idx, o)
}

// cancelled records that the run ended before j's report was finished, and what Gemini
// billed for it so far (usage).
func (s *stage) cancelled(j job, usage gemini.Usage) {
	o := failedOutcome(Failure{UserID: j.user.ID, Row: j.user.Row, Line: j.user.Line, Stage: StageCancelled,
		Reason: "the run was cancelled before this report was finished; run again to write it"})
	o.Usage = usageInfo(usage)
	s.record(j.idx, o)
}

// record stores the outcome of the person at idx and moves the progress bar.
func (s *stage) record(idx int, o Outcome) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outcomes[idx] = o
	s.done++
	if o.Status == StatusFailed {
		s.failed++
	}
	s.bar.Add(1)
	s.describe()
}

// describe shows the counts on the progress bar; s.mu is held.
func (s *stage) describe() {
	s.bar.Describe(fmt.Sprintf("recommend (%s): %d failed", s.analyst.Kind, s.failed))
}
