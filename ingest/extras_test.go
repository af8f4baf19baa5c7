package ingest

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/skillx/skillx/internal/manifest"
	"github.com/skillx/skillx/internal/records"
)

// extrasOf returns the extras of each posting, as key=value strings.
func extrasOf(postings []records.RawPosting) [][]string {
	out := make([][]string, len(postings))
	for i, p := range postings {
		for _, e := range p.Extras {
			out[i] = append(out[i], e.Key+"="+e.Value)
		}
	}
	return out
}

func TestIngestJSONLKeysThatComeLate(t *testing.T) {
	dir := t.TempDir()
	in := write(t, filepath.Join(dir, "jobs.jsonl"),
		`{"position":"Baker","needs":"Bread","city":"Lyon"}`+"\n"+
			`{"position":"Barista","needs":"Coffee","city":"Nice","salary":"30k"}`+"\n"+
			`{"position":"Chef","needs":"Cooking","remote":"no"}`+"\n")
	m, err := ParseMapping([]string{"role=position,skills=needs"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), Config{Workdir: dir, Inputs: []string{in}, Map: m, Version: "t"}); err != nil {
		t.Fatal(err)
	}
	postings, _ := readOutputs(t, dir)
	want := [][]string{{"city=Lyon"}, {"city=Nice", "salary=30k"}, {"remote=no"}}
	if got := extrasOf(postings); !reflect.DeepEqual(got, want) {
		t.Errorf("extras = %q; want %q (keys that appear after the first record kept too)", got, want)
	}
}

func TestIngestExtrasOfSeveralFiles(t *testing.T) {
	dir := t.TempDir()
	a := write(t, filepath.Join(dir, "a.csv"), "Role,skills,Company,,Notes,column_4\nChef,Cooking,Diner,x,n1,n2\n")
	b := write(t, filepath.Join(dir, "b.csv"), "skills,Role,Country,Company\nBaking,Baker,France,\n")
	res, err := Run(context.Background(), Config{Workdir: dir, Inputs: []string{a, b}, Preset: "kaggle",
		Map: Mapping{FieldID: "Role", FieldTitle: "Role", FieldDescription: "Role", FieldResponsibilities: "Role"}, Version: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if res.RowsOut != 2 {
		t.Fatalf("%d postings; want 2", res.RowsOut)
	}
	postings, _ := readOutputs(t, dir)
	// Columns of both files, in the order they first appear; an empty name is named by its
	// position (and a name that collides with it numbered), and an empty value is left out.
	want := [][]string{{"Company=Diner", "column_4=x", "Notes=n1", "column_4_2=n2"}, {"Country=France"}}
	if got := extrasOf(postings); !reflect.DeepEqual(got, want) {
		t.Errorf("extras = %q; want %q", got, want)
	}
}

func TestIngestManyRowsKeepsEveryValue(t *testing.T) {
	// More rows than the sample that decides the extras' encodings and than a row group, with a
	// column that rarely repeats (written plain) and one that does (dictionary).
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("Job Id,Role,skills,Contact,Country\n")
	const n = 60_000
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "%d,Role %d,Skill %d,555-%07d,%s\n", i, i%7, i%5, i*13, []string{"France", "", "Japan"}[i%3])
	}
	in := write(t, filepath.Join(dir, "jobs.csv"), b.String())
	res, err := Run(context.Background(), Config{Workdir: dir, Inputs: []string{in}, Preset: "kaggle",
		Map: Mapping{FieldTitle: "Role", FieldDescription: "Role", FieldResponsibilities: "Role"}, Version: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if res.RowsIn != n || res.RowsOut != n {
		t.Fatalf("rows in/out = %d/%d; want %d/%d", res.RowsIn, res.RowsOut, n, n)
	}
	postings, _ := readOutputs(t, dir)
	for i, p := range postings {
		want := []records.Extra{{Key: "Contact", Value: fmt.Sprintf("555-%07d", i*13)}}
		if c := []string{"France", "", "Japan"}[i%3]; c != "" {
			want = append(want, records.Extra{Key: "Country", Value: c})
		}
		if p.PostingID != fmt.Sprint(i) || p.SourceRow != int64(i+1) || p.SourceLine != int64(i+2) ||
			p.Role != fmt.Sprintf("Role %d", i%7) || !reflect.DeepEqual(p.Extras, want) {
			t.Fatalf("posting %d = %+v; want id %d, row %d, extras %v", i, p, i, i+1, want)
		}
	}
}

func TestIngestHashesInputsWhileReading(t *testing.T) {
	dir := t.TempDir()
	plain := write(t, filepath.Join(dir, "a.csv"), kaggleCSV)
	gz := write(t, filepath.Join(dir, "b.csv.gz"), kaggleCSV)
	for _, in := range []string{plain, gz} {
		work := t.TempDir()
		cfg := Config{Workdir: work, Inputs: []string{in}, Preset: "kaggle", Version: "t"}
		if _, err := Run(context.Background(), cfg); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("%x", sha256.Sum256(data))
		postings, _ := OutputPaths(work)
		m, err := manifest.Read(postings)
		if err != nil || len(m.Inputs) != 1 || m.Inputs[0].SHA256 != want || m.Inputs[0].Size != int64(len(data)) {
			t.Fatalf("%s: manifest inputs = %+v, %v; want its sha256 %s and size %d", in, m, err, want, len(data))
		}
		// A rerun takes the hash from the manifest and finds the outputs up to date.
		res, err := Run(context.Background(), cfg)
		if err != nil || !res.Skipped {
			t.Errorf("%s: rerun = %+v, %v; want it skipped as up to date", in, res, err)
		}
	}
}
