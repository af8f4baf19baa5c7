package clean

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/skillx/skillx/internal/manifest"
	"github.com/skillx/skillx/internal/parquetio"
	"github.com/skillx/skillx/internal/records"
)

// writeRaw writes a data/raw folder as ingest would.
func writeRaw(t *testing.T, work string, postings []records.RawPosting, rejects []records.Reject) {
	t.Helper()
	dir := filepath.Join(work, "data", "raw")
	w, err := records.CreateRaw(filepath.Join(dir, "postings.parquet"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	for i := range postings {
		if err := w.Write(&postings[i], nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := parquetio.WriteAll(filepath.Join(dir, "rejects.parquet"), rejects); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"postings.parquet", "rejects.parquet"} {
		if err := manifest.Write(filepath.Join(dir, f), manifest.Manifest{Stage: "ingest"}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRunCleans(t *testing.T) {
	work := t.TempDir()
	raw := []records.RawPosting{
		{SourceRow: 1, Role: "data analyst", Skills: "Data cleaning Excel modeling Data visualization (e.g., Tableau, Power BI)", Description: "Analyses."},
		{SourceRow: 2, Role: "Data  Analyst", Skills: "Data cleaning Excel modeling Data visualization (e.g., Tableau, Power BI)", Description: "Analyses."},
		{SourceRow: 3, Role: "Data Analyst", Skills: "Data cleaning Excel modeling Data visualization (e.g., Tableau, Power BI)", Description: "Analyses."},
		{SourceRow: 4, Role: "Data Analyst", Skills: "Python; Statistics", Description: "Analyses."},
		{SourceRow: 5, Role: "  ", Skills: "Python"},
		{SourceRow: 6, Role: "Nurse", Skills: " ; , "},
		{SourceRow: 7, Role: "Nurse", Skills: ""},
		{SourceRow: 8, Role: "Nurse", Skills: "Patient care, BLS", Title: "RN"},
	}
	writeRaw(t, work, raw, []records.Reject{{Stage: "ingest", SourceRow: 9, Kind: "bad quoting", Reason: "x"}})
	res, err := Run(context.Background(), Config{Workdir: work, Version: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if res.RawPostings != 8 || res.Postings != 3 || res.Duplicates != 2 || res.Rejected != 3 || res.IngestRejected != 1 || res.Roles != 2 {
		t.Errorf("result = %+v; want 8 raw, 3 postings, 2 duplicates, 3 rejected, 1 ingest reject, 2 roles", res)
	}
	if res.RejectedByKind["no role"] != 1 || res.RejectedByKind["no skills"] != 2 || res.RejectedByKind["bad quoting"] != 1 {
		t.Errorf("rejected by kind = %v", res.RejectedByKind)
	}
	paths := OutputPaths(work)
	postings, err := parquetio.ReadAll[records.CleanPosting](paths.Postings)
	if err != nil {
		t.Fatal(err)
	}
	first := postings[0]
	if first.Count != 3 || first.Role != "Data Analyst" || first.RoleKey != "data analyst" || first.RoleOriginal != "data analyst" || first.SourceRow != 1 {
		t.Errorf("first posting = %+v; want count 3, role 'Data Analyst' (key 'data analyst'), original kept, row 1", first)
	}
	if want := []string{"Data cleaning", "Excel modeling", "Data visualization (e.g., Tableau, Power BI)"}; strings.Join(first.Skills, "|") != strings.Join(want, "|") {
		t.Errorf("phrases = %q; want %q", first.Skills, want)
	}
	rejects, _ := parquetio.ReadAll[records.Reject](paths.Rejects)
	if len(rejects) != 4 || rejects[0].Stage != "ingest" || rejects[1].SourceRow != 5 || rejects[1].Field != "role" {
		t.Errorf("rejects = %+v; want ingest's first, then rows 5, 6, 7", rejects)
	}
	roles, _ := parquetio.ReadAll[records.Role](paths.Roles)
	if len(roles) != 2 || roles[0].Role != "Data Analyst" || roles[0].Postings != 4 || roles[0].DistinctSkillsTexts != 2 {
		t.Fatalf("roles = %+v; want Data Analyst with 4 postings and 2 skills texts first", roles)
	}
	if top := roles[0].Skills[0]; top.Phrase != "Data cleaning" || top.Count != 3 {
		t.Errorf("top phrase = %+v; want Data cleaning with 3 postings", top)
	}
	md, _ := os.ReadFile(paths.SummaryMD)
	for _, want := range []string{"| raw postings | 8 |", "| no skills | 2 |", "8 raw postings = 3 distinct postings + 2 duplicates + 3 rejected"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("summary.md lacks %q:\n%s", want, md)
		}
	}
	if res.RowLevelSplitLeaks {
		t.Errorf("RowLevelSplitLeaks = true with 1 of 2 roles on one text; want false")
	}
}

func TestRunWarnsOfLeakage(t *testing.T) {
	work := t.TempDir()
	var raw []records.RawPosting
	for i := 0; i < 30; i++ {
		raw = append(raw, records.RawPosting{SourceRow: int64(i + 1), Role: []string{"Chef", "Pilot", "Nurse"}[i%3], Skills: []string{"Cooking", "Flying", "Caring"}[i%3]})
	}
	writeRaw(t, work, raw, nil)
	res, err := Run(context.Background(), Config{Workdir: work, Version: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if !res.RowLevelSplitLeaks || res.SingleTextRoles != 3 || res.Duplicates != 27 {
		t.Errorf("result = %+v; want a leak warning, 3 single-text roles, 27 duplicates", res)
	}
	md, _ := os.ReadFile(OutputPaths(work).SummaryMD)
	if !strings.Contains(string(md), "a row-level train/test split of these data will leak") {
		t.Errorf("summary.md lacks the leak warning:\n%s", md)
	}
}

func TestRunNeedsIngest(t *testing.T) {
	_, err := Run(context.Background(), Config{Workdir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "skillx ingest") {
		t.Errorf("Run without data/raw = %v; want an error naming skillx ingest", err)
	}
}

func TestRunRefusesInputsThatDoNotMatchTheirManifests(t *testing.T) {
	work := t.TempDir()
	writeRaw(t, work, []records.RawPosting{{SourceRow: 1, Role: "Chef", Skills: "Cooking"}}, nil)
	raw := filepath.Join(work, "data", "raw", "postings.parquet")
	if err := parquetio.WriteAll(raw, []records.RawPosting{{SourceRow: 1, Role: "Chef", Skills: "Cooking"}, {SourceRow: 2, Role: "Cook", Skills: "Baking"}}); err != nil {
		t.Fatal(err)
	}
	_, err := Run(context.Background(), Config{Workdir: work})
	if err == nil || !strings.Contains(err.Error(), "does not match its manifest") {
		t.Errorf("Run over a raw file changed after its manifest = %v; want a manifest mismatch error", err)
	}
	os.Remove(raw + ".manifest.json")
	_, err = Run(context.Background(), Config{Workdir: work})
	if err == nil || !strings.Contains(err.Error(), "has no manifest") {
		t.Errorf("Run over a raw file without a manifest = %v; want a missing manifest error", err)
	}
}

func TestRunRecordsTheHashesOfItsInputs(t *testing.T) {
	work := t.TempDir()
	writeRaw(t, work, []records.RawPosting{{SourceRow: 1, Role: "Chef", Skills: "Cooking"}}, nil)
	if _, err := Run(context.Background(), Config{Workdir: work, Version: "t"}); err != nil {
		t.Fatal(err)
	}
	m, err := manifest.Read(OutputPaths(work).Postings)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range m.Inputs {
		if !strings.HasPrefix(in.Path, "data/raw/") {
			t.Errorf("manifest input path %s; want it relative to the workdir (data/raw/...)", in.Path)
		}
		data, err := os.ReadFile(filepath.Join(work, in.Path))
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("%x", sha256.Sum256(data)); in.SHA256 != want || in.Size != int64(len(data)) {
			t.Errorf("manifest input %s: sha256 %s, size %d; want %s, %d", in.Path, in.SHA256, in.Size, want, len(data))
		}
	}
	if len(m.Inputs) != 2 {
		t.Errorf("manifest has %d inputs; want the raw postings and rejects", len(m.Inputs))
	}
}
