package recommend

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/skillx/skillx/internal/atomicfile"
	"github.com/skillx/skillx/internal/csvsafe"
	stagerun "github.com/skillx/skillx/internal/stage"
	"github.com/skillx/skillx/internal/textsafe"
)

// SummaryHeader is the header of summary.csv.
var SummaryHeader = []string{"user_id", "row", "status", "analyst", "file", "final_roles",
	"prompt_tokens", "output_tokens", "latency_ms", "cached", "failure_stage"}

// summaryRecord returns the row of summary.csv of one person. tokens and latency are those of
// the report (0 for a report answered from Gemini's cache); a person whose report was already
// up to date has status "unchanged" and the figures of that report; a failed person has the
// tokens its failed replies were billed. Control characters are removed (role names of the
// catalog are data too); csvsafe makes the cells safe when the row is written.
func summaryRecord(o Outcome) []string {
	rec := []string{o.UserID, strconv.FormatInt(o.Row, 10), o.Status, o.Analyst, "", strings.Join(o.Roles, " | "),
		strconv.Itoa(o.Usage.PromptTokens), strconv.Itoa(o.Usage.OutputTokens),
		strconv.FormatFloat(o.Usage.LatencyMS, 'f', 1, 64), strconv.FormatBool(o.Usage.Cached), ""}
	if o.JSON != "" {
		rec[4] = filepath.Base(o.JSON)
	}
	if o.Failure != nil {
		rec[10] = o.Failure.Stage
	}
	for i := range rec {
		rec[i] = textsafe.Strip(rec[i])
	}
	return rec
}

// bulkOutputs are summary.csv, failures.jsonl and the index of a run over a users file. Rows
// are added as people are done, in input order, to temporary files that publish puts in place
// together at the end (a crash or a kill leaves the previous files): summary.csv has one row
// per person, failures.jsonl one JSON object per failed person. Every cell of summary.csv goes
// through csvsafe (a cell that a spreadsheet would run as a formula starts with a single
// quote).
type bulkOutputs struct {
	summaryPath, failuresPath string
	summary, failures         *atomicfile.File
	csv                       *csvsafe.Writer
	json                      *json.Encoder
	index                     *indexWriter
}

// createOutputs starts the outputs of the reports folder dir.
func createOutputs(dir string) (_ *bulkOutputs, err error) {
	b := &bulkOutputs{}
	b.summaryPath, b.failuresPath = OutputPaths(dir)
	defer func() {
		if err != nil {
			b.abort()
		}
	}()
	if b.summary, err = atomicfile.Create(b.summaryPath); err != nil {
		return nil, err
	}
	if b.failures, err = atomicfile.Create(b.failuresPath); err != nil {
		return nil, err
	}
	if b.index, err = newIndexWriter(dir); err != nil {
		return nil, err
	}
	b.csv = csvsafe.NewWriter(b.summary)
	b.json = json.NewEncoder(b.failures)
	b.json.SetEscapeHTML(false)
	if err := b.csv.Write(SummaryHeader); err != nil {
		return nil, fmt.Errorf("write %s: %w", b.summaryPath, err)
	}
	return b, nil
}

// add writes the outcome of the next person; id and check are the person's index entry
// (check 0: none).
func (b *bulkOutputs) add(o Outcome, id, check uint64) error {
	if err := b.csv.Write(summaryRecord(o)); err != nil {
		return fmt.Errorf("write %s: %w", b.summaryPath, err)
	}
	if o.Failure != nil {
		if err := b.json.Encode(o.Failure); err != nil {
			return fmt.Errorf("write %s: %w", b.failuresPath, err)
		}
	}
	if check != 0 {
		return b.index.add(id, check, indexRecord{usage: o.Usage, roles: o.Roles})
	}
	return nil
}

// finish ends summary.csv and failures.jsonl and hands them to the stage runner, which puts
// them in place with their manifests (Runner.Publish, with publishIndex before the renames).
func (b *bulkOutputs) finish(run *stagerun.Runner) error {
	b.csv.Flush()
	if err := b.csv.Error(); err != nil {
		return fmt.Errorf("write %s: %w", b.summaryPath, err)
	}
	run.Add(b.summaryPath, b.summary)
	run.Add(b.failuresPath, b.failures)
	return nil
}

// publishIndex puts the index in place. It is no output of the stage (no manifest): a cache
// of the reports' keys, which the next run checks against the reports themselves.
func (b *bulkOutputs) publishIndex() error {
	if err := b.index.f.Prepare(); err != nil {
		return err
	}
	return b.index.f.Publish()
}

// abort discards the files.
func (b *bulkOutputs) abort() {
	for _, f := range []*atomicfile.File{b.summary, b.failures} {
		if f != nil {
			f.Abort()
		}
	}
	if b.index != nil {
		b.index.f.Abort()
	}
}

// checkOutDir returns the folder the reports of dir really go to. A folder that is inside
// workdir by its path but outside it in fact (a symbolic link on the way, as reports/users ->
// /elsewhere) is an error unless allow is set, and then its real path is returned so that
// every message names it. Any other folder is returned as it is.
func checkOutDir(workdir, dir string, allow bool) (string, error) {
	absWork, err := filepath.Abs(workdir)
	if err != nil {
		return "", fmt.Errorf("workdir %s: %w", workdir, err)
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("reports folder %s: %w", dir, err)
	}
	if !within(absDir, absWork) {
		return dir, nil // chosen outside the workdir
	}
	real := realPath(absDir)
	if within(real, realPath(absWork)) {
		return dir, nil
	}
	if !allow {
		return "", fmt.Errorf("the reports folder %s is a link to %s, outside the workdir %s: "+
			"pass --allow-outside-workdir to write there, or --out to choose the folder", dir, real, workdir)
	}
	return real, nil
}

// realPath returns path with every symbolic link resolved, as far as path exists (the rest
// is appended as it is).
func realPath(path string) string {
	rest := ""
	for {
		if r, err := filepath.EvalSymlinks(path); err == nil {
			return filepath.Join(r, rest)
		}
		parent := filepath.Dir(path)
		if parent == path {
			return filepath.Join(path, rest)
		}
		rest = filepath.Join(filepath.Base(path), rest)
		path = parent
	}
}

// within reports whether path is root or inside it (both absolute and clean).
func within(path, root string) bool {
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
