package layout

import (
	"path/filepath"
	"testing"
)

// TestPaths pins the layout: the README's Files table and other tools rely on these paths.
func TestPaths(t *testing.T) {
	w := filepath.Join("w")
	for got, want := range map[string]string{
		Embeddings(w): "w/data/features/embeddings.arrow",
		Examples(w):   "w/data/features/examples.parquet",
		TFIDF(w):      "w/data/features/tfidf.bin",
		Corpus(w):     "w/data/features/corpus.bin",
		MiniLMDir(w):  "w/models/all-MiniLM-L6-v2",
	} {
		if got != filepath.FromSlash(want) {
			t.Errorf("got %s, want %s", got, want)
		}
	}
}
