package ingest

import (
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/skillx/skillx/internal/parquetio"
	"github.com/skillx/skillx/internal/records"
)

func write(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(path, ".gz") {
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		zw := gzip.NewWriter(f)
		zw.Write([]byte(content))
		zw.Close()
		f.Close()
		return path
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func readOutputs(t *testing.T, work string) ([]records.RawPosting, []records.Reject) {
	t.Helper()
	pp, rp := OutputPaths(work)
	p, err := records.ReadRaw(pp)
	if err != nil {
		t.Fatal(err)
	}
	r, err := parquetio.ReadAll[records.Reject](rp)
	if err != nil {
		t.Fatal(err)
	}
	return p, r
}

const kaggleCSV = "\ufeffJob Id,Role,Job Title,skills,Job Description,Responsibilities,Company\r\n" +
	"1,Data Analyst,Analyst,\"SQL Excel, Tableau\",\"Analyses data.\nReports.\",Build dashboards,Acme\r\n" +
	"2,Nurse,Nurse,Patient care,Cares,Care,\r\n" +
	"3,Broken,\"unterminated,x,y,z,w\r\n" +
	"4,Chef,Cook,Cooking Menu planning,Cooks,Cook,Diner\r\n"

func TestIngestKaggleGzip(t *testing.T) {
	dir := t.TempDir()
	in := write(t, filepath.Join(dir, "jobs.csv.gz"), kaggleCSV)
	res, err := Run(context.Background(), Config{Workdir: dir, Inputs: []string{in}, Version: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Preset != "kaggle" {
		t.Errorf("auto preset = %q; want kaggle", res.Preset)
	}
	if res.RowsIn != 4 || res.RowsOut != 3 || res.Rejected != 1 {
		t.Errorf("rows in/out/rejected = %d/%d/%d; want 4/3/1", res.RowsIn, res.RowsOut, res.Rejected)
	}
	postings, rejects := readOutputs(t, dir)
	if got := postings[0]; got.Role != "Data Analyst" || got.Skills != "SQL Excel, Tableau" || got.Description != "Analyses data.\nReports." ||
		got.PostingID != "1" || got.SourceRow != 1 || got.SourceLine != 2 || got.Source != "kaggle" {
		t.Errorf("first posting = %+v; want the first record's fields, row 1, line 2", got)
	}
	if extras := postings[0].Extras; len(extras) != 1 || extras[0] != (records.Extra{Key: "Company", Value: "Acme"}) {
		t.Errorf("extras = %v; want [Company=Acme]", extras)
	}
	if postings[1].Extras != nil {
		t.Errorf("empty extra columns kept: %q", postings[1].Extras)
	}
	// The record after the broken quote is read again from its own line.
	if last := postings[2]; last.Role != "Chef" || last.SourceLine != 6 {
		t.Errorf("posting after the bad quote = %+v; want Chef at line 6", last)
	}
	if r := rejects[0]; r.SourceRow != 3 || r.SourceLine != 5 || r.Kind == "" || !strings.Contains(r.Raw, "unterminated") {
		t.Errorf("reject = %+v; want row 3, line 5, a kind and the raw text", r)
	}
}

func TestIngestMapJSONL(t *testing.T) {
	dir := t.TempDir()
	in := write(t, filepath.Join(dir, "jobs.jsonl"),
		`{"position":"Baker","needs":["Bread","Pastry"],"city":"Lyon"}`+"\n"+
			`not json`+"\n"+
			`{"position":"Barista","needs":"Coffee; Latte art"}`+"\n")
	m, err := ParseMapping([]string{"role=position,skills=needs"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), Config{Workdir: dir, Inputs: []string{in}, Map: m, Version: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if res.RowsIn != 3 || res.RowsOut != 2 || res.Rejected != 1 {
		t.Errorf("rows in/out/rejected = %d/%d/%d; want 3/2/1", res.RowsIn, res.RowsOut, res.Rejected)
	}
	postings, _ := readOutputs(t, dir)
	if postings[0].Skills != "Bread; Pastry" || postings[1].Role != "Barista" {
		t.Errorf("postings = %+v", postings)
	}
}

func TestIngestErrors(t *testing.T) {
	dir := t.TempDir()
	csv := write(t, filepath.Join(dir, "x.csv"), "title,needs\nBaker,Bread\n")
	tests := []struct {
		name string
		cfg  Config
		want []string
	}{
		{"unknown columns", Config{Inputs: []string{csv}}, []string{"cannot tell the preset", `"title", "needs"`, "--map"}},
		{"missing mapped column", Config{Inputs: []string{csv}, Map: Mapping{FieldRole: "title", FieldSkills: "skills"}},
			[]string{`column "skills"`, "not found", `"title", "needs"`, "--map skills=<column>"}},
		{"missing required field", Config{Inputs: []string{csv}, Preset: "map", Map: Mapping{FieldRole: "title"}},
			[]string{`required field "skills"`}},
		{"missing file", Config{Inputs: []string{filepath.Join(dir, "nope.csv")}}, []string{"nope.csv"}},
		{"bad preset", Config{Inputs: []string{csv}, Preset: "monster"}, []string{`unknown preset "monster"`}},
		{"no input", Config{}, []string{"no input"}},
	}
	for _, tt := range tests {
		tt.cfg.Workdir = t.TempDir()
		_, err := Run(context.Background(), tt.cfg)
		if err == nil {
			t.Errorf("%s: Run succeeded; want an error", tt.name)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q lacks %q", tt.name, err, w)
			}
		}
		pp, _ := OutputPaths(tt.cfg.Workdir)
		if _, statErr := os.Stat(pp); !errors.Is(statErr, os.ErrNotExist) {
			t.Errorf("%s: a failed run left %s", tt.name, pp)
		}
	}
}

func TestIngestSkipsUnchanged(t *testing.T) {
	dir := t.TempDir()
	in := write(t, filepath.Join(dir, "jobs.csv"), kaggleCSV)
	cfg := Config{Workdir: dir, Inputs: []string{in}, Version: "t"}
	if _, err := Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), cfg)
	if err != nil || !res.Skipped || res.RowsOut != 3 {
		t.Fatalf("second run: skipped %v rows %d err %v; want skipped with 3 rows", res.Skipped, res.RowsOut, err)
	}
	cfg.Force = true
	if res, _ := Run(context.Background(), cfg); res.Skipped {
		t.Errorf("--force run was skipped")
	}
	cfg.Force = false
	write(t, in, kaggleCSV+"5,Pilot,Pilot,Flying,Flies,Fly,Air\n")
	res, err = Run(context.Background(), cfg)
	if err != nil || res.Skipped || res.RowsOut != 4 {
		t.Errorf("run after the input changed: skipped %v rows %d err %v; want a rerun with 4 rows", res.Skipped, res.RowsOut, err)
	}
}

func TestIngestCancelledLeavesNoOutput(t *testing.T) {
	dir := t.TempDir()
	in := write(t, filepath.Join(dir, "jobs.csv"), kaggleCSV)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Run(ctx, Config{Workdir: dir, Inputs: []string{in}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run with a cancelled context = %v; want context.Canceled", err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "data", "raw"))
	if len(entries) != 0 {
		t.Errorf("cancelled run left files: %v", entries)
	}
}

func TestIngestLinkedIn(t *testing.T) {
	dir := t.TempDir()
	skills := write(t, filepath.Join(dir, "li", "job_skills.csv"),
		"job_link,job_skills\n"+
			"https://x/jobs/view/data-analyst-at-acme-123,\"SQL, Excel\"\n"+
			"https://x/jobs/view/senior-nurse-rn-at-st-mary-hospital-456,\"Patient care, BLS\"\n")
	write(t, filepath.Join(dir, "li", "postings.csv"),
		"job_link,job_title,company\n"+
			"https://x/jobs/view/data-analyst-at-acme-123,Data Analyst II,Acme\n"+
			"https://x/jobs/view/welder-at-bob-789,Welder,Bob\n")
	res, err := Run(context.Background(), Config{Workdir: dir, Inputs: []string{filepath.Join(dir, "li")}, Version: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Preset != "linkedin" || res.RowsIn != 4 || res.RowsOut != 2 || res.Joined != 1 || res.Rejected != 1 {
		t.Errorf("preset %s in/out/joined/rejected = %d/%d/%d/%d; want linkedin 4/2/1/1", res.Preset, res.RowsIn, res.RowsOut, res.Joined, res.Rejected)
	}
	postings, rejects := readOutputs(t, dir)
	if postings[0].Role != "Data Analyst II" || postings[1].Role != "senior nurse rn" {
		t.Errorf("roles = %q, %q; want the joined title and the slug title", postings[0].Role, postings[1].Role)
	}
	want := []records.Extra{{Key: "company", Value: "Acme"}, {Key: "title_from", Value: "job_postings"}}
	if got := postings[0].Extras; !slices.Equal(got, want) {
		t.Errorf("joined extras = %v; want %v", got, want)
	}
	want = []records.Extra{{Key: "title_from", Value: "job_link"}}
	if got := postings[1].Extras; !slices.Equal(got, want) {
		t.Errorf("slug-titled extras = %v; want %v", got, want)
	}
	if rejects[0].Role != "Welder" || rejects[0].Kind != "title without skills" {
		t.Errorf("reject = %+v; want the Welder title without skills", rejects[0])
	}
	_ = skills
}

func TestTitleFromJobLink(t *testing.T) {
	tests := []struct{ link, want string }{
		{"https://www.linkedin.com/jobs/view/housekeeper-i-pt-at-jacksonville-state-university-3802280436", "housekeeper i pt"},
		{"https://www.linkedin.com/jobs/view/registered-nurse-rn-care-manager-at-trinity-health-mi-3803386312/", "registered nurse rn care manager"},
		{"https://example.com/jobs/view/welder-42?trk=x", "welder"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := TitleFromJobLink(tt.link); got != tt.want {
			t.Errorf("TitleFromJobLink(%q) = %q; want %q", tt.link, got, tt.want)
		}
	}
}

func TestIngestONET(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "onet")
	write(t, filepath.Join(db, "Occupation Data.txt"), "O*NET-SOC Code\tTitle\tDescription\r\n11-1.00\tChief Executives\tLead.\r\n15-2.00\tData Scientists\tModel.\r\n")
	write(t, filepath.Join(db, "Technology Skills.txt"), "O*NET-SOC Code\tExample\tCommodity Code\r\n15-2.00\tPython\t1\r\n15-2.00\tSQL\t2\r\n15-2.00\tPython\t1\r\n99-9.00\tExcel\t3\r\n")
	write(t, filepath.Join(db, "Task Statements.txt"), "O*NET-SOC Code\tTask ID\tTask\r\n11-1.00\t1\tDirect things.\r\n15-2.00\t2\tBuild models.\r\n")
	res, err := Run(context.Background(), Config{Workdir: dir, Inputs: []string{db}, Version: "t"})
	if err != nil {
		t.Fatal(err)
	}
	// 2 occupations + 4 skills rows (3 joined, 1 unknown code) + 2 task rows (joined).
	if res.Preset != "onet" || res.RowsIn != 8 || res.RowsOut != 2 || res.Joined != 5 || res.Rejected != 1 {
		t.Errorf("preset %s in/out/joined/rejected = %d/%d/%d/%d; want onet 8/2/5/1", res.Preset, res.RowsIn, res.RowsOut, res.Joined, res.Rejected)
	}
	postings, rejects := readOutputs(t, dir)
	ds := postings[1]
	if ds.PostingID != "15-2.00" || ds.Skills != "Python; SQL" || ds.Responsibilities != "Build models." || ds.Role != "Data Scientists" {
		t.Errorf("occupation = %+v; want code, deduplicated skills and tasks", ds)
	}
	if postings[0].Skills != "" {
		t.Errorf("occupation without technology skills got %q", postings[0].Skills)
	}
	if rejects[0].Kind != "unknown occupation" || rejects[0].SourceFile != "Technology Skills.txt" || rejects[0].SourceRow != 4 {
		t.Errorf("reject = %+v; want the unknown code's row 4 of Technology Skills.txt", rejects[0])
	}
}
