package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/skillx/skillx/internal/manifest"
	"github.com/skillx/skillx/internal/parquetio"
	"github.com/skillx/skillx/internal/progress"
	"github.com/skillx/skillx/internal/records"
	"github.com/skillx/skillx/internal/stage"
	"github.com/skillx/skillx/internal/tabular"
)

// StageName names the stage in manifests and logs.
const StageName = "ingest"

// Algorithm is the version of the ingest stage's logic, part of its key: bump it when a change
// to this stage changes its outputs, so that outputs made by the old logic are made again.
const Algorithm = 1

// Presets lists the source presets.
var Presets = []string{"auto", "kaggle", "linkedin", "onet"}

// Config configures an ingest run.
type Config struct {
	// Workdir holds data/, models/ and reports/.
	Workdir string
	// Inputs are the source files (or, for the onet and linkedin presets, a folder).
	Inputs []string
	// Preset is one of Presets; "auto" recognises the source by its columns.
	Preset string
	// Map maps fields to columns for a source no preset knows; it overrides a preset's columns.
	Map Mapping
	// Format forces the file format (FormatAuto detects it).
	Format tabular.Format
	// Encoding is the character encoding of CSV and TSV sources. EncodingAuto reads a field as
	// UTF-8 when it is valid UTF-8 and otherwise as Windows-1252 when it decodes cleanly (see
	// tabular.Options.Encoding); decoded and replaced fields are logged as warnings.
	Encoding tabular.Encoding
	// MaxRejectShare is the largest share of the records that may be rejected before the run
	// fails, publishing nothing; 0 means DefaultMaxRejectShare, and 1 never fails. Records
	// that were read but had nothing to join with (see joinMissKinds) do not count.
	MaxRejectShare float64
	// Force reruns the stage even when its inputs and parameters are unchanged.
	Force bool
	// Version is the skillx version recorded in manifests.
	Version string
	// Logger receives progress logs; nil means slog.Default().
	Logger *slog.Logger
}

// FileStats counts what happened to the records of one source file.
type FileStats struct {
	// File is the source file.
	File string `json:"file"`
	// Records is the number of data records read (error records included).
	Records int64 `json:"records"`
	// Postings is the number of postings written from this file.
	Postings int64 `json:"postings"`
	// Joined is the number of records merged into a posting of another file (LinkedIn titles,
	// O*NET skills and tasks).
	Joined int64 `json:"joined"`
	// Rejected is the number of records written to the rejects file.
	Rejected int64 `json:"rejected"`
	// InvalidUTF8 is the number of fields in which bytes that are not valid text in the
	// file's encoding were replaced with U+FFFD.
	InvalidUTF8 int64 `json:"invalid_utf8,omitempty"`
	// FirstInvalidUTF8 is where the first of them is: "row 3 (line 4), field \"skills\"".
	FirstInvalidUTF8 string `json:"first_invalid_utf8,omitempty"`
	// Encoding is how the file's text fields that are not ASCII were read: "utf-8", or
	// "windows-1252" or "latin-1" (chosen by Config.Encoding, or detected).
	Encoding string `json:"encoding,omitempty"`
	// Decoded is the number of fields read from Windows-1252 or Latin-1.
	Decoded int64 `json:"decoded,omitempty"`
	// FirstDecoded is where the first of them is.
	FirstDecoded string `json:"first_decoded,omitempty"`
}

// Result is what an ingest run did.
type Result struct {
	// Postings is the path of data/raw/postings.parquet.
	Postings string
	// Rejects is the path of data/raw/rejects.parquet.
	Rejects string
	// Skipped is true when the outputs were up to date and nothing ran.
	Skipped bool
	// Preset is the preset used (after auto-detection).
	Preset string
	// Files has one entry per source file read.
	Files []FileStats
	// RowsIn, RowsOut and Rejected add up over Files: RowsIn = RowsOut + Joined + Rejected.
	RowsIn, RowsOut, Joined, Rejected int64
	// RejectedByKind counts the rejects by kind.
	RejectedByKind map[string]int64
	// InvalidUTF8 and Decoded add up the files' counts of fields with replaced bytes and of
	// fields read from an 8-bit encoding.
	InvalidUTF8, Decoded int64
	// Wall is how long the run took.
	Wall time.Duration
}

// OutputPaths returns the postings and rejects paths under workdir.
func OutputPaths(workdir string) (postings, rejects string) {
	dir := filepath.Join(workdir, "data", "raw")
	return filepath.Join(dir, "postings.parquet"), filepath.Join(dir, "rejects.parquet")
}

// FailedRejectsPath returns where a run that failed for rejecting too many records leaves its
// rejects (data/raw/rejects.failed.parquet), since it does not replace the outputs of an
// earlier run. A successful run removes it.
func FailedRejectsPath(workdir string) string {
	return filepath.Join(workdir, "data", "raw", "rejects.failed.parquet")
}

// Run ingests cfg.Inputs into data/raw under cfg.Workdir. The caller holds the workdir lock
// (see internal/stage).
func Run(ctx context.Context, cfg Config) (*Result, error) {
	start := time.Now()
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	if len(cfg.Inputs) == 0 {
		return nil, errors.New("ingest: no input: pass --input FILE (or a folder for --preset onet or linkedin)")
	}
	for _, in := range cfg.Inputs {
		if _, err := os.Stat(in); err != nil {
			return nil, fmt.Errorf("ingest: input %w", err)
		}
	}
	maxShare := cfg.MaxRejectShare
	if maxShare == 0 {
		maxShare = DefaultMaxRejectShare
	}
	if maxShare < 0 || maxShare > 1 {
		return nil, fmt.Errorf("ingest: the largest share of rejected records is %g; want a number from 0 to 1", cfg.MaxRejectShare)
	}
	preset, err := resolvePreset(cfg)
	if err != nil {
		return nil, err
	}
	src, err := newSource(preset, cfg)
	if err != nil {
		return nil, err
	}
	postingsPath, rejectsPath := OutputPaths(cfg.Workdir)
	res := &Result{Postings: postingsPath, Rejects: rejectsPath, Preset: preset}
	var inputs []stage.Input
	for _, f := range src.files() {
		inputs = append(inputs, stage.Input{Path: f})
	}
	r, err := stage.Begin(stage.Spec{Name: StageName, Workdir: cfg.Workdir, Algorithm: Algorithm, Version: cfg.Version,
		Inputs: inputs,
		Params: map[string]any{"preset": preset, "map": cfg.Map.String(), "format": cfg.Format.String(),
			"encoding": cfg.Encoding.String(), "max_reject_share": maxShare},
		Outputs: []string{postingsPath, rejectsPath}, Force: cfg.Force, HashLate: true, Log: log})
	if err != nil {
		return nil, err
	}
	defer r.Abort()
	if r.UpToDate() {
		m := r.Previous()
		res.Skipped = true
		res.RowsIn, res.RowsOut, res.Joined, res.Rejected = m.Rows["in"], m.Rows["out"], m.Rows["joined"], m.Rows["rejected"]
		return res, nil
	}
	if err := work(ctx, r, src, cfg, maxShare, res, log); err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	res.Wall = time.Since(start)
	m := manifest.Manifest{
		Rows: map[string]int64{
			"in": res.RowsIn, "out": res.RowsOut, "joined": res.Joined, "rejected": res.Rejected,
		},
		Notes: map[string]any{"files": res.Files, "rows_add_up": "in = out + joined + rejected",
			"rejected_by_kind": res.RejectedByKind},
		Started:     start.UTC(),
		WallSeconds: res.Wall.Seconds(),
	}
	if err := r.Publish(m, nil); err != nil {
		return nil, err
	}
	failedPath := FailedRejectsPath(cfg.Workdir)
	if err := os.Remove(failedPath); err != nil && !errors.Is(err, os.ErrNotExist) {
		log.Warn("ingest: cannot remove the rejects of an earlier failed run", "path", failedPath, "err", err)
	}
	attrs := []any{"in", res.RowsIn, "postings", res.RowsOut, "joined", res.Joined, "rejected", res.Rejected}
	if res.Decoded > 0 {
		attrs = append(attrs, "fields_decoded_from_8bit", res.Decoded)
	}
	if res.InvalidUTF8 > 0 {
		attrs = append(attrs, "fields_with_replaced_bytes", res.InvalidUTF8)
	}
	log.Info("ingest: done", append(attrs, "seconds", fmt.Sprintf("%.1f", res.Wall.Seconds()))...)
	return res, nil
}

// work reads src into the outputs, which it registers with r (the rejects first, the postings
// that later stages read last), hands r the inputs' hashes when it had to take them itself
// (see lateHashes), and fills res.
func work(ctx context.Context, r *stage.Runner, src source, cfg Config, maxShare float64, res *Result, log *slog.Logger) error {
	hashes := lateHashes(r, src)
	extras, err := src.extraColumns()
	if err != nil {
		return err
	}
	out, err := newSink(res.Postings, res.Rejects, FailedRejectsPath(cfg.Workdir), extras)
	if err != nil {
		return err
	}
	defer out.abort()
	log.Info("ingest: reading", "preset", res.Preset, "inputs", strings.Join(src.files(), " "))
	if err := src.run(ctx, out); err != nil {
		return err
	}
	if hashes != nil {
		refs, err := hashes()
		if err != nil {
			return err
		}
		if err := r.SetInputHashes(refs); err != nil {
			return err
		}
	}
	res.Files = out.fileStats()
	for _, f := range res.Files {
		res.RowsIn += f.Records
		res.RowsOut += f.Postings
		res.Joined += f.Joined
		res.Rejected += f.Rejected
		res.InvalidUTF8 += f.InvalidUTF8
		res.Decoded += f.Decoded
	}
	res.RejectedByKind = out.byKind
	if res.RowsIn != res.RowsOut+res.Joined+res.Rejected {
		return fmt.Errorf("internal error: %d records in but %d postings + %d joined + %d rejected",
			res.RowsIn, res.RowsOut, res.Joined, res.Rejected)
	}
	warnText(log, res.Files, cfg.Encoding)
	if err := out.checkRejectShare(res.RowsIn, maxShare); err != nil {
		return err
	}
	return out.stage(r)
}

// lateHashes arranges for src's inputs to be hashed while they are read, when the stage
// runner left the hashing to the stage (nothing could be up to date, so it did not need the
// hashes to decide), and returns the function that returns them after the read (nil when the
// runner has them already). A table source hashes the bytes its reader reads anyway (on the
// reader's read-ahead goroutine, see tabular.Options.Tee); other sources' files are hashed on
// a goroutine of their own.
func lateHashes(r *stage.Runner, src source) func() ([]manifest.FileRef, error) {
	if r.Hashed() {
		return nil
	}
	files := src.files()
	if t, ok := src.(*tableSource); ok {
		t.hashes = map[string]manifest.FileRef{}
		return func() ([]manifest.FileRef, error) {
			refs := make([]manifest.FileRef, 0, len(files))
			for _, p := range files {
				ref, ok := t.hashes[p]
				if !ok { // not read to its end as text (a Parquet file): hash it now
					var err error
					if ref, err = manifest.HashFile(p, nil); err != nil {
						return nil, err
					}
				}
				refs = append(refs, ref)
			}
			return refs, nil
		}
	}
	type result struct {
		refs []manifest.FileRef
		err  error
	}
	ch := make(chan result, 1)
	go func() {
		refs, err := manifest.HashInputs("", files)
		ch <- result{refs, err}
	}()
	return func() ([]manifest.FileRef, error) {
		res := <-ch
		return res.refs, res.err
	}
}

// teeHash hashes the bytes written to it and counts them.
type teeHash struct {
	h hash.Hash
	n int64
}

func (t *teeHash) Write(p []byte) (int, error) {
	t.n += int64(len(p))
	return t.h.Write(p)
}

// resolvePreset returns the preset to use, recognising the source when cfg.Preset is "auto".
func resolvePreset(cfg Config) (string, error) {
	p := strings.ToLower(cfg.Preset)
	if p == "" {
		p = "auto"
	}
	switch p {
	case "kaggle", "linkedin", "onet":
		return p, nil
	case "map":
		if len(cfg.Map) == 0 {
			return "", errors.New("ingest: --preset map needs --map role=<column>,skills=<column>")
		}
		return "map", nil
	case "auto":
	default:
		return "", fmt.Errorf("ingest: unknown preset %q; presets are: %s (or give --map)", cfg.Preset, strings.Join(Presets, ", "))
	}
	if len(cfg.Map) > 0 {
		return "map", nil
	}
	first := cfg.Inputs[0]
	if st, err := os.Stat(first); err == nil && st.IsDir() {
		if _, err := os.Stat(filepath.Join(first, onetOccupationFile)); err == nil {
			return "onet", nil
		}
		if _, err := findLinkedInFiles(first); err == nil {
			return "linkedin", nil
		}
		return "", fmt.Errorf("ingest: %s is a folder but neither an O*NET database (no %q) nor a LinkedIn folder; pass files, or --preset", first, onetOccupationFile)
	}
	r, err := tabular.Open(first, tabular.Options{Format: cfg.Format, Encoding: cfg.Encoding})
	if err != nil {
		return "", fmt.Errorf("ingest: %w", err)
	}
	header := r.Header()
	r.Close()
	if tabular.FindColumn(header, "Role") >= 0 && tabular.FindColumn(header, "skills") >= 0 {
		return "kaggle", nil
	}
	if tabular.FindColumn(header, "job_link") >= 0 && (tabular.FindColumn(header, "job_skills") >= 0 || tabular.FindColumn(header, "job_title") >= 0) {
		return "linkedin", nil
	}
	return "", fmt.Errorf("ingest: cannot tell the preset of %s from its columns (%s); pass --preset kaggle|linkedin|onet, or --map role=<column>,skills=<column>",
		first, quoteList(header))
}

// source reads postings from one kind of raw source into a sink.
type source interface {
	files() []string
	// extraColumns names the columns of the raw table's extras group: the source columns
	// that no field is mapped to, in the order they first appear.
	extraColumns() ([]string, error)
	run(ctx context.Context, out *sink) error
}

func newSource(preset string, cfg Config) (source, error) {
	switch preset {
	case "kaggle":
		m := Mapping{}
		for k, v := range kaggleMapping {
			m[k] = v
		}
		for k, v := range cfg.Map {
			m[k] = v
		}
		return &tableSource{name: "kaggle", paths: cfg.Inputs, mapping: m, opts: textOptions(cfg)}, nil
	case "map":
		return &tableSource{name: "map", paths: cfg.Inputs, mapping: cfg.Map, opts: textOptions(cfg)}, nil
	case "linkedin":
		return newLinkedInSource(cfg.Inputs, textOptions(cfg))
	case "onet":
		if len(cfg.Inputs) != 1 {
			return nil, errors.New("ingest: --preset onet takes one --input: the O*NET database folder")
		}
		return newONETSource(cfg.Inputs[0], cfg.Encoding)
	}
	return nil, fmt.Errorf("ingest: unknown preset %q", preset)
}

// textOptions returns the reader options of cfg: the format and the encoding.
func textOptions(cfg Config) tabular.Options {
	return tabular.Options{Format: cfg.Format, Encoding: cfg.Encoding}
}

// tableSource reads one or more tabular files through a column mapping.
type tableSource struct {
	name    string
	paths   []string
	mapping Mapping
	opts    tabular.Options
	// extraPos holds, per file, the extras position of each column (-1 for mapped columns);
	// extraColumns fills it.
	extraPos [][]int
	// hashes, when not nil, receives the manifest.FileRef of each file read to its end,
	// hashed while it is read (see lateHashes).
	hashes map[string]manifest.FileRef
}

func (s *tableSource) files() []string { return s.paths }

// extraColumns reads the header of every file (all of a JSON Lines file, whose header grows
// as later records bring new keys) and returns the union of their unmapped columns, named by
// records.ExtraColumnNames, in the order they first appear.
func (s *tableSource) extraColumns() ([]string, error) {
	var names []string
	pos := map[string]int{}
	s.extraPos = make([][]int, len(s.paths))
	for fi, path := range s.paths {
		first, full, err := fileHeaders(path, s.opts)
		if err != nil {
			return nil, err
		}
		cols, err := s.mapping.columns(path, first)
		if err != nil {
			return nil, err
		}
		mapped := make([]bool, len(full))
		for _, i := range cols {
			if i >= 0 {
				mapped[i] = true
			}
		}
		unique := records.ExtraColumnNames(full)
		fp := make([]int, len(full))
		for i, name := range unique {
			if mapped[i] {
				fp[i] = -1
				continue
			}
			j, ok := pos[name]
			if !ok {
				j = len(names)
				pos[name] = j
				names = append(names, name)
			}
			fp[i] = j
		}
		s.extraPos[fi] = fp
	}
	return names, nil
}

// fileHeaders returns the header of a tabular file as it stands before the first record, and
// as it stands after the last (they differ only for JSON Lines, which is read through).
func fileHeaders(path string, opts tabular.Options) (first, full []string, err error) {
	r, err := tabular.Open(path, opts)
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	first = slices.Clone(r.Header())
	if r.Format() != tabular.FormatJSONL {
		return first, first, nil
	}
	for {
		if _, err := r.Next(); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, nil, err
		}
	}
	return first, slices.Clone(r.Header()), nil
}

func (s *tableSource) run(ctx context.Context, out *sink) error {
	if s.extraPos == nil {
		if _, err := s.extraColumns(); err != nil {
			return err
		}
	}
	for i, p := range s.paths {
		if err := s.readFile(ctx, p, s.extraPos[i], out); err != nil {
			return err
		}
	}
	return nil
}

// readFile reads one file; extraPos gives the extras position of each column (-1: mapped).
func (s *tableSource) readFile(ctx context.Context, path string, extraPos []int, out *sink) error {
	opts := s.opts
	var (
		tee  *teeHash
		stat os.FileInfo
	)
	if s.hashes != nil {
		var err error
		if stat, err = os.Stat(path); err != nil {
			return fmt.Errorf("hash %s: %w", path, err)
		}
		tee = &teeHash{h: sha256.New()}
		opts.Tee = tee
	}
	r, err := tabular.Open(path, opts)
	if err != nil {
		return err
	}
	defer func() {
		r.Close() // after it, nothing writes to tee
		// Keep the hash if every byte went through it (not so for Parquet, read at random).
		if tee != nil && tee.n == stat.Size() && r.Format() != tabular.FormatParquet {
			s.hashes[path] = manifest.FileRef{Path: path, Size: stat.Size(), ModTime: stat.ModTime().UTC(),
				SHA256: hex.EncodeToString(tee.h.Sum(nil))}
		}
	}()
	cols, err := s.mapping.columns(path, r.Header())
	if err != nil {
		return err
	}
	// The mapped columns by field, in an array: a map lookup per field and record costs more
	// than the rest of the record's mapping.
	var (
		id, role, title    = cols[FieldID], cols[FieldRole], cols[FieldTitle]
		skills, desc, resp = cols[FieldSkills], cols[FieldDescription], cols[FieldResponsibilities]
		base               = filepath.Base(path)
		st                 = out.stats(path)
		bar                = progress.Bytes(fileSize(path), "ingest "+base)
	)
	defer bar.Finish()
	return eachRecord(ctx, r, path, s.name, st, out, bar, func(rec *tabular.Record) error {
		f := rec.Fields
		get := func(i int) string {
			if i < 0 || i >= len(f) {
				return ""
			}
			return f[i]
		}
		p, extras := out.scratch()
		*p = records.RawPosting{
			Source: s.name, SourceFile: base, SourceRow: rec.Row, SourceLine: rec.Line,
			PostingID: get(id), Role: get(role), Title: get(title), Skills: get(skills),
			Description: get(desc), Responsibilities: get(resp),
		}
		for i, v := range f {
			if v != "" && i < len(extraPos) && extraPos[i] >= 0 {
				extras[extraPos[i]] = v
			}
		}
		return out.write(st)
	})
}

func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return -1
	}
	return st.Size()
}

// sink writes postings and rejects, and counts per file. The reading goroutine fills batches
// of postings; a goroutine of the sink's own hands them to a records.RawWriter, which encodes
// them column by column and compresses and writes full row groups on a third goroutine, so
// that reading, encoding and compressing use every core. Batches are reused: a posting costs
// no allocation of its own. The writer is made once sampleRows postings are in: which extras
// columns are written without a dictionary is decided from them (see plainExtra).
type sink struct {
	raw     *records.RawWriter
	rawPath string
	extras  []string
	batch   *rawBatch
	ch      chan *rawBatch
	free    chan *rawBatch
	done    chan error
	stopped bool
	// encErr is the encoding goroutine's first error, for the reading side to stop early.
	encErr  atomic.Pointer[error]
	rejects *parquetio.Writer[records.Reject]
	// failed receives the rejects too, and is published instead of the outputs when the run
	// rejects too many records (see checkRejectShare).
	failed     *parquetio.Writer[records.Reject]
	failedPath string
	extraPos   map[string]int // extras column position by name, for sources that give key/value pairs
	files      map[string]*FileStats
	order      []string
	rejErr     error
	paths      []string
	// staged is true once the outputs are handed to the stage runner, which publishes or
	// discards them.
	staged   bool
	byKind   map[string]int64
	examples map[string]string // the first reason of each kind
}

const (
	// sinkBatch is the number of postings handed to the encoding goroutine at a time.
	sinkBatch = 1024
	// sampleRows is the number of postings that decide which extras columns rarely repeat.
	sampleRows = 4096
)

// rawBatch is a batch of postings on their way to the raw writer: rows[i]'s extras are
// extras[i*n:(i+1)*n] for n extras columns ("" where the record has no value).
type rawBatch struct {
	rows   []records.RawPosting
	extras []string
}

func newSink(postingsPath, rejectsPath, failedPath string, extras []string) (*sink, error) {
	rw, err := parquetio.Create[records.Reject](rejectsPath)
	if err != nil {
		return nil, err
	}
	fw, err := parquetio.Create[records.Reject](failedPath)
	if err != nil {
		rw.Abort()
		return nil, err
	}
	s := &sink{paths: []string{postingsPath, rejectsPath}, rawPath: postingsPath, extras: extras,
		ch: make(chan *rawBatch, 4), free: make(chan *rawBatch, 8), done: make(chan error, 1),
		rejects: rw, failed: fw, failedPath: failedPath,
		extraPos: map[string]int{}, files: map[string]*FileStats{},
		byKind: map[string]int64{}, examples: map[string]string{}}
	for i, e := range extras {
		s.extraPos[e] = i
	}
	go s.encode()
	return s, nil
}

// encode writes the batches it is handed to the raw writer, making it from the first
// sampleRows postings.
func (s *sink) encode() {
	var (
		err     error
		pending []*rawBatch
		held    int
	)
	for b := range s.ch {
		if err != nil {
			continue
		}
		if s.raw == nil {
			pending = append(pending, b)
			if held += len(b.rows); held < sampleRows {
				continue
			}
			err = s.start(pending)
			pending = nil
		} else {
			err = s.writeBatch(b)
			s.recycle(b)
		}
		if err != nil {
			s.encErr.Store(&err)
		}
	}
	if err == nil && s.raw == nil {
		err = s.start(pending)
	}
	s.done <- err
}

// start makes the raw writer, with the extras columns that the pending postings show to
// rarely repeat written plain, and writes them.
func (s *sink) start(pending []*rawBatch) error {
	cols := make([]records.ExtraColumn, len(s.extras))
	for i, name := range s.extras {
		cols[i] = records.ExtraColumn{Name: name, Plain: plainExtra(pending, i, len(s.extras))}
	}
	w, err := records.CreateRaw(s.rawPath, cols)
	if err != nil {
		return err
	}
	s.raw = w
	for _, b := range pending {
		if err := s.writeBatch(b); err != nil {
			return err
		}
		s.recycle(b)
	}
	return nil
}

func (s *sink) writeBatch(b *rawBatch) error {
	n := len(s.extras)
	for i := range b.rows {
		if err := s.raw.Write(&b.rows[i], b.extras[i*n:(i+1)*n]); err != nil {
			return err
		}
	}
	return nil
}

// recycle offers a written batch for reuse.
func (s *sink) recycle(b *rawBatch) {
	b.rows, b.extras = b.rows[:0], b.extras[:0]
	select {
	case s.free <- b:
	default:
	}
}

// plainExtra reports whether extras column i (of n) rarely repeats in the sample: at least 16
// values, nine in ten of them distinct. A dictionary would then cost more than it saves.
func plainExtra(sample []*rawBatch, i, n int) bool {
	seen := map[string]struct{}{}
	values := 0
	for _, b := range sample {
		for r := range b.rows {
			if v := b.extras[r*n+i]; v != "" {
				values++
				seen[v] = struct{}{}
			}
		}
	}
	return values >= 16 && 10*len(seen) > 9*values
}

// scratch returns where to put the next posting: an empty posting and its extras (one ""
// per extras column). Fill them, then call write.
func (s *sink) scratch() (*records.RawPosting, []string) {
	b := s.batch
	if b == nil {
		select {
		case b = <-s.free:
		default:
			b = &rawBatch{rows: make([]records.RawPosting, 0, sinkBatch), extras: make([]string, 0, sinkBatch*len(s.extras))}
		}
		s.batch = b
	}
	b.rows = append(b.rows, records.RawPosting{})
	n := len(b.extras)
	b.extras = append(b.extras, make([]string, len(s.extras))...)
	return &b.rows[len(b.rows)-1], b.extras[n:]
}

// write counts the posting that scratch gave, now filled, as one of st's, and hands the
// batch to the encoding goroutine when it is full.
func (s *sink) write(st *FileStats) error {
	st.Postings++
	if len(s.batch.rows) < sinkBatch {
		return nil
	}
	return s.send()
}

// send hands the current batch to the encoding goroutine.
func (s *sink) send() error {
	if p := s.encErr.Load(); p != nil {
		return *p
	}
	if s.batch != nil && len(s.batch.rows) > 0 {
		s.ch <- s.batch
	}
	s.batch = nil
	return nil
}

func (s *sink) stats(file string) *FileStats {
	st, ok := s.files[file]
	if !ok {
		st = &FileStats{File: file}
		s.files[file] = st
		s.order = append(s.order, file)
	}
	return st
}

func (s *sink) fileStats() []FileStats {
	out := make([]FileStats, 0, len(s.order))
	for _, f := range s.order {
		out = append(out, *s.files[f])
	}
	return out
}

// posting writes p, whose Extras name their columns (each must be one of the sink's).
func (s *sink) posting(st *FileStats, p records.RawPosting) error {
	dst, extras := s.scratch()
	for _, e := range p.Extras {
		i, ok := s.extraPos[e.Key]
		if !ok {
			return fmt.Errorf("internal error: extra column %q was not declared", e.Key)
		}
		extras[i] = e.Value
	}
	p.Extras = nil
	*dst = p
	return s.write(st)
}

func (s *sink) reject(st *FileStats, r records.Reject) {
	st.Rejected++
	s.byKind[r.Kind]++
	if _, ok := s.examples[r.Kind]; !ok {
		s.examples[r.Kind] = r.Reason
	}
	for _, w := range []*parquetio.Writer[records.Reject]{s.rejects, s.failed} {
		if err := w.Write(r); err != nil && s.rejErr == nil {
			s.rejErr = err
		}
	}
}

// finish hands over the last batch and waits for the encoding goroutine to write everything.
func (s *sink) finish() error {
	if s.stopped {
		return nil
	}
	s.stopped = true
	err := s.send()
	close(s.ch)
	if derr := <-s.done; derr != nil {
		return derr
	}
	return err
}

// stage finishes writing and registers the rejects and the postings with r, which publishes
// them together.
func (s *sink) stage(r *stage.Runner) error {
	if err := s.finish(); err != nil {
		return err
	}
	if s.rejErr != nil {
		return s.rejErr
	}
	s.failed.Abort()
	r.Add(s.paths[1], s.rejects)
	r.Add(s.paths[0], s.raw)
	s.staged = true
	return nil
}

// publishFailed puts the rejects of a failed run in their own file (FailedRejectsPath),
// leaving the outputs of an earlier run as they are.
func (s *sink) publishFailed() error {
	if err := s.finish(); err != nil {
		return err
	}
	if s.rejErr != nil {
		return s.rejErr
	}
	return s.failed.Commit()
}

// abort discards the outputs, unless they were handed to the stage runner (see stage), and
// the failed run's rejects.
func (s *sink) abort() {
	s.finish()
	if s.staged {
		return
	}
	if s.raw != nil {
		s.raw.Abort()
	}
	s.rejects.Abort()
	s.failed.Abort()
}

// errKind returns the category of a record-level read error, for counting rejects by reason.
func errKind(err error) string {
	var re *tabular.RecordError
	if errors.As(err, &re) && re.Kind != nil {
		return re.Kind.Error()
	}
	return "unreadable record"
}

// eachRecord reads every record of r (the file at path): it checks ctx and moves bar every few
// thousand records, counts each record in st, writes unreadable ones to the rejects (as
// source), and calls fn with the readable ones.
func eachRecord(ctx context.Context, r tabular.Reader, path, source string, st *FileStats, out *sink, bar *progress.Bar, fn func(rec *tabular.Record) error) error {
	base := filepath.Base(path)
	for n := 0; ; n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if p, ok := r.(tabular.Progresser); ok {
				bar.Set(p.InputOffset())
			}
		}
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		st.Records++
		if rec.Err != nil {
			out.reject(st, records.Reject{
				Stage: StageName, Source: source, SourceFile: base, SourceRow: rec.Row, SourceLine: rec.Line,
				Kind: errKind(rec.Err), Reason: rec.Err.Error(), Raw: string(rec.Raw),
			})
			continue
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
	addTextReport(st, r)
	return nil
}

// addTextReport records in st how r decoded the file's text.
func addTextReport(st *FileStats, r tabular.Reader) {
	tr, ok := r.(tabular.TextReporter)
	if !ok {
		return
	}
	rep := tr.TextReport()
	st.Encoding = rep.Encoding
	st.InvalidUTF8 += rep.Replaced
	st.Decoded += rep.Decoded
	if rep.FirstReplaced != nil && st.FirstInvalidUTF8 == "" {
		st.FirstInvalidUTF8 = rep.FirstReplaced.String()
	}
	if rep.FirstDecoded != nil && st.FirstDecoded == "" {
		st.FirstDecoded = rep.FirstDecoded.String()
	}
}

// warnText logs a warning for each file whose text was decoded from an 8-bit encoding that
// was not asked for, or had bytes replaced with U+FFFD.
func warnText(log *slog.Logger, files []FileStats, enc tabular.Encoding) {
	for _, f := range files {
		if f.Decoded > 0 && enc == tabular.EncodingAuto {
			log.Warn(fmt.Sprintf("ingest: %s is not all UTF-8: read %d fields as %s (the first at %s); pass --encoding utf-8|windows-1252|latin-1 to choose",
				f.File, f.Decoded, f.Encoding, f.FirstDecoded))
		}
		if f.InvalidUTF8 > 0 {
			log.Warn(fmt.Sprintf("ingest: %s: %d fields held bytes that are not valid %s and were replaced with U+FFFD (the first at %s); pass --encoding if the file has another encoding",
				f.File, f.InvalidUTF8, f.Encoding, f.FirstInvalidUTF8))
		}
	}
}
