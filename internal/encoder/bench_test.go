package encoder

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/skillx/skillx/internal/bertmodel"
	"github.com/skillx/skillx/internal/ortlib"
	"github.com/skillx/skillx/internal/ortlib/ortlibtest"
	"github.com/skillx/skillx/internal/tokenizer"
)

// benchModel returns the model file the benchmarks run: $SKILLX_BENCH_MODEL when set (for
// example the real all-MiniLM-L6-v2), else a random-weight model of exactly MiniLM-L6's shape,
// built once into the skillx cache folder (bench/minilm-l6-shaped-seed1.onnx, about 90 MB)
// and reused, so that bench/anchors/transformers-js.sh can run the same file.
func benchModel(b *testing.B) string {
	b.Helper()
	if p := os.Getenv("SKILLX_BENCH_MODEL"); p != "" {
		return p
	}
	dir, err := ortlib.CacheDir()
	if err != nil {
		b.Fatal(err)
	}
	cfg := bertmodel.MiniLML6()
	path := filepath.Join(dir, "bench", fmt.Sprintf("minilm-l6-shaped-seed%d.onnx", cfg.Seed))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if _, err := bertmodel.WriteFile(path, cfg); err != nil {
		b.Fatal(err)
	}
	b.Logf("built %s in %v", path, time.Since(start).Round(time.Millisecond))
	return path
}

// benchTexts returns the lines of the shared anchors/skills1000.txt.
func benchTexts(b *testing.B) []string {
	b.Helper()
	data, err := os.ReadFile(sharedFile(b, "anchors/skills1000.txt"))
	if err != nil {
		b.Fatal(err)
	}
	return strings.FieldsFunc(string(data), func(r rune) bool { return r == '\n' })
}

// BenchmarkONNXMiniLM embeds anchors/skills1000.txt (one op is the whole file) with a
// MiniLM-L6-shaped model, for 1 and 2 intra-op threads, ONNX Runtime's thread spinning off
// (the encoder's setting) or on (ONNX Runtime's default), each batch size, and the texts
// sorted by length or left in input order (every batch is padded to its own longest text
// either way). It reports texts/s, tokens/s (real word pieces, [CLS] and [SEP] included) and
// the share of padding among the positions fed to the model. Compare
// threads=2/spin=off/batch=32/sorted (the defaults on 2 cores) with
// bench/anchors/transformers-js.sh run on the model file that it logs.
func BenchmarkONNXMiniLM(b *testing.B) {
	ortlibtest.Init(b)
	model := benchModel(b)
	tokPath := realTokenizerPath(b)
	texts := benchTexts(b)
	b.Logf("model %s, %d texts", model, len(texts))
	defer func(saved bool) { spinning = saved }(spinning)
	for _, set := range []struct {
		threads int
		spin    bool
		batches []int
	}{
		{threads: 2, batches: []int{8, 16, 32, 64}},
		{threads: 1, batches: []int{8, 16, 32, 64}},
		{threads: 2, spin: true, batches: []int{32}},
	} {
		spinning = set.spin
		e, err := NewONNX(ONNXConfig{Model: model, Tokenizer: tokPath, Threads: set.threads})
		if err != nil {
			b.Fatal(err)
		}
		spin := map[bool]string{false: "off", true: "on"}[set.spin]
		for _, batch := range set.batches {
			for _, sorted := range []bool{true, false} {
				order := map[bool]string{false: "input-order", true: "sorted"}[sorted]
				b.Run(fmt.Sprintf("threads=%d/spin=%s/batch=%d/%s", set.threads, spin, batch, order), func(b *testing.B) {
					e.cfg.BatchSize, e.sorted = batch, sorted
					if _, err := e.Encode(context.Background(), texts[:2*batch]); err != nil { // warm up
						b.Fatal(err)
					}
					before := e.Stats()
					for b.Loop() {
						if _, err := e.Encode(context.Background(), texts); err != nil {
							b.Fatal(err)
						}
					}
					s := e.Stats()
					secs := b.Elapsed().Seconds()
					tokens, padded := s.Tokens-before.Tokens, s.PaddedTokens-before.PaddedTokens
					b.ReportMetric(float64(s.Texts-before.Texts)/secs, "texts/s")
					b.ReportMetric(float64(tokens)/secs, "tokens/s")
					b.ReportMetric(float64(padded)/float64(tokens+padded), "padding-share")
				})
			}
		}
		if err := e.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTokenize measures the tokenizer alone on anchors/skills1000.txt, to weigh
// tokenisation against the model run (an overlap of the two can save at most this much).
func BenchmarkTokenize(b *testing.B) {
	tok, err := tokenizer.Load(realTokenizerPath(b), tokenizer.Config{MaxLength: DefaultMaxLength})
	if err != nil {
		b.Fatal(err)
	}
	texts := benchTexts(b)
	for b.Loop() {
		tok.EncodeBatch(texts)
	}
	b.ReportMetric(float64(len(texts)*b.N)/b.Elapsed().Seconds(), "texts/s")
}
