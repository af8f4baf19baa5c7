package recommend

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/skillx/skillx/internal/atomicfile"
)

// SummaryHeader is the header of summary.csv.
var SummaryHeader = []string{"user_id", "row", "status", "analyst", "file", "final_roles",
	"prompt_tokens", "output_tokens", "latency_ms", "cached", "failure_stage"}

// writeSummary writes summary.csv atomically: one row per person, in input order. tokens and
// latency are those of the report (0 for a report answered from Gemini's cache); a person
// whose report was already up to date has status "unchanged" and the figures of that report.
func writeSummary(path string, outcomes []Outcome) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
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
