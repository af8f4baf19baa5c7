package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/skillx/skillx/internal/manifest"
)

func TestDoctorDiskOfMissingWorkdir(t *testing.T) {
	parent := t.TempDir()
	c := diskCheck(filepath.Join(parent, "not", "yet"))
	if c.status == "FAIL" || !strings.Contains(c.detail, "does not exist yet") || !strings.HasSuffix(c.detail, "free in "+parent) {
		t.Errorf("disk check of a missing workdir = %+v; want ok or warn, saying it will be created, with the free space of %s", c, parent)
	}
}

func TestDoctorEncoder(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		encoder, status, want string
	}{
		{"hashing-v1-384", "warn", "fallback hashing encoder"},
		{"corpus-v1-136:bc82243bed9e", "warn", "fallback corpus encoder"},
		{"all-MiniLM-L6-v2:759c3cd2b7fe", "ok", "trained on all-MiniLM-L6-v2"},
	}
	for _, tt := range tests {
		p := filepath.Join(dir, "classifier.json")
		if err := os.WriteFile(p, []byte(`{"format":"skillx-classifier-v1","labels":["a","b"],"encoder":"`+tt.encoder+`"}`), 0o644); err != nil {
			t.Fatal(err)
		}
		c, ok := encoderCheck(p)
		if !ok || c.status != tt.status || !strings.Contains(c.detail, tt.want) {
			t.Errorf("encoder check of %s = %+v, %v; want %s with %q", tt.encoder, c, ok, tt.status, tt.want)
		}
	}
	if _, ok := encoderCheck(filepath.Join(dir, "missing.json")); ok {
		t.Error("encoder check of a missing classifier.json reported something")
	}
}

// TestDoctorStale writes an output with a manifest naming its input the way a stage run from
// the workdir's parent records it, then changes the input.
func TestDoctorStale(t *testing.T) {
	parent := t.TempDir()
	t.Chdir(parent)
	in, out := filepath.Join("w", "data", "raw", "postings.parquet"), filepath.Join("w", "data", "clean", "postings.parquet")
	for _, p := range []string{in, out} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("content of "+p), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	refs, err := manifest.HashInputs("", []string{in})
	if err != nil {
		t.Fatal(err)
	}
	if err := manifest.Write(out, manifest.Manifest{Stage: "clean", Inputs: refs}); err != nil {
		t.Fatal(err)
	}

	// From the parent (as the stage ran) and from inside the workdir (the recorded paths are
	// mapped), the output is up to date.
	for _, wd := range []string{"w", filepath.Join(parent, "w")} {
		if got := staleChecks(wd); len(got) != 1 || got[0].status != "ok" || got[0].detail != "1 outputs match their manifests and inputs" {
			t.Errorf("staleChecks(%s) on fresh outputs = %+v; want one ok line", wd, got)
		}
	}
	t.Chdir("w")
	if got := staleChecks("."); len(got) != 1 || got[0].status != "ok" {
		t.Errorf("staleChecks(.) from inside the workdir = %+v; want one ok line", got)
	}
	t.Chdir(parent)

	if err := os.WriteFile(in, []byte("new content, same stage input"), 0o644); err != nil {
		t.Fatal(err)
	}
	got := staleChecks("w")
	want := "w/data/clean/postings.parquet is out of date: its input w/data/raw/postings.parquet changed after `skillx clean` wrote it"
	if len(got) != 1 || got[0].status != "warn" || !strings.HasPrefix(got[0].detail, want) {
		t.Errorf("staleChecks after the input changed = %+v; want one warning %q", got, want)
	}

	if err := os.WriteFile(out, []byte("edited by hand"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := staleChecks("w"); len(got) != 1 || !strings.Contains(got[0].detail, "does not match its manifest") {
		t.Errorf("staleChecks after the output changed = %+v; want a warning that it does not match its manifest", got)
	}
}
