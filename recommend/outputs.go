package recommend

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/skillx/skillx/internal/atomicfile"
	"github.com/skillx/skillx/internal/csvsafe"
	"github.com/skillx/skillx/internal/textsafe"
)

// SummaryHeader is the header of summary.csv.
var SummaryHeader = []string{"user_id", "row", "status", "analyst", "file", "final_roles",
	"prompt_tokens", "output_tokens", "latency_ms", "cached", "failure_stage"}

// writeSummary writes summary.csv atomically: one row per person, in input order. tokens and
// latency are those of the report (0 for a report answered from Gemini's cache); a person
// whose report was already up to date has status "unchanged" and the figures of that report;
// a failed person has the tokens its failed replies were billed. Every cell goes through
// csvsafe (a cell that a spreadsheet would run as a formula starts with a single quote).
func writeSummary(path string, outcomes []Outcome) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		cw := csvsafe.NewWriter(w)
		if err := cw.Write(SummaryHeader); err != nil {
			return err
		}
		for _, o := range outcomes {
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
				rec[i] = textsafe.Strip(rec[i]) // role names of the catalog are data too
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		return nil
	})
}

// writeFailures writes failures.jsonl atomically: one JSON object per failed person.
func writeFailures(path string, failures []Failure) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		for _, f := range failures {
			if err := enc.Encode(f); err != nil {
				return fmt.Errorf("write %s: %w", path, err)
			}
		}
		return nil
	})
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
