package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

func TestModuleRootHoldsGoMod(t *testing.T) {
	root := ModuleRoot()
	if _, err := os.Stat(filepath.Join(root, "go.mod")); root == "" || err != nil {
		t.Fatalf("ModuleRoot() = %q: no go.mod there", root)
	}
	if got, want := SharedDir(), filepath.Join(root, "..", "shared"); got != want {
		t.Errorf("SharedDir() = %q, want %q", got, want)
	}
}

func TestSharedSkipsOrFails(t *testing.T) {
	t.Setenv(RequireSharedVar, "")
	ok := t.Run("missing", func(t *testing.T) {
		Shared(t, "no/such/file")
		t.Error("Shared returned for a missing file")
	})
	if !ok {
		t.Error("a missing shared file failed the test without SKILLX_REQUIRE_SHARED")
	}
}

// TestSharedCSV reads two named columns of the shared Kaggle sample, in the order asked.
func TestSharedCSV(t *testing.T) {
	rows := SharedCSV(t, "kaggle-job-descriptions/job_descriptions_sample.csv", "skills", "Role")
	if len(rows) < 100 {
		t.Fatalf("%d records; want the sample's thousands", len(rows))
	}
	for _, r := range rows[:10] {
		if len(r) != 2 || r[0] == "" || r[1] == "" || len(r[1]) > len(r[0])+200 {
			t.Errorf("record %q; want a skills text and a role, in that order", r)
		}
	}
}
