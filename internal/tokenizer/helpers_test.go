package tokenizer

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// findShared returns ../shared beside the folder above the working directory
// that holds go.mod, or "" when there is no such folder.
func findShared() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if fileExists(filepath.Join(dir, "go.mod")) {
			return filepath.Join(dir, "..", "shared")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// sharedFile returns the path of a file under the shared folder. It skips
// the test when the file is absent, or fails it when SKILLX_REQUIRE_SHARED=1.
func sharedFile(t testing.TB, rel string) string {
	t.Helper()
	shared := findShared()
	p := filepath.Join(shared, rel)
	if shared == "" || !fileExists(p) {
		msg := "shared file not found: " + p + " (want ../shared beside the module root)"
		if os.Getenv("SKILLX_REQUIRE_SHARED") == "1" {
			t.Fatalf("%s; SKILLX_REQUIRE_SHARED=1", msg)
		}
		t.Skip(msg)
	}
	return p
}

var (
	realOnce sync.Once
	realTok  *Tokenizer
	realErr  error
)

// realTokenizer loads the real all-MiniLM-L6-v2 tokenizer.json once.
func realTokenizer(t testing.TB) *Tokenizer {
	t.Helper()
	path := sharedFile(t, "models/all-MiniLM-L6-v2/tokenizer.json")
	realOnce.Do(func() { realTok, realErr = Load(path, Config{}) })
	if realErr != nil {
		t.Fatal(realErr)
	}
	return realTok
}
