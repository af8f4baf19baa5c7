package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sampleResumes = "../../data/sample/resumes"

// TestSkillsUsage checks the usage errors of `skillx skills`.
func TestSkillsUsage(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		msg  string
	}{
		{[]string{"skills", "--workdir", dir}, "no résumé"},
		{[]string{"skills", "--workdir", dir, "--resume", "x.txt", "--top", "0"}, "--top 0"},
		{[]string{"skills", "--workdir", dir, "--resume", "x.txt", "--format", "xml"}, `--format "xml"`},
		{[]string{"skills", "--workdir", dir, "--resume", "x.txt", "--max-bytes", "0"}, "--max-bytes 0"},
		{[]string{"skills", "--workdir", dir, "--resume", "x.txt", "extra"}, "unexpected arguments"},
	}
	for _, tt := range tests {
		code, _, errOut := runCLI(t, tt.args...)
		if code != exitUsage || !strings.Contains(errOut, tt.msg) {
			t.Errorf("skillx %q = %d, %q; want %d and %q", tt.args, code, errOut, exitUsage, tt.msg)
		}
	}
	// No role catalog yet.
	code, _, errOut := runCLI(t, "skills", "--workdir", dir, "--resume", filepath.Join(sampleResumes, "priya_data_analyst.txt"))
	if code != exitFailure || !strings.Contains(errOut, "run `skillx clean` first") {
		t.Errorf("skills without a catalog = %d, %q; want %d and a message to run clean", code, errOut, exitFailure)
	}
}

// TestSkillsCLI ingests and cleans the sample postings, then finds the skills of sample
// résumés: text and JSON output, the job level of a title, and the per-résumé failures.
func TestSkillsCLI(t *testing.T) {
	dir := t.TempDir()
	if code, _, errOut := runCLI(t, "ingest", "--workdir", dir, "--preset", "kaggle", "--input", "../../data/sample/job_postings.csv", "--log-level", "warn"); code != exitOK {
		t.Fatalf("ingest exit = %d; stderr:\n%s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "clean", "--workdir", dir, "--log-level", "warn"); code != exitOK {
		t.Fatalf("clean exit = %d; stderr:\n%s", code, errOut)
	}

	resume := filepath.Join(sampleResumes, "arjun_ml_skill_details.txt")
	code, out, errOut := runCLI(t, "skills", "--workdir", dir, "--resume", resume, "--top", "3", "--title", "Senior ML Engineer")
	if code != exitOK {
		t.Fatalf("skills exit = %d; stderr:\n%s", code, errOut)
	}
	for _, want := range []string{
		"Skills in " + resume,
		" 1. Python  (score ",
		"skills, experience; 5 years stated",
		"line 9, skills: Python- Exprience - 60 months",
		"Top 5 (what recommend takes",
		`Job level of "Senior ML Engineer": Senior (from the word "senior")`,
		"Note: 12 characters garbled by a wrong text encoding were repaired",
		"Note: 4 lines repeat earlier lines",
		"nothing was sent anywhere",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, " 4. ") {
		t.Errorf("--top 3 printed a fourth skill:\n%s", out)
	}
	for _, ln := range strings.Split(out, "\n") {
		if strings.HasPrefix(ln, "      line ") && strings.Contains(ln, "â€") {
			t.Errorf("evidence shows mojibake: %q", ln)
		}
	}

	code, out, errOut = runCLI(t, "skills", "--workdir", dir, "--resume", filepath.Join(sampleResumes, "priya_data_analyst.txt"), "--format", "json")
	if code != exitOK {
		t.Fatalf("skills --format json exit = %d; stderr:\n%s", code, errOut)
	}
	var doc struct {
		Format     string   `json:"format"`
		Top5       []string `json:"top5"`
		Vocabulary struct {
			Roles  int `json:"roles"`
			Skills int `json:"skills"`
		} `json:"vocabulary"`
		Result struct {
			Skills []struct {
				Name     string  `json:"name"`
				Score    float64 `json:"score"`
				Evidence []struct {
					Line    int    `json:"line"`
					Section string `json:"section"`
					Text    string `json:"text"`
				} `json:"evidence"`
			} `json:"skills"`
		} `json:"result"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("JSON output: %v\n%s", err, out)
	}
	if doc.Format != skillsFormat || len(doc.Top5) != 5 || doc.Top5[0] != "SQL" || doc.Vocabulary.Roles != 39 || len(doc.Result.Skills) != 10 {
		t.Errorf("JSON: format %q, top5 %q, %d roles, %d skills; want %q, SQL first, 39 roles, 10 skills", doc.Format, doc.Top5, doc.Vocabulary.Roles, len(doc.Result.Skills), skillsFormat)
	}
	if s := doc.Result.Skills[0]; s.Name != "SQL" || s.Evidence[0].Section != "skills" || s.Evidence[0].Line != 11 {
		t.Errorf("JSON: first skill %+v; want SQL with its Skills line 11 first", s)
	}

	// Per-résumé failures: a clear message, exit 1.
	big := filepath.Join(t.TempDir(), "big.txt")
	if err := os.WriteFile(big, []byte(strings.Repeat("Python and SQL every day.\n", 3000)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ file, msg string }{
		{filepath.Join(sampleResumes, "binary_pdf.txt"), "it is a PDF file"},
		{filepath.Join(sampleResumes, "empty.txt"), "résumé is empty"},
		{big, "78000 bytes; the limit is 65536 bytes"},
		{filepath.Join(dir, "missing.txt"), "no such file"},
	} {
		code, _, errOut := runCLI(t, "skills", "--workdir", dir, "--resume", tt.file)
		if code != exitFailure || !strings.Contains(errOut, tt.msg) {
			t.Errorf("skills --resume %s = %d, %q; want %d and %q", tt.file, code, errOut, exitFailure, tt.msg)
		}
	}
	// A larger limit lets it through.
	if code, out, errOut := runCLI(t, "skills", "--workdir", dir, "--resume", big, "--max-bytes", "100000"); code != exitOK || !strings.Contains(out, "SQL") {
		t.Errorf("--max-bytes 100000 = %d; stdout %q; stderr %q", code, out, errOut)
	}
}
