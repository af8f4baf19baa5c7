package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/skillx/skillx/internal/parquetio"
	"github.com/skillx/skillx/internal/records"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = runCommand(context.Background(), args, &o, &e)
	return code, o.String(), e.String()
}

func TestHelpForEveryCommand(t *testing.T) {
	for _, c := range commands {
		code, out, _ := runCLI(t, c.name, "--help")
		if code != exitOK {
			t.Errorf("skillx %s --help exit = %d; want %d", c.name, code, exitOK)
		}
		for _, want := range []string{"skillx " + c.name, "Example", "-workdir"} {
			if !strings.Contains(out, want) {
				t.Errorf("skillx %s --help lacks %q:\n%s", c.name, want, out)
			}
		}
	}
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		want int
		msg  string
	}{
		{[]string{"nosuch"}, exitUsage, "unknown command"},
		{[]string{"ingest", "--bogus"}, exitUsage, "flag provided but not defined"},
		{[]string{"ingest", "--workdir", dir}, exitUsage, "no input"},
		{[]string{"ingest", "--workdir", dir, "--input", "x.csv", "--map", "nofield=a"}, exitUsage, "unknown field"},
		{[]string{"ingest", "--workdir", dir, "--input", filepath.Join(dir, "missing.csv")}, exitFailure, "missing.csv"},
		{[]string{"clean", "--workdir", dir}, exitFailure, "run `skillx ingest` first"},
		{[]string{"version"}, exitOK, ""},
	}
	for _, tt := range tests {
		code, out, errOut := runCLI(t, tt.args...)
		if code != tt.want {
			t.Errorf("skillx %q exit = %d; want %d (stderr: %s)", tt.args, code, tt.want, errOut)
		}
		if !strings.Contains(out+errOut, tt.msg) {
			t.Errorf("skillx %q output lacks %q: %s%s", tt.args, tt.msg, out, errOut)
		}
	}
}

func TestCancelledExitCode(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var o, e bytes.Buffer
	code := runCommand(ctx, []string{"run", "--workdir", t.TempDir(), "--preset", "kaggle", "--input", "../../data/sample/job_postings.csv"}, &o, &e)
	if code != exitCancelled {
		t.Errorf("cancelled run exit = %d; want %d (stderr: %s)", code, exitCancelled, e.String())
	}
}

// TestRunOnSample runs every stage on data/sample and checks the outputs and their accounting.
func TestRunOnSample(t *testing.T) {
	dir := t.TempDir()
	args := []string{"run", "--workdir", dir, "--preset", "kaggle", "--input", "../../data/sample/job_postings.csv", "--log-level", "warn"}
	code, out, errOut := runCLI(t, args...)
	if code != exitOK {
		t.Fatalf("skillx run exit = %d; stderr:\n%s", code, errOut)
	}
	for _, p := range []string{
		"data/raw/postings.parquet", "data/raw/rejects.parquet",
		"data/clean/postings.parquet", "data/clean/rejects.parquet", "data/clean/roles.parquet",
		"reports/clean/summary.md", "reports/clean/summary.json",
		"data/raw/postings.parquet.manifest.json", "data/clean/postings.parquet.manifest.json",
		"data/features/embeddings.arrow", "data/features/examples.parquet", "data/features/examples.parquet.manifest.json",
	} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("output %s: %v", p, err)
		}
	}
	if !strings.Contains(out, "features: note: the MiniLM model was not found") || !strings.Contains(out, "corpus-v1-") {
		t.Errorf("stdout does not say that the corpus encoder stood in for MiniLM:\n%s", out)
	}
	if !strings.Contains(out, "clean: wrote") {
		t.Errorf("stdout lacks the written paths:\n%s", out)
	}
	postings, err := parquetio.ReadAll[records.CleanPosting](filepath.Join(dir, "data/clean/postings.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	rejects, err := parquetio.ReadAll[records.Reject](filepath.Join(dir, "data/clean/rejects.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, p := range postings {
		sum += p.Count
	}
	src, _ := os.ReadFile("../../data/sample/job_postings.csv")
	// The sample has no quoted newlines, so its records are its non-empty lines after the header.
	lines := int64(len(strings.Split(strings.TrimRight(string(src), "\n"), "\n")) - 1)
	if sum+int64(len(rejects)) != lines {
		t.Errorf("postings counts %d + rejects %d = %d; want the sample's %d records", sum, len(rejects), sum+int64(len(rejects)), lines)
	}

	// A second run is skipped, and says so.
	code, out, _ = runCLI(t, args...)
	if code != exitOK || !strings.Contains(out, "up to date") {
		t.Errorf("second run exit %d, stdout %q; want 0 and 'up to date'", code, out)
	}
}

func TestTokenize(t *testing.T) {
	tok := "../../../shared/models/all-MiniLM-L6-v2/tokenizer.json"
	if _, err := os.Stat(tok); err != nil {
		if os.Getenv("SKILLX_REQUIRE_SHARED") == "1" {
			t.Fatalf("%s not found and SKILLX_REQUIRE_SHARED=1", tok)
		}
		t.Skipf("real tokenizer not found at %s", tok)
	}
	code, out, errOut := runCLI(t, "tokenize", "--tokenizer", tok, "Python, SQL, Machine Learning")
	const want = "101 18750 1010 29296 1010 3698 4083 102\t[CLS] python , sql , machine learning [SEP]\n"
	if code != exitOK || out != want {
		t.Errorf("skillx tokenize = %d, %q (%s); want 0, %q", code, out, errOut, want)
	}
	if code, _, _ := runCLI(t, "tokenize", "--tokenizer", tok); code != exitUsage {
		t.Errorf("skillx tokenize without text exit = %d; want %d", code, exitUsage)
	}
}
