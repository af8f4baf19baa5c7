package recommend

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/skillx/skillx/internal/atomicfile"
	"github.com/skillx/skillx/internal/csvsafe"
	"github.com/skillx/skillx/internal/manifest"
	stagerun "github.com/skillx/skillx/internal/stage"
	"github.com/skillx/skillx/internal/textsafe"
)

// MergeConfig configures Merge.
type MergeConfig struct {
	// Users is the users file the shards read.
	Users string
	// Dir is where the joined summary.csv and failures.jsonl go.
	Dir string
	// Shards are the shards' reports folders; empty means every folder of Dir named by
	// ShardDir (shard-I-of-N).
	Shards []string
	// Version is the skillx version recorded in the manifests.
	Version string
	// Logger receives progress logs; nil means slog.Default().
	Logger *slog.Logger
}

// MergeResult is what Merge did.
type MergeResult struct {
	// Summary and Failures are the joined files.
	Summary, Failures string
	// Shards are the shards' folders, by index; Count is their number.
	Shards []string
	Count  int
	// Users counts the people of the users file; Written, Unchanged and Failed count them by
	// status, as the shards left them.
	Users, Written, Unchanged, Failed int
	// PromptTokens and OutputTokens are the Gemini tokens the shards' runs used.
	PromptTokens, OutputTokens int
	// Wall is how long the merge took.
	Wall time.Duration
}

// maxNamed is the number of people a MergeError names of each kind.
const maxNamed = 10

// MergeError is Merge's error when the shards do not hold every person of the users file
// exactly once.
type MergeError struct {
	// Missing are people of the users file that no shard holds ("id (row N)"), at most
	// maxNamed; MissingCount counts them all.
	Missing      []string
	MissingCount int
	// Duplicated are people that more than one shard holds ("id (row N): shard-0-of-4,
	// shard-2-of-4"), at most maxNamed; DuplicatedCount counts them all.
	Duplicated      []string
	DuplicatedCount int
}

// Error names the missing and duplicated people.
func (e *MergeError) Error() string {
	var parts []string
	if e.MissingCount > 0 {
		parts = append(parts, fmt.Sprintf("%d %s of the users file %s in no shard (%s%s)", e.MissingCount, plural(e.MissingCount, "person", "people"),
			plural(e.MissingCount, "is", "are"), strings.Join(e.Missing, "; "), more(e.MissingCount, len(e.Missing))))
	}
	if e.DuplicatedCount > 0 {
		parts = append(parts, fmt.Sprintf("%d %s in more than one shard (%s%s)", e.DuplicatedCount, plural(e.DuplicatedCount, "person is", "people are"),
			strings.Join(e.Duplicated, "; "), more(e.DuplicatedCount, len(e.Duplicated))))
	}
	return "recommend merge: " + strings.Join(parts, "; ") + "; run the shards again with the same users file and shard count"
}

func more(total, shown int) string {
	if total > shown {
		return fmt.Sprintf("; and %d more", total-shown)
	}
	return ""
}

// shardOutput is one shard's summary.csv and failures.jsonl, read in row order.
type shardOutput struct {
	dir      string
	name     string // the folder as messages and the file column name it
	shard    Shard
	manifest *manifest.Manifest
	summary  *os.File
	csv      *csv.Reader
	failures *os.File
	lines    *bufio.Reader
	head     []string // the next row of summary.csv (nil at the end)
	row      int64    // its row number
}

// Merge joins the summary.csv and failures.jsonl of the N shards of a users file (Config.Shard)
// into one of each in cfg.Dir, in the users file's order, and checks that every person of the
// users file is in exactly one shard: a person missing from every shard or present in two is
// a *MergeError naming them, and then nothing is written. Each shard's outputs must match
// their manifests (a shard that did not finish has none), and every shard must have read the
// users file given here (same sha256) and split it into the same number of shards. The file
// column of the joined summary.csv gives each report's path relative to cfg.Dir; the reports
// stay in the shards' folders. Memory does not grow with the number of people.
//
// Like Run, Merge returns an *IncompleteError (exit code 3) when some people, not all, have no
// report, after writing its outputs.
func Merge(ctx context.Context, cfg MergeConfig) (*MergeResult, error) {
	start := time.Now()
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	if cfg.Users == "" || cfg.Dir == "" {
		return nil, errors.New("recommend merge: give the users file and the output folder")
	}
	shards, err := openShards(cfg)
	if err != nil {
		return nil, err
	}
	defer func() {
		for _, s := range shards {
			s.close()
		}
	}()
	res := &MergeResult{Count: len(shards)}
	for _, s := range shards {
		res.Shards = append(res.Shards, s.dir)
	}
	usersRef, err := manifest.HashFile(cfg.Users, nil)
	if err != nil {
		return nil, fmt.Errorf("recommend merge: %w", err)
	}
	for _, s := range shards {
		if got := shardUsersSHA(s.manifest); got != usersRef.SHA256 {
			return nil, fmt.Errorf("recommend merge: shard %s read another users file (sha256 %s) than %s (sha256 %s); run it again on this file",
				s.name, short(got), cfg.Users, short(usersRef.SHA256))
		}
	}
	file, err := scanUsers(cfg.Users, Shard{})
	if err != nil {
		return nil, fmt.Errorf("recommend merge: %w", err)
	}
	people, err := file.people()
	if err != nil {
		return nil, fmt.Errorf("recommend merge: %w", err)
	}
	defer people.Close()

	res.Summary, res.Failures = OutputPaths(cfg.Dir)
	out, err := newMergeOutputs(res.Summary, res.Failures)
	if err != nil {
		return nil, fmt.Errorf("recommend merge: %w", err)
	}
	defer out.abort()
	var merr MergeError
	for {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("recommend merge: %w", context.Cause(ctx))
		}
		p, err := people.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("recommend merge: %w", err)
		}
		if err := mergeOne(p, shards, out, res, &merr, cfg.Dir); err != nil {
			return nil, err
		}
	}
	for _, s := range shards {
		if s.head != nil {
			return nil, fmt.Errorf("recommend merge: %s lists row %d, past the last record of %s (%d); was it run on another users file?",
				s.name, s.row, cfg.Users, file.records)
		}
		if line, err := s.lines.ReadBytes('\n'); len(bytes.TrimSpace(line)) > 0 || err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("recommend merge: %s holds more failures than its summary.csv lists", filepath.Join(s.name, "failures.jsonl"))
		}
	}
	if merr.MissingCount > 0 || merr.DuplicatedCount > 0 {
		return nil, &merr
	}
	if err := out.publish(); err != nil {
		return nil, fmt.Errorf("recommend merge: %w", err)
	}
	res.Wall = time.Since(start)
	if err := writeMergeManifests(cfg, res, usersRef, shards, start); err != nil {
		return res, fmt.Errorf("recommend merge: %w", err)
	}
	log.Info("recommend merge: done", "shards", len(shards), "users", res.Users, "written", res.Written,
		"unchanged", res.Unchanged, "failed", res.Failed)
	switch {
	case res.Failed > 0 && res.Failed == res.Users:
		return res, fmt.Errorf("recommend merge: every one of the %d users failed; see %s", res.Failed, res.Failures)
	case res.Failed > 0:
		return res, &IncompleteError{Failed: res.Failed, Users: res.Users, Failures: res.Failures}
	}
	return res, nil
}

// mergeOne joins the outcome of person p (the next record of the users file): it takes the
// shard rows of p's row, checks that there is exactly one and that it names p, and writes it.
func mergeOne(p person, shards []*shardOutput, out *mergeOutputs, res *MergeResult, merr *MergeError, dir string) error {
	row, id := p.user.Row, p.user.ID
	if p.fail != nil {
		row, id = p.fail.Row, p.fail.UserID
	}
	want := textsafe.Strip(id)
	who := fmt.Sprintf("%s (row %d)", textsafe.Display(id, 60), row)
	var hits []*shardOutput
	for _, s := range shards {
		if s.head != nil && s.row < row {
			return fmt.Errorf("recommend merge: %s lists row %d, which is out of order or not a record of the users file", s.name, s.row)
		}
		if s.head != nil && s.row == row {
			if s.head[0] != want {
				return fmt.Errorf("recommend merge: %s lists user %q at row %d, but the users file has %q there; was it run on another users file?",
					s.name, textsafe.Display(s.head[0], 60), row, textsafe.Display(want, 60))
			}
			hits = append(hits, s)
		}
	}
	switch {
	case len(hits) == 0:
		merr.MissingCount++
		if len(merr.Missing) < maxNamed {
			merr.Missing = append(merr.Missing, who)
		}
		return nil
	case len(hits) > 1:
		merr.DuplicatedCount++
		if len(merr.Duplicated) < maxNamed {
			var names []string
			for _, s := range hits {
				names = append(names, s.name)
			}
			merr.Duplicated = append(merr.Duplicated, who+": "+strings.Join(names, ", "))
		}
	}
	rec := slices.Clone(hits[0].head)
	if rec[4] != "" {
		rel, err := filepath.Rel(dir, filepath.Join(hits[0].dir, rec[4]))
		if err != nil {
			rel = filepath.Join(hits[0].dir, rec[4])
		}
		rec[4] = rel
	}
	var failure []byte
	for i, s := range hits {
		line, err := s.nextFailure(rec[2] == StatusFailed, row)
		if err != nil {
			return err
		}
		if i == 0 {
			failure = line
		}
		if err := s.advance(); err != nil {
			return err
		}
	}
	if err := out.add(rec, failure); err != nil {
		return err
	}
	res.Users++
	switch rec[2] {
	case StatusWritten:
		res.Written++
	case StatusUnchanged:
		res.Unchanged++
	default:
		res.Failed++
	}
	pt, _ := strconv.Atoi(rec[6])
	ot, _ := strconv.Atoi(rec[7])
	res.PromptTokens += pt
	res.OutputTokens += ot
	return nil
}

// openShards finds the shards' folders, checks their outputs against their manifests and
// their shards against each other, and opens their files, by shard index.
func openShards(cfg MergeConfig) ([]*shardOutput, error) {
	dirs := cfg.Shards
	if len(dirs) == 0 {
		entries, err := os.ReadDir(cfg.Dir)
		if err != nil {
			return nil, fmt.Errorf("recommend merge: %w", err)
		}
		for _, e := range entries {
			if _, ok := parseShardDir(e.Name()); ok && e.IsDir() {
				dirs = append(dirs, filepath.Join(cfg.Dir, e.Name()))
			}
		}
		if len(dirs) == 0 {
			return nil, fmt.Errorf("recommend merge: %s holds no shard folders (shard-I-of-N); name the shards' folders", cfg.Dir)
		}
	}
	var shards []*shardOutput
	fail := func(err error) ([]*shardOutput, error) {
		for _, s := range shards {
			s.close()
		}
		return nil, err
	}
	mergeAbs, _ := filepath.Abs(cfg.Dir)
	for _, d := range dirs {
		if abs, _ := filepath.Abs(d); abs == mergeAbs {
			return fail(fmt.Errorf("recommend merge: %s is a shard's folder; write the merged files elsewhere (--out)", d))
		}
		s, err := openShard(d, cfg.Dir)
		if err != nil {
			return fail(err)
		}
		shards = append(shards, s)
	}
	slices.SortFunc(shards, func(a, b *shardOutput) int { return a.shard.Index - b.shard.Index })
	n := shards[0].shard.Count
	seen := map[int]string{}
	for _, s := range shards {
		if s.shard.Count != n {
			return fail(fmt.Errorf("recommend merge: %s is shard %s, %s is shard %s: the shards of one users file share their count",
				shards[0].name, shards[0].shard, s.name, s.shard))
		}
		if other, dup := seen[s.shard.Index]; dup {
			return fail(fmt.Errorf("recommend merge: %s and %s are both shard %s", other, s.name, s.shard))
		}
		seen[s.shard.Index] = s.name
	}
	var missing []string
	for i := range n {
		if _, ok := seen[i]; !ok {
			missing = append(missing, Shard{Index: i, Count: n}.String())
		}
	}
	if len(missing) > 0 {
		return fail(fmt.Errorf("recommend merge: shard %s missing: no folder given holds it (run it, or name its folder)", strings.Join(missing, ", ")))
	}
	return shards, nil
}

// openShard checks and opens the outputs of the shard folder dir.
func openShard(dir, mergeDir string) (*shardOutput, error) {
	s := &shardOutput{dir: dir, name: dir}
	if rel, err := filepath.Rel(mergeDir, dir); err == nil && !strings.HasPrefix(rel, "..") {
		s.name = rel
	}
	summary, failures := OutputPaths(dir)
	for _, p := range []string{summary, failures} {
		if err := manifest.Check(p, StageName); err != nil {
			return nil, fmt.Errorf("recommend merge: shard %s is not complete: %w", s.name, err)
		}
	}
	m, err := manifest.Read(summary)
	if err != nil {
		return nil, fmt.Errorf("recommend merge: %w", err)
	}
	s.manifest = m
	spec, _ := m.Params["shard"].(string)
	if s.shard, err = ParseShard(spec, func(string) string { return "" }); err != nil || spec == "" {
		return nil, fmt.Errorf("recommend merge: %s was not written by a run with --shard", summary)
	}
	if s.summary, err = os.Open(summary); err != nil {
		return nil, fmt.Errorf("recommend merge: %w", err)
	}
	if s.failures, err = os.Open(failures); err != nil {
		s.close()
		return nil, fmt.Errorf("recommend merge: %w", err)
	}
	s.csv = csv.NewReader(bufio.NewReaderSize(s.summary, 1<<20))
	s.csv.FieldsPerRecord = len(SummaryHeader)
	s.lines = bufio.NewReaderSize(s.failures, 1<<20)
	header, err := s.csv.Read()
	if err != nil || !slices.Equal(header, SummaryHeader) {
		s.close()
		return nil, fmt.Errorf("recommend merge: %s: the header is not summary.csv's (%v)", summary, err)
	}
	if err := s.advance(); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// advance reads the shard's next summary row.
func (s *shardOutput) advance() error {
	rec, err := s.csv.Read()
	if errors.Is(err, io.EOF) {
		s.head = nil
		return nil
	}
	if err != nil {
		return fmt.Errorf("recommend merge: %s: %w", filepath.Join(s.name, "summary.csv"), err)
	}
	for i := range rec {
		rec[i] = csvsafe.Uncell(rec[i])
	}
	row, err := strconv.ParseInt(rec[1], 10, 64)
	if err != nil || row <= s.row {
		return fmt.Errorf("recommend merge: %s: row %q after row %d; want increasing row numbers", filepath.Join(s.name, "summary.csv"), rec[1], s.row)
	}
	s.head, s.row = rec, row
	return nil
}

// nextFailure returns the shard's next line of failures.jsonl when its current row failed
// (checking that the line is that row's), or nil.
func (s *shardOutput) nextFailure(failed bool, row int64) ([]byte, error) {
	if !failed {
		return nil, nil
	}
	path := filepath.Join(s.name, "failures.jsonl")
	line, err := s.lines.ReadBytes('\n')
	if err != nil && !(errors.Is(err, io.EOF) && len(line) > 0) {
		return nil, fmt.Errorf("recommend merge: %s has no line for the failure of row %d that summary.csv lists", path, row)
	}
	var f Failure
	if err := json.Unmarshal(line, &f); err != nil || f.Row != row {
		return nil, fmt.Errorf("recommend merge: %s: the next failure is not row %d's, which summary.csv lists as failed", path, row)
	}
	if !bytes.HasSuffix(line, []byte("\n")) {
		line = append(line, '\n')
	}
	return line, nil
}

func (s *shardOutput) close() {
	if s.summary != nil {
		s.summary.Close()
	}
	if s.failures != nil {
		s.failures.Close()
	}
}

// shardUsersSHA returns the sha256 of the users file a shard read, from its manifest.
func shardUsersSHA(m *manifest.Manifest) string {
	uf, _ := m.Notes["users_file"].(map[string]any)
	sha, _ := uf["sha256"].(string)
	return sha
}

// short returns the first 12 characters of a hash, for messages.
func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	if h == "" {
		return "unknown"
	}
	return h
}

// mergeOutputs are the joined summary.csv and failures.jsonl, written to temporary files and
// put in place together.
type mergeOutputs struct {
	summaryPath, failuresPath string
	summary, failures         *atomicfile.File
	csv                       *csvsafe.Writer
}

func newMergeOutputs(summary, failures string) (*mergeOutputs, error) {
	o := &mergeOutputs{summaryPath: summary, failuresPath: failures}
	var err error
	if o.summary, err = atomicfile.Create(summary); err != nil {
		return nil, err
	}
	if o.failures, err = atomicfile.Create(failures); err != nil {
		o.abort()
		return nil, err
	}
	o.csv = csvsafe.NewWriter(o.summary)
	if err := o.csv.Write(SummaryHeader); err != nil {
		o.abort()
		return nil, fmt.Errorf("write %s: %w", summary, err)
	}
	return o, nil
}

// add writes a summary row (its cells as read, csvsafe makes them safe again) and, for a
// failed person, the failure line as the shard wrote it.
func (o *mergeOutputs) add(rec []string, failure []byte) error {
	if err := o.csv.Write(rec); err != nil {
		return fmt.Errorf("write %s: %w", o.summaryPath, err)
	}
	if failure != nil {
		if _, err := o.failures.Write(failure); err != nil {
			return err
		}
	}
	return nil
}

func (o *mergeOutputs) publish() error {
	o.csv.Flush()
	if err := o.csv.Error(); err != nil {
		return fmt.Errorf("write %s: %w", o.summaryPath, err)
	}
	return atomicfile.PublishAll(func() error { return manifest.Remove(o.summaryPath, o.failuresPath) }, o.summary, o.failures)
}

func (o *mergeOutputs) abort() {
	if o.summary != nil {
		o.summary.Abort()
	}
	if o.failures != nil {
		o.failures.Abort()
	}
}

// writeMergeManifests describes the joined files: their inputs are the users file and the
// shards' outputs.
func writeMergeManifests(cfg MergeConfig, res *MergeResult, users manifest.FileRef, shards []*shardOutput, start time.Time) error {
	inputs := []manifest.FileRef{users}
	for _, s := range shards {
		for _, p := range []string{filepath.Join(s.dir, "summary.csv"), filepath.Join(s.dir, "failures.jsonl")} {
			ref, err := manifest.HashFile(p, nil)
			if err != nil {
				return err
			}
			inputs = append(inputs, ref)
		}
	}
	params := map[string]any{"merge": res.Count}
	// Keyed like a stage (stagerun.Key), on the files' contents: a merge has no workdir, so
	// every input counts as outside one, and the skillx version is only recorded.
	keyed := make([]manifest.FileRef, len(inputs))
	for i, in := range inputs {
		keyed[i] = in
		if abs, err := filepath.Abs(in.Path); err == nil {
			keyed[i].Path = abs
		}
	}
	key, err := stagerun.Key(StageName+" --merge", Algorithm, keyed, params)
	if err != nil {
		return err
	}
	m := manifest.Manifest{
		Stage: StageName, Version: cfg.Version, Key: key, Inputs: inputs,
		Params: params,
		Rows: map[string]int64{"users": int64(res.Users), "written": int64(res.Written),
			"unchanged": int64(res.Unchanged), "failed": int64(res.Failed)},
		Notes: map[string]any{"accounting": "users = written + unchanged + failed; failures.jsonl has one line per failed user; the reports are in the shards' folders",
			"prompt_tokens": res.PromptTokens, "output_tokens": res.OutputTokens, "shards": res.Shards,
			"users_file": map[string]any{"sha256": users.SHA256}},
		Started: start.UTC(), WallSeconds: res.Wall.Seconds(),
	}
	for _, p := range []string{res.Summary, res.Failures} {
		if err := manifest.Write(p, m); err != nil {
			return err
		}
	}
	return nil
}
