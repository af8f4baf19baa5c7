package tabular

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/skillx/skillx/internal/testenv"
)

// realStats reads a whole file and returns its good records, its error
// records, and the last record.
func realStats(t *testing.T, path string, opts Options) (r Reader, good int, bad []rec, last rec) {
	t.Helper()
	r, err := Open(path, opts)
	if err != nil {
		t.Fatalf("Open(%q) error = %v", path, err)
	}
	t.Cleanup(func() { r.Close() })
	for {
		rc, err := r.Next()
		if err == io.EOF {
			return r, good, bad, last
		}
		if err != nil {
			t.Fatalf("Next() on %s error = %v", path, err)
		}
		last = rec{row: rc.Row, line: rc.Line, raw: string(rc.Raw)}
		if rc.Err != nil {
			last.err = rc.Err.Error()
			bad = append(bad, last)
			continue
		}
		if len(rc.Fields) != len(r.Header()) {
			t.Fatalf("%s row %d: %d fields; header has %d", path, rc.Row, len(rc.Fields), len(r.Header()))
		}
		good++
	}
}

func TestKaggleSample(t *testing.T) {
	path := testenv.Shared(t, "datasets/kaggle-job-descriptions/job_descriptions_sample.csv")
	for _, bs := range []int{0, 4096} {
		r, good, bad, _ := realStats(t, path, Options{bufSize: bs})
		if good != 2912 || len(bad) != 0 {
			t.Errorf("Kaggle sample (buf %d): %d good records, errors %v; want 2912 good, no errors", bs, good, bad)
		}
		h := r.Header()
		if len(h) != 23 || h[0] != "Job Id" || h[14] != "Job Title" || h[15] != "Role" || h[19] != "skills" || h[22] != "Company Profile" {
			t.Errorf("Kaggle header = %q; want 23 columns from Job Id to Company Profile", h)
		}
		if r.Format() != FormatCSV || r.Delimiter() != ',' {
			t.Errorf("Kaggle format %v delimiter %q; want csv ','", r.Format(), r.Delimiter())
		}
	}
}

func TestONETOccupationData(t *testing.T) {
	path := testenv.Shared(t, "datasets/onet-29.2/Occupation Data.txt")
	r, good, bad, last := realStats(t, path, Options{})
	if r.Format() != FormatTSV {
		t.Errorf("Format() = %v; want tsv (a .txt file with tabs)", r.Format())
	}
	if got, want := strings.Join(r.Header(), "|"), "O*NET-SOC Code|Title|Description"; got != want {
		t.Errorf("Header() = %q; want %q", got, want)
	}
	if good != 1016 || len(bad) != 0 {
		t.Errorf("Occupation Data: %d good records, errors %v; want 1016, none", good, bad)
	}
	if last.line != 1017 {
		t.Errorf("last record line = %d; want 1017", last.line)
	}
}

// TestONETAll reads every O*NET table and checks that no line is lost: good
// plus error records equal the file's non-empty lines minus the header.
func TestONETAll(t *testing.T) {
	dir := testenv.Shared(t, "datasets/onet-29.2")
	files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	for _, path := range files {
		if filepath.Base(path) == "Read Me.txt" {
			continue
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		lines := 0
		for _, l := range bytes.Split(data, []byte("\n")) {
			if len(bytes.TrimSuffix(l, []byte("\r"))) > 0 {
				lines++
			}
		}
		_, good, bad, _ := realStats(t, path, Options{})
		if good+len(bad) != lines-1 || len(bad) != 0 {
			t.Errorf("%s: %d good + %d error records; want %d good (non-empty lines minus header), errors %v",
				filepath.Base(path), good, len(bad), lines-1, bad[:min(len(bad), 3)])
		}
	}
}

// TestLinkedInHeads reads the LinkedIn head files, which were cut by byte
// count: the last record is truncated inside a quoted field and must come
// back as an error record holding the cut line, not a crash or a lost line.
func TestLinkedInHeads(t *testing.T) {
	dir := testenv.Shared(t, "datasets/linkedin-2024-job-skills")
	tests := []struct {
		file    string
		columns int
	}{
		{"job_skills_head.csv", 2},
		{"linkedin_job_postings_head.csv", 14},
	}
	for _, tt := range tests {
		path := filepath.Join(dir, tt.file)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		r, good, bad, last := realStats(t, path, Options{})
		if len(r.Header()) != tt.columns {
			t.Errorf("%s: %d columns %q; want %d", tt.file, len(r.Header()), r.Header(), tt.columns)
		}
		if len(bad) != 1 || last.err == "" {
			t.Fatalf("%s: error records %v (last %v); want exactly one, the last", tt.file, bad, last)
		}
		if !strings.Contains(last.err, "unterminated quoted field") {
			t.Errorf("%s: last record error = %q; want an unterminated quoted field", tt.file, last.err)
		}
		// The error record holds the file's last line, to its last byte.
		lastLine := data[bytes.LastIndexByte(data, '\n')+1:]
		if last.raw != string(lastLine) {
			t.Errorf("%s: last record Raw = %q; want the file's last line %q", tt.file, last.raw, lastLine)
		}
		t.Logf("%s: %d good records, last record (row %d, line %d) is an error: %s", tt.file, good, last.row, last.line, last.err)
	}
}

func TestRealGzipRoundTrip(t *testing.T) {
	path := testenv.Shared(t, "datasets/kaggle-job-descriptions/job_descriptions_sample.csv")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	gz := filepath.Join(t.TempDir(), "jobs.csv.gz")
	if err := os.WriteFile(gz, gzipBytes(t, data), 0o644); err != nil {
		t.Fatal(err)
	}
	_, good, bad, _ := realStats(t, gz, Options{})
	if good != 2912 || len(bad) != 0 {
		t.Errorf("gzipped Kaggle sample: %d good, errors %v; want 2912, none", good, bad)
	}
}
