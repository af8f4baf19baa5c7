package ingest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/skillx/skillx/internal/manifest"
)

// TestIngestKeysTheSourceByContent checks that the source file, outside the workdir, is keyed
// by its content: the same file at another path, or the workdir named relatively, or a new
// skillx version, does not rerun the stage; other content does.
func TestIngestKeysTheSourceByContent(t *testing.T) {
	work, src := t.TempDir(), t.TempDir()
	in := write(t, filepath.Join(src, "jobs.csv"), kaggleCSV)
	cfg := Config{Workdir: work, Inputs: []string{in}, Version: "v1"}
	if res, err := Run(context.Background(), cfg); err != nil || res.Skipped {
		t.Fatalf("first run: skipped %v, err %v; want a run", res != nil && res.Skipped, err)
	}
	m, err := manifest.Read(filepath.Join(work, "data", "raw", "postings.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Output.Path != "data/raw/postings.parquet" || len(m.Inputs) != 1 || m.Inputs[0].Path != in || m.Version != "v1" {
		t.Errorf("manifest output %s, inputs %+v, version %s; want data/raw/postings.parquet, %s (absolute) and v1", m.Output.Path, m.Inputs, m.Version, in)
	}

	moved := write(t, filepath.Join(src, "copy", "renamed.csv"), kaggleCSV)
	t.Chdir(work)
	for _, c := range []Config{
		{Workdir: work, Inputs: []string{moved}, Version: "v1"},
		{Workdir: ".", Inputs: []string{in}, Version: "v1"},
		{Workdir: work, Inputs: []string{in}, Version: "v2-dirty"},
	} {
		res, err := Run(context.Background(), c)
		if err != nil || !res.Skipped || res.RowsOut != 3 {
			t.Errorf("Run(workdir %s, input %s, version %s): skipped %v, rows %d, err %v; want skipped with 3 rows",
				c.Workdir, c.Inputs[0], c.Version, res != nil && res.Skipped, rowsOut(res), err)
		}
	}
	write(t, moved, kaggleCSV+"5,Pilot,Pilot,Flying,Flies,Fly,Air\n")
	res, err := Run(context.Background(), Config{Workdir: ".", Inputs: []string{moved}, Version: "v1"})
	if err != nil || res.Skipped || res.RowsOut != 4 {
		t.Errorf("run on other content: skipped %v, rows %d, err %v; want a rerun with 4 rows", res != nil && res.Skipped, rowsOut(res), err)
	}
}

func rowsOut(res *Result) int64 {
	if res == nil {
		return -1
	}
	return res.RowsOut
}
