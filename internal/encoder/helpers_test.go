package encoder

import (
	"github.com/skillx/skillx/internal/testenv"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/skillx/skillx/internal/bertmodel"
	"github.com/skillx/skillx/internal/onnxpb"
	"github.com/skillx/skillx/internal/tokenizer"
)

// sharedFile returns the path of a file under ../shared (testenv.Shared).
func sharedFile(tb testing.TB, rel string) string {
	tb.Helper()
	return testenv.Shared(tb, rel)
}

// realTokenizerPath returns the path of all-MiniLM-L6-v2's tokenizer.json.
func realTokenizerPath(tb testing.TB) string {
	tb.Helper()
	return sharedFile(tb, "models/all-MiniLM-L6-v2/tokenizer.json")
}

// writeModel writes a model of shape cfg into a temporary folder and returns its path.
func writeModel(tb testing.TB, cfg bertmodel.Config) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "model.onnx")
	if _, err := bertmodel.WriteFile(path, cfg); err != nil {
		tb.Fatal(err)
	}
	return path
}

// writeBytes writes data to name in a temporary folder and returns its path.
func writeBytes(tb testing.TB, name string, data []byte) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

// withoutTokenTypes returns the ONNX file of cfg's model without the input token_type_ids:
// the graph computes it instead as input_ids times 0, so the model gives the same result as
// the original fed all-zero token types.
func withoutTokenTypes(tb testing.TB, cfg bertmodel.Config) []byte {
	tb.Helper()
	data, err := bertmodel.NewWeights(cfg).ONNX()
	if err != nil {
		tb.Fatal(err)
	}
	m, err := onnxpb.Unmarshal(data)
	if err != nil {
		tb.Fatal(err)
	}
	var inputs []onnxpb.ValueInfo
	for _, in := range m.Graph.Inputs {
		if in.Name != tokenTypeIDs {
			inputs = append(inputs, in)
		}
	}
	m.Graph.Inputs = inputs
	m.Graph.Initializers = append(m.Graph.Initializers, onnxpb.Int64Tensor("zero_int64", nil, []int64{0}))
	zeros := onnxpb.Node{OpType: "Mul", Name: "token_type_ids_zero", Inputs: []string{inputIDs, "zero_int64"}, Outputs: []string{tokenTypeIDs}}
	m.Graph.Nodes = append([]onnxpb.Node{zeros}, m.Graph.Nodes...)
	out, err := m.Marshal()
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// logitsModel returns a tiny valid ONNX model with the inputs of a BERT encoder and the wrong
// output: logits = Cast(input_ids) * attention_mask as float32 [batch, sequence].
func logitsModel(tb testing.TB) []byte {
	tb.Helper()
	m := &onnxpb.Model{
		IRVersion:    bertmodel.IRVersion,
		OpsetVersion: bertmodel.OpsetVersion,
		ProducerName: "skillx encoder test",
		Graph: onnxpb.Graph{
			Name: "logits",
			Inputs: []onnxpb.ValueInfo{
				onnxpb.TensorInfo(inputIDs, onnxpb.Int64, "batch", "sequence"),
				onnxpb.TensorInfo(attentionMask, onnxpb.Int64, "batch", "sequence"),
			},
			Nodes: []onnxpb.Node{
				{OpType: "Mul", Name: "masked", Inputs: []string{inputIDs, attentionMask}, Outputs: []string{"masked"}},
				{OpType: "Cast", Name: "logits", Inputs: []string{"masked"}, Outputs: []string{"logits"},
					Attrs: []onnxpb.Attr{onnxpb.IntAttr("to", int64(onnxpb.Float))}},
			},
			Outputs: []onnxpb.ValueInfo{onnxpb.TensorInfo("logits", onnxpb.Float, "batch", "sequence")},
		},
	}
	data, err := m.Marshal()
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// reference computes the vectors of texts with bertmodel's pure-Go forward pass, one text at a
// time (no padding), then mean pooling and L2 normalisation.
func reference(tb testing.TB, cfg bertmodel.Config, tokPath string, texts []string) [][]float32 {
	tb.Helper()
	tok, err := tokenizer.Load(tokPath, tokenizer.Config{MaxLength: DefaultMaxLength})
	if err != nil {
		tb.Fatal(err)
	}
	w := bertmodel.NewWeights(cfg)
	out := make([][]float32, len(texts))
	for i, text := range texts {
		if !utf8.ValidString(text) {
			text = strings.ToValidUTF8(text, "\uFFFD")
		}
		enc := tok.Encode(text)
		ids, mask, types := [][]int64{enc.IDs}, [][]int64{enc.AttentionMask}, [][]int64{enc.TypeIDs}
		out[i] = bertmodel.MeanPool(w.Forward(ids, mask, types), mask)[0]
	}
	return out
}

// maxDiff returns the largest absolute difference between got and want, element by element,
// and fails tb if their shapes differ.
func maxDiff(tb testing.TB, got, want [][]float32) float64 {
	tb.Helper()
	if len(got) != len(want) {
		tb.Fatalf("got %d vectors; want %d", len(got), len(want))
	}
	d := 0.0
	for i := range want {
		if len(got[i]) != len(want[i]) {
			tb.Fatalf("vector %d has %d dimensions; want %d", i, len(got[i]), len(want[i]))
		}
		for j := range want[i] {
			d = math.Max(d, math.Abs(float64(got[i][j])-float64(want[i][j])))
		}
	}
	return d
}

// norm returns the L2 norm of v.
func norm(v []float32) float64 {
	s := 0.0
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return math.Sqrt(s)
}
