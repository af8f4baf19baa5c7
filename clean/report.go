package clean

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/skillx/skillx/internal/atomicfile"
	"github.com/skillx/skillx/internal/skillsplit"
)

// SplitterVersion changes whenever skillsplit.Split, NormalizeRole or NormalizeText change
// what they return, so that a new version reruns the stage on unchanged inputs.
const SplitterVersion = skillsplit.Version

// stageSummary writes reports/clean/summary.json and summary.md to temporary files, to be
// published with the other outputs.
func stageSummary(paths Paths, res *Result) ([2]*atomicfile.File, error) {
	var out [2]*atomicfile.File
	data, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return out, fmt.Errorf("encode summary: %w", err)
	}
	if out[0], err = atomicfile.Stage(paths.SummaryJSON, append(data, '\n')); err != nil {
		return out, err
	}
	if out[1], err = atomicfile.Stage(paths.SummaryMD, []byte(SummaryMarkdown(res))); err != nil {
		out[0].Abort()
		return out, err
	}
	return out, nil
}

// SummaryMarkdown renders the clean report.
func SummaryMarkdown(res *Result) string {
	var b strings.Builder
	b.WriteString("# Clean report\n\n")
	b.WriteString("| | count |\n|---|---:|\n")
	row := func(name string, n int64) { fmt.Fprintf(&b, "| %s | %d |\n", name, n) }
	row("records read from the sources", res.SourceRecords)
	row("rejected by ingest (unreadable records, or records with nothing to join)", res.IngestRejected)
	row("merged by ingest into a posting of another file (joins)", res.IngestJoined)
	row("raw postings", res.RawPostings)
	row("rejected by clean", res.Rejected)
	row("duplicates merged: same role (ignoring case), skills text and description after trimming and collapsing whitespace", res.Duplicates)
	row("distinct postings written", res.Postings)
	row("distinct roles", res.Roles)
	row("distinct skills texts", res.SkillsTexts)
	row("distinct skill phrases", res.SkillPhrases)
	row("roles with a single distinct skills text", res.SingleTextRoles)
	fmt.Fprintf(&b, "\nEvery source record is accounted for: %d raw postings = %d distinct postings + %d duplicates + %d rejected by clean.\n",
		res.RawPostings, res.Postings, res.Duplicates, res.Rejected)
	b.WriteString("\nDuplicates are postings with the same role (ignoring case) and the same skills text and description once leading and " +
		"trailing whitespace is trimmed and every run of whitespace (spaces, tabs, line breaks) is collapsed to one space; they are not " +
		"byte-for-byte copies. Skills texts that differ only in their line breaks split into different phrases and are kept apart.\n")

	if len(res.RejectedByKind) > 0 {
		b.WriteString("\n## Rejected, by reason\n\n| reason | records |\n|---|---:|\n")
		kinds := make([]string, 0, len(res.RejectedByKind))
		for k := range res.RejectedByKind {
			kinds = append(kinds, k)
		}
		sort.Slice(kinds, func(i, j int) bool {
			if res.RejectedByKind[kinds[i]] != res.RejectedByKind[kinds[j]] {
				return res.RejectedByKind[kinds[i]] > res.RejectedByKind[kinds[j]]
			}
			return kinds[i] < kinds[j]
		})
		for _, k := range kinds {
			fmt.Fprintf(&b, "| %s | %d |\n", k, res.RejectedByKind[k])
		}
		b.WriteString("\nEach rejected record, with its file, row, line, field and reason, is in `data/clean/rejects.parquet`.\n")
	}

	writeSourceText(&b, res.Text)

	b.WriteString("\n## Train/test split\n\n")
	if res.RowLevelSplitLeaks {
		fmt.Fprintf(&b, "**Warning: a row-level train/test split of these data will leak.** %d of %d roles (%.0f%%) have a single distinct skills text, "+
			"so a random split of rows puts the same skills text with the same role on both sides, and its accuracy measures memory, not skill. "+
			"Split by distinct skills text (the evaluate stage's grouped split) instead.\n",
			res.SingleTextRoles, res.Roles, pct(res.SingleTextRoles, res.Roles))
	} else {
		fmt.Fprintf(&b, "%d of %d roles (%.0f%%) have a single distinct skills text. A row-level split still repeats texts across the sides "+
			"wherever postings share a skills text; split by distinct skills text for an honest figure.\n",
			res.SingleTextRoles, res.Roles, pct(res.SingleTextRoles, res.Roles))
	}
	return b.String()
}

func pct(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}
