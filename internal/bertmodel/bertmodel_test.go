package bertmodel

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/skillx/skillx/internal/onnxpb"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(c *Config)
		want   string // "" means valid
	}{
		{"tiny", func(c *Config) {}, ""},
		{"pooled", func(c *Config) { c.Pooled = true }, ""},
		{"heads do not divide hidden", func(c *Config) { c.Heads = 5 }, "hidden 32 is not a multiple of heads 5"},
		{"no layers", func(c *Config) { c.Layers = 0 }, "layers is 0; want > 0"},
		{"two problems", func(c *Config) { c.VocabSize, c.MaxPositions = -1, 0 }, "vocab size is -1; want > 0\nmax positions is 0; want > 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Tiny()
			tt.change(&c)
			err := c.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate() = %v; want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Validate() = %v; want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestMiniLML6(t *testing.T) {
	c := MiniLML6()
	got := [...]int{c.VocabSize, c.Hidden, c.Layers, c.Heads, c.Intermediate, c.MaxPositions, c.HeadSize()}
	want := [...]int{30522, 384, 6, 12, 1536, 512, 32}
	if got != want {
		t.Errorf("MiniLML6() = %v; want %v", got, want)
	}
}

func TestWriteFileDeterministic(t *testing.T) {
	dir := t.TempDir()
	sums := map[string]string{}
	for _, run := range []struct {
		file string
		seed uint64
	}{{"a.onnx", 1}, {"b.onnx", 1}, {"c.onnx", 2}} {
		cfg := Tiny()
		cfg.Seed = run.seed
		path := filepath.Join(dir, run.file)
		sum, err := WriteFile(path, cfg)
		if err != nil {
			t.Fatalf("WriteFile(%s) error = %v", run.file, err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if h := sha256.Sum256(data); hex.EncodeToString(h[:]) != sum {
			t.Errorf("WriteFile(%s) = %s; the file's sha256 is %x", run.file, sum, h)
		}
		sums[run.file] = sum
	}
	if sums["a.onnx"] != sums["b.onnx"] {
		t.Errorf("seed 1 twice gave sha256 %s and %s; want the same", sums["a.onnx"], sums["b.onnx"])
	}
	if sums["a.onnx"] == sums["c.onnx"] {
		t.Errorf("seeds 1 and 2 both gave sha256 %s; want different files", sums["a.onnx"])
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 3 {
		t.Errorf("folder holds %d entries after three writes; want 3 (no temporary files left)", len(entries))
	}
}

func TestWriteFileErrors(t *testing.T) {
	dir := t.TempDir()
	bad := Tiny()
	bad.Heads = 3
	notDir := filepath.Join(dir, "file")
	if err := os.WriteFile(notDir, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		path string
		cfg  Config
		want string
	}{
		{"bad config", filepath.Join(dir, "m.onnx"), bad, "invalid bert config"},
		{"folder is a file", filepath.Join(notDir, "m.onnx"), Tiny(), notDir},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := WriteFile(tt.path, tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("WriteFile() error = %v; want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestSignatureAndMetadata(t *testing.T) {
	ids := func(name string) onnxpb.ValueInfo {
		return onnxpb.ValueInfo{Name: name, ElemType: onnxpb.Int64, Shape: []onnxpb.Dim{{Param: "batch"}, {Param: "sequence"}}}
	}
	wantIn := []onnxpb.ValueInfo{ids(InputIDs), ids(AttentionMask), ids(TokenTypeIDs)}
	tests := []struct {
		pooled  bool
		wantOut onnxpb.ValueInfo
	}{
		{false, onnxpb.ValueInfo{Name: LastHiddenState, ElemType: onnxpb.Float, Shape: []onnxpb.Dim{{Param: "batch"}, {Param: "sequence"}, {Value: 32}}}},
		{true, onnxpb.ValueInfo{Name: SentenceEmbedding, ElemType: onnxpb.Float, Shape: []onnxpb.Dim{{Param: "batch"}, {Value: 32}}}},
	}
	for _, tt := range tests {
		cfg := Tiny()
		cfg.Pooled = tt.pooled
		data, err := NewWeights(cfg).ONNX()
		if err != nil {
			t.Fatalf("ONNX() error = %v", err)
		}
		in, out, err := onnxpb.ReadSignature(data)
		if err != nil {
			t.Fatalf("ReadSignature() error = %v", err)
		}
		if !reflect.DeepEqual(in, wantIn) || !reflect.DeepEqual(out, []onnxpb.ValueInfo{tt.wantOut}) {
			t.Errorf("pooled=%v: signature = %+v -> %+v; want %+v -> %+v", tt.pooled, in, out, wantIn, tt.wantOut)
		}
		md, err := onnxpb.ReadMetadata(data)
		if err != nil || len(md) != 1 || md[0].Key != MetadataConfigKey {
			t.Fatalf("ReadMetadata() = %q, %v; want one %s entry", md, err, MetadataConfigKey)
		}
		var got Config
		if err := json.Unmarshal([]byte(md[0].Value), &got); err != nil || got != cfg {
			t.Errorf("metadata config = %+v (%v); want %+v", got, err, cfg)
		}
	}
}

func TestONNXSharesWeights(t *testing.T) {
	w := NewWeights(Tiny())
	a, err := w.ONNX()
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewWeights(Tiny()).ONNX()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("two NewWeights(Tiny()).ONNX() differ; want the same bytes")
	}
	if n := len(a); n < 4*len(w.WordEmbeddings) || n > 4*len(w.WordEmbeddings)+2<<20 {
		t.Errorf("tiny model is %d bytes; want a bit more than its word embeddings (%d)", n, 4*len(w.WordEmbeddings))
	}
}

func TestMeanPool(t *testing.T) {
	hidden := [][][]float32{
		{{3, 0}, {0, 4}, {100, 100}},
		{{0, 0}, {0, 0}, {0, 0}},
	}
	mask := [][]int64{{1, 1, 0}, {1, 1, 1}}
	got := MeanPool(hidden, mask)
	want := [][]float32{{0.6, 0.8}, {0, 0}}
	for i := range want {
		for j := range want[i] {
			if math.Abs(float64(got[i][j]-want[i][j])) > 1e-6 {
				t.Errorf("MeanPool()[%d][%d] = %v; want %v", i, j, got[i][j], want[i][j])
			}
		}
	}
}

func TestForwardPaddingInvariant(t *testing.T) {
	// Padding a sequence must not change its real tokens' vectors.
	w := NewWeights(Tiny())
	short := w.Forward([][]int64{{101, 2000, 102}}, [][]int64{{1, 1, 1}}, [][]int64{{0, 0, 0}})
	padded := w.Forward([][]int64{{101, 2000, 102, 0, 0}}, [][]int64{{1, 1, 1, 0, 0}}, [][]int64{{0, 0, 0, 0, 0}})
	for tok := range 3 {
		for j := range short[0][tok] {
			if d := math.Abs(float64(short[0][tok][j] - padded[0][tok][j])); d > 1e-6 {
				t.Fatalf("token %d dim %d: %v unpadded, %v padded; want equal", tok, j, short[0][tok][j], padded[0][tok][j])
			}
		}
	}
}
