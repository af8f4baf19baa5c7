// Package layout names the files of a workdir: where each stage writes its outputs and the
// next stages read them. It is the one place that knows the folder layout, so stages find
// each other's files without importing each other.
package layout

import "path/filepath"

// Features outputs.
func featuresDir(workdir string) string { return filepath.Join(workdir, "data", "features") }

// Embeddings is the Arrow file of vectors, one per distinct text (features).
func Embeddings(workdir string) string {
	return filepath.Join(featuresDir(workdir), "embeddings.arrow")
}

// Examples is the Parquet file of training examples (features).
func Examples(workdir string) string {
	return filepath.Join(featuresDir(workdir), "examples.parquet")
}

// TFIDF is the corpus-fitted TF-IDF model (features).
func TFIDF(workdir string) string { return filepath.Join(featuresDir(workdir), "tfidf.bin") }

// Corpus is the corpus encoder: the LSA projection of the TF-IDF vectors (features).
func Corpus(workdir string) string { return filepath.Join(featuresDir(workdir), "corpus.bin") }

// MiniLMDir is where `make models` puts all-MiniLM-L6-v2.
func MiniLMDir(workdir string) string {
	return filepath.Join(workdir, "models", "all-MiniLM-L6-v2")
}
