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
