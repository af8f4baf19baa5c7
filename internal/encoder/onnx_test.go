package encoder

import (
	"context"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/skillx/skillx/internal/bertmodel"
	"github.com/skillx/skillx/internal/ortlib/ortlibtest"
)

// texts5 are five texts of different lengths, in no order of length.
var texts5 = []string{
	"Python, SQL, data analysis, machine learning, stakeholder management and public speaking",
	"Excel",
	"Content writing, Hadoop, Git",
	"Kubernetes; Terraform; AWS (EC2, S3, IAM); CI/CD pipelines with GitHub Actions",
	"Team leadership",
}

// oddTexts are the inputs that must not crash the encoder.
var oddTexts = []string{"", "!!! ... ???", "   ", "\xff\xfeJava\xc3", "Café résumé naïve, 日本語", "[CLS] [SEP] [PAD]"}

func newTiny(t *testing.T, modelPath string, batch int) *ONNX {
	t.Helper()
	e, err := NewONNX(ONNXConfig{Model: modelPath, Tokenizer: realTokenizerPath(t), BatchSize: batch, Threads: 1})
	if err != nil {
		t.Fatalf("NewONNX() error = %v", err)
	}
	t.Cleanup(func() {
		if err := e.Close(); err != nil {
			t.Error(err)
		}
	})
	return e
}

func TestONNXMatchesReference(t *testing.T) {
	ortlibtest.Init(t)
	tokPath := realTokenizerPath(t)
	pooled := bertmodel.Tiny()
	pooled.Pooled = true
	tests := []struct {
		name    string
		cfg     bertmodel.Config
		model   func(t *testing.T) string
		wantOut string
		texts   []string
	}{
		{name: "last_hidden_state", cfg: bertmodel.Tiny(), wantOut: lastHiddenState, texts: texts5,
			model: func(t *testing.T) string { return writeModel(t, bertmodel.Tiny()) }},
		{name: "sentence_embedding", cfg: pooled, wantOut: sentenceEmbedding, texts: texts5,
			model: func(t *testing.T) string { return writeModel(t, pooled) }},
		{name: "no token_type_ids", cfg: bertmodel.Tiny(), wantOut: lastHiddenState, texts: texts5,
			model: func(t *testing.T) string {
				return writeBytes(t, "model.onnx", withoutTokenTypes(t, bertmodel.Tiny()))
			}},
		{name: "odd texts", cfg: bertmodel.Tiny(), wantOut: lastHiddenState, texts: oddTexts,
			model: func(t *testing.T) string { return writeModel(t, bertmodel.Tiny()) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTiny(t, tt.model(t), 2)
			if e.sig.output != tt.wantOut {
				t.Fatalf("output = %s; want %s", e.sig.output, tt.wantOut)
			}
			if got, want := e.Dim(), tt.cfg.Hidden; got != want {
				t.Fatalf("Dim() = %d; want %d", got, want)
			}
			got, err := e.Encode(context.Background(), tt.texts)
			if err != nil {
				t.Fatalf("Encode() error = %v", err)
			}
			want := reference(t, tt.cfg, tokPath, tt.texts)
			if d := maxDiff(t, got, want); d > 1e-4 {
				t.Errorf("Encode() differs from the reference by %.3g; want at most 1e-4", d)
			} else {
				t.Logf("largest difference from the reference: %.2g", d)
			}
			for i, v := range got {
				if n := norm(v); math.Abs(n-1) > 1e-5 {
					t.Errorf("norm of vector %d (%q) = %v; want 1", i, tt.texts[i], n)
				}
			}
			s := e.Stats()
			if want := int64((len(tt.texts) + 1) / 2); s.Batches != want || s.Texts != int64(len(tt.texts)) {
				t.Errorf("Stats() = %+v; want %d texts in %d batches", s, len(tt.texts), want)
			}
		})
	}
}

// TestPaddingDoesNotLeak encodes each text alone and inside one batch with longer texts: the
// padding of the batch must not change its vector.
func TestPaddingDoesNotLeak(t *testing.T) {
	ortlibtest.Init(t)
	for _, pooled := range []bool{false, true} {
		cfg := bertmodel.Tiny()
		cfg.Pooled = pooled
		e := newTiny(t, writeModel(t, cfg), 16)
		batch := append(append([]string{}, texts5...), oddTexts...)
		all, err := e.Encode(context.Background(), batch)
		if err != nil {
			t.Fatalf("Encode(batch) error = %v", err)
		}
		for i, text := range batch {
			alone, err := e.Encode(context.Background(), []string{text})
			if err != nil {
				t.Fatalf("Encode(%q) error = %v", text, err)
			}
			if d := maxDiff(t, all[i:i+1], alone); d > 1e-5 {
				t.Errorf("pooled=%v: Encode(%q) alone and in a batch differ by %.3g; want at most 1e-5", pooled, text, d)
			}
		}
	}
}

func TestEncodeStats(t *testing.T) {
	ortlibtest.Init(t)
	e := newTiny(t, writeModel(t, bertmodel.Tiny()), 3)
	// Token counts with [CLS] and [SEP]: "a" 3, "a b" 4, "a b c" 5, "a b c d e f" 8, "" 2.
	texts := []string{"a b c d e f", "a", "\xffa b", "", "a b c"}
	got, err := e.Encode(context.Background(), texts)
	if err != nil {
		t.Fatalf("Encode() error = %v", err)
	}
	if len(got) != len(texts) {
		t.Fatalf("Encode() returned %d vectors; want %d", len(got), len(texts))
	}
	// Sorted by length: batch [2 3 4] padded to 4, batch [5 8] padded to 8.
	want := Stats{Texts: 5, Tokens: 22, PaddedTokens: 3 + 3, Batches: 2, InvalidUTF8: 1}
	if s := e.Stats(); s != want {
		t.Errorf("Stats() = %+v; want %+v", s, want)
	}
	if got, want := e.Stats().PaddingShare(), 6.0/28; math.Abs(got-want) > 1e-12 {
		t.Errorf("PaddingShare() = %v; want %v", got, want)
	}

	empty, err := e.Encode(context.Background(), nil)
	if err != nil || len(empty) != 0 {
		t.Errorf("Encode(nil) = %d vectors, %v; want 0, nil", len(empty), err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Encode(ctx, texts); !errors.Is(err, context.Canceled) {
		t.Errorf("Encode(cancelled) error = %v; want context.Canceled", err)
	}
	if err := e.Close(); err != nil {
		t.Fatalf("Close() error = %v", err)
	}
	if _, err := e.Encode(context.Background(), texts); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("Encode() after Close error = %v; want encoder is closed", err)
	}
}

func TestONNXID(t *testing.T) {
	ortlibtest.Init(t)
	path := filepath.Join(t.TempDir(), "model.onnx")
	sum, err := bertmodel.WriteFile(path, bertmodel.Tiny())
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, want string }{{"", "minilm:" + sum[:12]}, {"tiny", "tiny:" + sum[:12]}} {
		e, err := NewONNX(ONNXConfig{Model: path, Tokenizer: realTokenizerPath(t), Name: tt.name, Threads: 1})
		if err != nil {
			t.Fatal(err)
		}
		if got := e.ID(); got != tt.want {
			t.Errorf("ID() with Name %q = %q; want %q", tt.name, got, tt.want)
		}
		if got := e.ModelSHA256(); got != sum {
			t.Errorf("ModelSHA256() = %q; want %q", got, sum)
		}
		if err := errors.Join(e.Close(), e.Close()); err != nil {
			t.Errorf("Close() twice error = %v", err)
		}
	}
}

// TestNewONNXErrors checks that each bad input gives an error naming the problem.
func TestNewONNXErrors(t *testing.T) {
	tokPath := realTokenizerPath(t)
	dir := t.TempDir()
	good := writeModel(t, bertmodel.Tiny())
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	truncated := writeBytes(t, "truncated.onnx", data[:1000])
	empty := writeBytes(t, "empty.onnx", nil)
	logits := writeBytes(t, "logits.onnx", logitsModel(t))
	text := writeBytes(t, "model.onnx", []byte("this is not an onnx model\n"))

	tests := []struct {
		name string
		cfg  ONNXConfig
		want []string
	}{
		{"missing model", ONNXConfig{Model: filepath.Join(dir, "nope.onnx"), Tokenizer: tokPath},
			[]string{"nope.onnx", "no such file", "make models"}},
		{"truncated model", ONNXConfig{Model: truncated, Tokenizer: tokPath},
			[]string{truncated, "1000 bytes", "not a complete onnx file"}},
		{"empty model", ONNXConfig{Model: empty, Tokenizer: tokPath}, []string{empty, "is empty"}},
		{"text file", ONNXConfig{Model: text, Tokenizer: tokPath}, []string{text}},
		{"wrong output", ONNXConfig{Model: logits, Tokenizer: tokPath},
			[]string{logits, "no output last_hidden_state or sentence_embedding", "outputs are [logits float32 [batch sequence]]",
				"inputs are [input_ids int64 [batch sequence], attention_mask int64 [batch sequence]]", "want int64 inputs"}},
		{"missing tokenizer", ONNXConfig{Model: good, Tokenizer: filepath.Join(dir, "tokenizer.json")},
			[]string{"tokenizer.json", "no such file", "make models"}},
		{"no files", ONNXConfig{}, []string{"no model file given", "no tokenizer file given"}},
		{"negative settings", ONNXConfig{Model: good, Tokenizer: tokPath, BatchSize: -1, Threads: -2, MaxLength: -3},
			[]string{"batch size is -1", "threads is -2", "max length is -3"}},
		{"everything wrong at once", ONNXConfig{Model: truncated, Tokenizer: filepath.Join(dir, "vocab.txt"), BatchSize: -1},
			[]string{"not a complete onnx file", "vocab.txt", "batch size is -1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := NewONNX(tt.cfg)
			if err == nil {
				e.Close()
				t.Fatalf("NewONNX(%+v) error = nil; want %q", tt.cfg, tt.want)
			}
			t.Logf("NewONNX() error = %v", err)
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("NewONNX() error = %q; want it to contain %q", err, w)
				}
			}
		})
	}
}

// TestNewONNXWithoutRuntime runs NewONNX in a child process whose SKILLX_ORT_LIB names a
// missing file, since ONNX Runtime is loaded once per process.
func TestNewONNXWithoutRuntime(t *testing.T) {
	if os.Getenv("SKILLX_ENCODER_CHILD") == "1" {
		_, err := NewONNX(ONNXConfig{Model: os.Getenv("SKILLX_ENCODER_MODEL"), Tokenizer: realTokenizerPath(t)})
		if err == nil {
			t.Fatal("NewONNX() error = nil; want onnx runtime not found")
		}
		os.Stdout.WriteString("ERROR: " + err.Error() + "\n")
		return
	}
	model := writeModel(t, bertmodel.Tiny())
	missing := filepath.Join(t.TempDir(), "libonnxruntime.so.1")
	cmd := exec.Command(os.Args[0], "-test.run=^TestNewONNXWithoutRuntime$", "-test.v")
	cmd.Env = append(os.Environ(), "SKILLX_ENCODER_CHILD=1", "SKILLX_ORT_LIB="+missing, "SKILLX_ENCODER_MODEL="+model)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child process: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "SKIP") {
		t.Skipf("child process skipped:\n%s", out)
	}
	t.Logf("child output:\n%s", out)
	for _, want := range []string{"ERROR: onnx encoder: load onnx runtime", "SKILLX_ORT_LIB=" + missing, "make setup", "no such file"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("child output = %q; want it to contain %q", out, want)
		}
	}
}

// TestNewONNXModelFailsToRun uses a model whose signature is right but whose vocabulary is too
// small for the tokenizer's ids: NewONNX's test run must report it.
func TestNewONNXModelFailsToRun(t *testing.T) {
	ortlibtest.Init(t)
	cfg := bertmodel.Tiny()
	cfg.VocabSize = 50
	path := writeModel(t, cfg)
	e, err := NewONNX(ONNXConfig{Model: path, Tokenizer: realTokenizerPath(t), Threads: 1})
	if err == nil {
		e.Close()
		t.Fatal("NewONNX() error = nil; want the test run to fail")
	}
	t.Logf("NewONNX() error = %v", err)
	for _, want := range []string{path, "run on a test input"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("NewONNX() error = %q; want it to contain %q", err, want)
		}
	}
}
