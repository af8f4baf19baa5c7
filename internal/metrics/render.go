package metrics

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// MarkdownHeader is the header and separator of the Markdown table whose rows MarkdownTable
// writes.
const MarkdownHeader = "| model | N | top-1 | top-5 | macro-F1 |\n|---|---:|---:|---:|---:|\n"

// formatRatio formats a ratio with six decimals.
func formatRatio(v float64) string { return strconv.FormatFloat(v, 'f', 6, 64) }

// formatWeight formats a summed weight with as few digits as it needs.
func formatWeight(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// PerClassCSV writes one CSV row per class (label, precision, recall, f1, support) after a header
// row. Labels are quoted as RFC 4180 requires.
func (r Report) PerClassCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"label", "precision", "recall", "f1", "support"}); err != nil {
		return fmt.Errorf("write per-class csv: %w", err)
	}
	for _, s := range r.PerClass {
		row := []string{s.Label, formatRatio(s.Precision), formatRatio(s.Recall), formatRatio(s.F1), formatWeight(s.Support)}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("write per-class csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write per-class csv: %w", err)
	}
	return nil
}

// ConfusionCSV writes the full confusion matrix as CSV: a header row whose first cell is
// "true\predicted" followed by the predicted labels, then one row per true class (its label,
// then the weighted counts). Labels are quoted as RFC 4180 requires.
func (r Report) ConfusionCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	header := make([]string, 0, len(r.PerClass)+1)
	header = append(header, `true\predicted`)
	for _, s := range r.PerClass {
		header = append(header, s.Label)
	}
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write confusion csv: %w", err)
	}
	row := make([]string, len(header))
	for t, counts := range r.Confusion {
		if len(counts) != len(r.PerClass) || t >= len(r.PerClass) {
			return fmt.Errorf("write confusion csv: row %d does not match %d classes", t, len(r.PerClass))
		}
		row[0] = r.PerClass[t].Label
		for p, v := range counts {
			row[p+1] = formatWeight(v)
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("write confusion csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write confusion csv: %w", err)
	}
	return nil
}

// MarkdownTable returns one row of the metrics table that MarkdownHeader starts:
// | name | N | top-1 | top-5 | macro-F1 |, with the ratios to four decimals and a newline at the
// end. Pipes in name are escaped.
func (r Report) MarkdownTable(name string) string {
	name = strings.ReplaceAll(name, "|", `\|`)
	return fmt.Sprintf("| %s | %d | %.4f | %.4f | %.4f |\n", name, r.N, r.Top1, r.Top5, r.MacroF1)
}
