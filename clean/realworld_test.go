package clean

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/skillx/skillx/internal/manifest"
	"github.com/skillx/skillx/internal/parquetio"
	"github.com/skillx/skillx/internal/records"
)

// TestRunSplitsSourceLines checks that skills are split on the source's own line breaks, not
// after the lines were joined (issue 10).
func TestRunSplitsSourceLines(t *testing.T) {
	work := t.TempDir()
	skills := "BA/BS degree in Computer Science or equivalent practical experience.\nExperience with Java, C++ or Python."
	writeRaw(t, work, []records.RawPosting{{SourceRow: 1, Role: "Software Engineer", Skills: skills}}, nil)
	if _, err := Run(context.Background(), Config{Workdir: work, Version: "t"}); err != nil {
		t.Fatal(err)
	}
	postings, err := parquetio.ReadAll[records.CleanPosting](OutputPaths(work).Postings)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"BA/BS degree in Computer Science or equivalent practical experience", "Experience with Java, C++ or Python"}
	if !slices.Equal(postings[0].Skills, want) {
		t.Errorf("phrases = %q; want %q", postings[0].Skills, want)
	}
	if got := postings[0].SkillsText; got != strings.ReplaceAll(skills, "\n", " ") {
		t.Errorf("skills text = %q; want the text with its white space collapsed", got)
	}
}

// TestRunDuplicates checks what counts as a duplicate, and that the report says it.
func TestRunDuplicates(t *testing.T) {
	work := t.TempDir()
	raw := []records.RawPosting{
		{SourceRow: 1, Role: "Nurse", Skills: "Patient care, BLS", Description: "Cares."},
		{SourceRow: 2, Role: "NURSE", Skills: "  Patient care,   BLS ", Description: "Cares.\n"}, // white space and case: a duplicate
		{SourceRow: 3, Role: "Nurse", Skills: "Patient care, bls", Description: "Cares."},        // other text: not one
		{SourceRow: 4, Role: "Nurse", Skills: "Patient care\nBLS certification", Description: "Cares."},
		{SourceRow: 5, Role: "Nurse", Skills: "Patient care BLS certification", Description: "Cares."}, // same collapsed text, other phrases
	}
	writeRaw(t, work, raw, nil)
	res, err := Run(context.Background(), Config{Workdir: work, Version: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Duplicates != 1 || res.Postings != 4 {
		t.Errorf("duplicates %d postings %d; want 1, 4", res.Duplicates, res.Postings)
	}
	md, _ := os.ReadFile(OutputPaths(work).SummaryMD)
	for _, want := range []string{"| duplicates merged: same role (ignoring case), skills text and description after trimming and collapsing whitespace | 1 |",
		"they are not byte-for-byte copies"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("summary.md lacks %q:\n%s", want, md)
		}
	}
}

func TestRunRejectShare(t *testing.T) {
	work := t.TempDir()
	good := func(n int) []records.RawPosting {
		var p []records.RawPosting
		for i := 0; i < n; i++ {
			p = append(p, records.RawPosting{SourceFile: "jobs.csv", SourceRow: int64(i + 1), Role: fmt.Sprintf("Role %d", i), Skills: "Python"})
		}
		return p
	}
	noRole := func(p []records.RawPosting, n int) []records.RawPosting {
		for i := 0; i < n; i++ {
			p = append(p, records.RawPosting{SourceFile: "jobs.csv", SourceRow: int64(len(p) + 1), Skills: "Python"})
		}
		return p
	}
	writeRaw(t, work, good(10), nil)
	if _, err := Run(context.Background(), Config{Workdir: work, Version: "t"}); err != nil {
		t.Fatal(err)
	}
	paths := OutputPaths(work)
	before, _ := os.ReadFile(paths.Postings)
	beforeMD, _ := os.ReadFile(paths.SummaryMD)

	// 6 of 10 without a role, and one ingest reject (which does not count).
	writeRaw(t, work, noRole(good(4), 6), []records.Reject{{Stage: "ingest", Kind: "bad quoting"}})
	_, err := Run(context.Background(), Config{Workdir: work, Version: "t"})
	if err == nil {
		t.Fatal("Run with 6 of 10 postings rejected succeeded; want an error")
	}
	for _, w := range []string{"6 of 10 raw postings (60.0%) were rejected", `6 "no role" (first: jobs.csv row 5: the role is empty)`,
		"--max-reject-share 0.5", "earlier outputs are unchanged", paths.FailedRejects, "--max-reject-share 1"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q lacks %q", err, w)
		}
	}
	after, _ := os.ReadFile(paths.Postings)
	afterMD, _ := os.ReadFile(paths.SummaryMD)
	if !bytes.Equal(before, after) || !bytes.Equal(beforeMD, afterMD) {
		t.Errorf("a failed run changed %s or %s", paths.Postings, paths.SummaryMD)
	}
	if err := manifest.Check(paths.Postings, StageName); err != nil {
		t.Errorf("the earlier postings no longer match their manifest: %v", err)
	}
	kept, err := parquetio.ReadAll[records.Reject](paths.FailedRejects)
	if err != nil || len(kept) != 6 || kept[0].SourceRow != 5 || kept[0].Kind != "no role" {
		t.Errorf("failed run's rejects = %+v (%v); want clean's 6, the first row 5", kept, err)
	}

	res, err := Run(context.Background(), Config{Workdir: work, Version: "t", MaxRejectShare: 0.6})
	if err != nil {
		t.Fatalf("MaxRejectShare 0.6: %v", err)
	}
	if res.Postings != 4 || res.Rejected != 6 {
		t.Errorf("postings %d rejected %d; want 4, 6", res.Postings, res.Rejected)
	}
	if _, err := os.Stat(paths.FailedRejects); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s still there after a successful run", paths.FailedRejects)
	}
	writeRaw(t, work, noRole(good(5), 5), nil)
	if _, err := Run(context.Background(), Config{Workdir: work, Version: "t"}); err != nil {
		t.Errorf("5 of 10 rejected with the default share 0.5: %v; want success", err)
	}
}

func TestRunReportsSourceText(t *testing.T) {
	work := t.TempDir()
	writeRaw(t, work, []records.RawPosting{{SourceRow: 1, Role: "Chef", Skills: "Cooking"}}, nil)
	raw := filepath.Join(work, "data", "raw", "postings.parquet")
	m, err := manifest.Read(raw)
	if err != nil {
		t.Fatal(err)
	}
	m.Notes = map[string]any{"files": []map[string]any{
		{"file": "/src/jobs.csv", "records": 1, "encoding": "windows-1252", "decoded": 143, "first_decoded": `row 2 (line 3), field "skills"`},
		{"file": "/src/more.csv", "records": 1, "encoding": "utf-8", "invalid_utf8": 2, "first_invalid_utf8": `row 7 (line 8), field "Role"`},
		{"file": "/src/clean.csv", "records": 1, "encoding": "utf-8"},
	}}
	if err := manifest.Write(raw, *m); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	res, err := Run(context.Background(), Config{Workdir: work, Version: "t", Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Text) != 2 || res.Text[0].Decoded != 143 || res.Text[1].Replaced != 2 {
		t.Errorf("Text = %+v; want jobs.csv with 143 decoded fields and more.csv with 2 replaced", res.Text)
	}
	md, _ := os.ReadFile(OutputPaths(work).SummaryMD)
	for _, w := range []string{"## Text encoding", `| jobs.csv | windows-1252 | 143 | row 2 (line 3), field "skills" | 0 | - |`,
		`| more.csv | utf-8 | 0 | - | 2 | row 7 (line 8), field "Role" |`} {
		if !strings.Contains(string(md), w) {
			t.Errorf("summary.md lacks %q:\n%s", w, md)
		}
	}
	if w := `clean: 2 fields of more.csv had bytes that are not valid utf-8, replaced with U+FFFD by ingest (the first at row 7 (line 8), field \"Role\")`; !strings.Contains(logs.String(), w) {
		t.Errorf("logs lack %q:\n%s", w, logs.String())
	}
}
