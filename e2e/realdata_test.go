package e2e

import (
	"bufio"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/skillx/skillx/clean"
	"github.com/skillx/skillx/ingest"
	"github.com/skillx/skillx/internal/parquetio"
	"github.com/skillx/skillx/internal/records"
	"github.com/skillx/skillx/internal/testenv"
)

// countCSVRecords counts a well-formed CSV file's data records with encoding/csv.
func countCSVRecords(t *testing.T, path string) int64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("encoding/csv %s: %v", path, err)
	}
	return int64(len(rows) - 1)
}

// countLinesWithPrefix counts the lines of path that start with one of prefixes (a record
// start, for files whose records begin with a URL).
func countLinesWithPrefix(t *testing.T, path string, prefixes ...string) int64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var n int64
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		for _, p := range prefixes {
			if strings.HasPrefix(sc.Text(), p) {
				n++
				break
			}
		}
	}
	return n
}

// countDataLines counts the non-empty lines after the header (O*NET's tab-separated files have
// no quoted newlines).
func countDataLines(t *testing.T, path string) int64 {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, l := range strings.Split(string(data), "\n")[1:] {
		if strings.TrimSpace(l) != "" {
			n++
		}
	}
	return n
}

func TestRealData(t *testing.T) {
	ds := testenv.Shared(t, "datasets")
	onet := filepath.Join(ds, "onet-29.2")
	li := filepath.Join(ds, "linkedin-2024-job-skills")
	kaggle := filepath.Join(ds, "kaggle-job-descriptions", "job_descriptions_sample.csv")
	tests := []struct {
		name   string
		preset string
		input  string
		// records counts the source records independently of the pipeline's reader.
		records func(t *testing.T) int64
		// roles is the number of distinct roles expected, or 0 for "not checked".
		roles int64
	}{
		{"kaggle", "kaggle", kaggle, func(t *testing.T) int64 { return countCSVRecords(t, kaggle) }, 376},
		{"linkedin", "linkedin", li, func(t *testing.T) int64 {
			return countLinesWithPrefix(t, filepath.Join(li, "job_skills_head.csv"), "https://") +
				countLinesWithPrefix(t, filepath.Join(li, "linkedin_job_postings_head.csv"), `"https://`, "https://")
		}, 0},
		{"onet", "onet", onet, func(t *testing.T) int64 {
			return countDataLines(t, filepath.Join(onet, "Occupation Data.txt")) +
				countDataLines(t, filepath.Join(onet, "Technology Skills.txt")) +
				countDataLines(t, filepath.Join(onet, "Task Statements.txt"))
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			work := t.TempDir()
			ctx := context.Background()
			ires, err := ingest.Run(ctx, ingest.Config{Workdir: work, Preset: tt.preset, Inputs: []string{tt.input}, Version: "test"})
			if err != nil {
				t.Fatal(err)
			}
			cres, err := clean.Run(ctx, clean.Config{Workdir: work, Version: "test"})
			if err != nil {
				t.Fatal(err)
			}
			want := tt.records(t)
			if ires.RowsIn != want {
				t.Errorf("ingest read %d records; an independent count gives %d", ires.RowsIn, want)
			}
			paths := clean.OutputPaths(work)
			postings, err := parquetio.ReadAll[records.CleanPosting](paths.Postings)
			if err != nil {
				t.Fatal(err)
			}
			rejects, err := parquetio.NumRows(paths.Rejects)
			if err != nil {
				t.Fatal(err)
			}
			var counted int64
			for _, p := range postings {
				counted += p.Count
			}
			if got := counted + ires.Joined + rejects; got != want {
				t.Errorf("postings (with duplicates) %d + joined %d + rejects %d = %d; want every source record, %d",
					counted, ires.Joined, rejects, got, want)
			}
			if tt.roles > 0 && cres.Roles != tt.roles {
				t.Errorf("distinct roles = %d; want %d", cres.Roles, tt.roles)
			}
			t.Logf("%s: %d source records = %d postings (%d distinct, %d duplicates merged) + %d joined into postings + %d rejected (ingest %d, clean %d); %d roles, %d with one skills text",
				tt.name, want, counted, cres.Postings, cres.Duplicates, ires.Joined, rejects, cres.IngestRejected, cres.Rejected, cres.Roles, cres.SingleTextRoles)
		})
	}
}
