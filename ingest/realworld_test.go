package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/skillx/skillx/internal/manifest"
	"github.com/skillx/skillx/internal/parquetio"
	"github.com/skillx/skillx/internal/records"
	"github.com/skillx/skillx/internal/tabular"
)

// pandasTSV is a job postings table as pandas' to_csv(sep="\t", index=False) writes it:
// fields with line breaks, tabs or quotes are quoted, quotes doubled.
const pandasTSV = "Role\tskills\tJob Description\n" +
	"Software Engineer\t\"BA/BS degree in Computer Science or equivalent practical experience.\nExperience with Java, C++ or Python.\"\t\"Builds \"\"things\"\".\tShips them.\"\n" +
	"Nurse\t\"• Patient care\n• BLS certification\"\tCares.\n" +
	"Chef\tCooking\t\"Line 1\r\nLine 2\"\n"

func TestIngestPandasTSV(t *testing.T) {
	dir := t.TempDir()
	in := write(t, filepath.Join(dir, "jobs.tsv"), pandasTSV)
	res, err := Run(context.Background(), Config{Workdir: dir, Inputs: []string{in}, Version: "t", Map: jobsMap})
	if err != nil {
		t.Fatal(err)
	}
	if res.Preset != "map" || res.RowsIn != 3 || res.RowsOut != 3 || res.Rejected != 0 {
		t.Errorf("preset %s rows in/out/rejected = %d/%d/%d; want map 3/3/0", res.Preset, res.RowsIn, res.RowsOut, res.Rejected)
	}
	postings, _ := readOutputs(t, dir)
	if len(postings) != 3 {
		t.Fatalf("%d postings; want 3", len(postings))
	}
	want := "BA/BS degree in Computer Science or equivalent practical experience.\nExperience with Java, C++ or Python."
	if postings[0].Skills != want || postings[0].Description != "Builds \"things\".\tShips them." || postings[0].SourceLine != 2 {
		t.Errorf("first posting = %+v; want the quoted skills %q, the description with its quotes and tab, line 2", postings[0], want)
	}
	if postings[1].SourceLine != 4 || postings[2].SourceLine != 6 || postings[2].Description != "Line 1\r\nLine 2" {
		t.Errorf("postings 2 and 3 = %+v, %+v; want lines 4 and 6", postings[1], postings[2])
	}
}

// jobsMap maps the columns of the test files.
var jobsMap = Mapping{FieldRole: "Role", FieldSkills: "skills", FieldDescription: "Job Description"}

// badTSV has n good records and bad records with the wrong number of fields.
func badTSV(good, bad int) string {
	var b strings.Builder
	b.WriteString("Role\tskills\tJob Description\n")
	for i := 0; i < good; i++ {
		fmt.Fprintf(&b, "Role %d\tSkill %d\tWorks.\n", i, i)
	}
	for i := 0; i < bad; i++ {
		fmt.Fprintf(&b, "Broken %d\tA\tB\tC\n", i)
	}
	return b.String()
}

func TestIngestRejectShare(t *testing.T) {
	dir := t.TempDir()
	good := write(t, filepath.Join(dir, "good.tsv"), badTSV(10, 0))
	bad := write(t, filepath.Join(dir, "bad.tsv"), badTSV(4, 6))
	work := filepath.Join(dir, "work")
	if _, err := Run(context.Background(), Config{Workdir: work, Inputs: []string{good}, Version: "t", Map: jobsMap}); err != nil {
		t.Fatal(err)
	}
	postingsPath, rejectsPath := OutputPaths(work)
	before, err := os.ReadFile(postingsPath)
	if err != nil {
		t.Fatal(err)
	}

	// 6 of 10 rejected: more than the default share, 0.5.
	_, err = Run(context.Background(), Config{Workdir: work, Inputs: []string{bad}, Version: "t", Map: jobsMap})
	if err == nil {
		t.Fatal("Run with 6 of 10 records rejected succeeded; want an error")
	}
	failed := FailedRejectsPath(work)
	for _, w := range []string{"6 of 10 records (60.0%) were rejected", `6 "wrong number of fields" (first: `, "bad.tsv line 6: wrong number of fields: expected 3, found 4",
		"--max-reject-share 0.5", "earlier outputs are unchanged", failed, "--max-reject-share 1"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q lacks %q", err, w)
		}
	}
	after, _ := os.ReadFile(postingsPath)
	if !bytes.Equal(before, after) {
		t.Errorf("a failed run changed %s", postingsPath)
	}
	if err := manifest.Check(postingsPath, "ingest"); err != nil {
		t.Errorf("the earlier postings no longer match their manifest: %v", err)
	}
	if n, _ := parquetio.NumRows(rejectsPath); n != 0 {
		t.Errorf("%s has %d rows after the failed run; want the earlier run's 0", rejectsPath, n)
	}
	kept, err := parquetio.ReadAll[records.Reject](failed)
	if err != nil || len(kept) != 6 || kept[0].SourceLine != 6 {
		t.Errorf("failed run's rejects = %d rows (%v); want 6, the first from line 6", len(kept), err)
	}

	// The same run is accepted with a larger share, or with 1; it removes the failed rejects.
	for _, share := range []float64{0.6, 1} {
		res, err := Run(context.Background(), Config{Workdir: work, Inputs: []string{bad}, Version: "t", MaxRejectShare: share, Map: jobsMap})
		if err != nil {
			t.Fatalf("MaxRejectShare %g: %v", share, err)
		}
		if res.RowsOut != 4 || res.Rejected != 6 || res.RejectedByKind["wrong number of fields"] != 6 {
			t.Errorf("MaxRejectShare %g: out %d rejected %d by kind %v; want 4, 6", share, res.RowsOut, res.Rejected, res.RejectedByKind)
		}
		if _, err := os.Stat(failed); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("MaxRejectShare %g: %s still there after a successful run", share, failed)
		}
	}
	// Exactly half is not more than half.
	half := write(t, filepath.Join(dir, "half.tsv"), badTSV(5, 5))
	if _, err := Run(context.Background(), Config{Workdir: work, Inputs: []string{half}, Version: "t", Map: jobsMap}); err != nil {
		t.Errorf("5 of 10 rejected with the default share 0.5: %v; want success", err)
	}
	if _, err := Run(context.Background(), Config{Workdir: work, Inputs: []string{half}, Version: "t", MaxRejectShare: 1.5, Map: jobsMap}); err == nil {
		t.Errorf("MaxRejectShare 1.5 accepted; want an error")
	}
	// --max-reject-share 0 (passed as the smallest positive share): one reject fails the run.
	one := write(t, filepath.Join(dir, "one.tsv"), badTSV(9, 1))
	_, err = Run(context.Background(), Config{Workdir: work, Inputs: []string{one}, Version: "t", MaxRejectShare: math.SmallestNonzeroFloat64, Map: jobsMap})
	if err == nil || !strings.Contains(err.Error(), "1 of 10 records (10.0%) were rejected, more than the largest share allowed (--max-reject-share 0)") {
		t.Errorf("one reject with the smallest share: %v; want a failure naming --max-reject-share 0", err)
	}
}

// TestIngestRejectShareJoinMisses checks that LinkedIn titles without skills (read fine, with
// nothing to join) do not make a run fail, as in the real LinkedIn sample.
func TestIngestRejectShareJoinMisses(t *testing.T) {
	dir := t.TempDir()
	var titles strings.Builder
	titles.WriteString("job_link,job_title\n")
	for i := 0; i < 9; i++ {
		fmt.Fprintf(&titles, "https://x/jobs/view/other-%d,Other %d\n", i, i)
	}
	write(t, filepath.Join(dir, "li", "postings.csv"), titles.String())
	write(t, filepath.Join(dir, "li", "job_skills.csv"), "job_link,job_skills\nhttps://x/jobs/view/nurse-at-x-1,\"Care, BLS\"\n")
	res, err := Run(context.Background(), Config{Workdir: dir, Inputs: []string{filepath.Join(dir, "li")}, Version: "t"})
	if err != nil {
		t.Fatalf("LinkedIn run with 9 of 10 records titles without skills: %v; want success", err)
	}
	if res.Rejected != 9 || res.RowsOut != 1 {
		t.Errorf("rejected %d out %d; want 9, 1", res.Rejected, res.RowsOut)
	}
}

// cp1252CSV is a Kaggle-shaped file saved in Windows-1252: 0x92 is ’ and 0xE9 is é.
const cp1252CSV = "Role,skills,Job Description\r\n" +
	"Chef,Caf\xe9 management,We\x92ve a kitchen.\r\n" +
	"Pilot,Flying,Flies.\r\n"

func TestIngestWindows1252(t *testing.T) {
	tests := []struct {
		enc       tabular.Encoding
		skills    string
		desc      string
		decoded   int64
		replaced  int64
		warnings  []string
		noWarning bool
	}{
		{tabular.EncodingAuto, "Café management", "We’ve a kitchen.", 2, 0,
			[]string{"jobs.csv is not all UTF-8: read 2 fields as windows-1252 (the first at row 1 (line 2), field \\\"skills\\\")", "--encoding"}, false},
		{tabular.EncodingWindows1252, "Café management", "We’ve a kitchen.", 2, 0, nil, true},
		{tabular.EncodingUTF8, "Caf\uFFFD management", "We\uFFFDve a kitchen.", 0, 2,
			[]string{"2 fields held bytes that are not valid utf-8 and were replaced with U+FFFD (the first at row 1 (line 2), field \\\"skills\\\")"}, false},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		in := write(t, filepath.Join(dir, "jobs.csv"), cp1252CSV)
		var logs bytes.Buffer
		log := slog.New(slog.NewTextHandler(&logs, nil))
		res, err := Run(context.Background(), Config{Workdir: dir, Inputs: []string{in}, Version: "t", Encoding: tt.enc, Logger: log, Map: jobsMap})
		if err != nil {
			t.Fatal(err)
		}
		postings, _ := readOutputs(t, dir)
		if postings[0].Skills != tt.skills || postings[0].Description != tt.desc {
			t.Errorf("%v: posting = %q, %q; want %q, %q", tt.enc, postings[0].Skills, postings[0].Description, tt.skills, tt.desc)
		}
		if res.Decoded != tt.decoded || res.InvalidUTF8 != tt.replaced {
			t.Errorf("%v: decoded %d replaced %d; want %d, %d", tt.enc, res.Decoded, res.InvalidUTF8, tt.decoded, tt.replaced)
		}
		for _, w := range tt.warnings {
			if !strings.Contains(logs.String(), w) {
				t.Errorf("%v: logs lack %q:\n%s", tt.enc, w, logs.String())
			}
		}
		if tt.noWarning && strings.Contains(logs.String(), "level=WARN") {
			t.Errorf("%v: a warning for an encoding that was asked for:\n%s", tt.enc, logs.String())
		}
		m, err := manifest.Read(filepath.Join(dir, "data", "raw", "postings.parquet"))
		if err != nil {
			t.Fatal(err)
		}
		if p := m.Params["encoding"]; p != tt.enc.String() {
			t.Errorf("manifest encoding param = %v; want %s", p, tt.enc)
		}
	}
}

func TestIngestNotText(t *testing.T) {
	dir := t.TempDir()
	png := write(t, filepath.Join(dir, "jobs.csv"), "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00")
	xlsx := write(t, filepath.Join(dir, "jobs.xlsx"), "PK\x03\x04\x14\x00\x06\x00\x08\x00[Content_Types].xml")
	tests := []struct {
		in   string
		want string
	}{
		{png, png + " is not a text table (looks like a PNG image)"},
		{xlsx, xlsx + " is not a text table (looks like an Excel workbook (.xlsx)); open it in a spreadsheet program and export the sheet as CSV"},
	}
	for _, tt := range tests {
		for _, preset := range []string{"auto", "kaggle"} {
			_, err := Run(context.Background(), Config{Workdir: t.TempDir(), Inputs: []string{tt.in}, Preset: preset, Version: "t"})
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "preset") {
				t.Errorf("Run(%s, preset %s) = %v; want %q", filepath.Base(tt.in), preset, err, tt.want)
			}
		}
	}
}
