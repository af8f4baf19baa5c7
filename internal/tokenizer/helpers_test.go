package tokenizer

import (
	"github.com/skillx/skillx/internal/testenv"
	"sync"
	"testing"
)

// sharedFile returns the path of a file under ../shared (testenv.Shared).
func sharedFile(t testing.TB, rel string) string {
	t.Helper()
	return testenv.Shared(t, rel)
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
