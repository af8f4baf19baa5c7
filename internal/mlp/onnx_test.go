package mlp

import (
	"math"
	"testing"

	ort "github.com/yalue/onnxruntime_go"

	"github.com/skillx/skillx/internal/onnxpb"
	"github.com/skillx/skillx/internal/ortlib/ortlibtest"
)

func TestONNXInRuntime(t *testing.T) {
	ortlibtest.Init(t)
	cfg := Config{Input: 24, Hidden: []int{32, 16}, Classes: 7, Seed: 11}.withDefaults()
	m := newModel(cfg)
	meta := map[string]string{"labels": `["a","b","c","d","e","f","g"]`, "encoder": "minilm@abc", "data": "sha256:00"}
	data, err := m.ONNX(meta)
	if err != nil {
		t.Fatalf("ONNX() error = %v", err)
	}

	kvs, err := onnxpb.ReadMetadata(data)
	if err != nil {
		t.Fatalf("ReadMetadata() error = %v", err)
	}
	want := []onnxpb.KV{{Key: "data", Value: "sha256:00"}, {Key: "encoder", Value: "minilm@abc"}, {Key: "labels", Value: meta["labels"]}}
	if len(kvs) != len(want) {
		t.Fatalf("ReadMetadata() = %v; want %v", kvs, want)
	}
	for i := range want {
		if kvs[i] != want[i] {
			t.Errorf("ReadMetadata()[%d] = %v; want %v", i, kvs[i], want[i])
		}
	}
	ins, outs, err := onnxpb.ReadSignature(data)
	if err != nil {
		t.Fatalf("ReadSignature() error = %v", err)
	}
	if len(ins) != 1 || ins[0].Name != ONNXInput || ins[0].Shape[0].Param == "" || ins[0].Shape[1].Value != 24 ||
		len(outs) != 1 || outs[0].Name != ONNXOutput || outs[0].Shape[1].Value != 7 {
		t.Errorf("ReadSignature() = %+v, %+v; want embedding [N 24] and probabilities [N 7]", ins, outs)
	}

	const rows = 17
	x := clusters(rows, 3, 24, 1, 12).X
	for i := range 24 { // one row with negative and large inputs too
		x[i] = float32(i-12) * 3
	}
	wantP := m.Predict(x, rows)

	sess, err := ort.NewDynamicAdvancedSessionWithONNXData(data, []string{ONNXInput}, []string{ONNXOutput}, nil)
	if err != nil {
		t.Fatalf("NewDynamicAdvancedSessionWithONNXData() error = %v", err)
	}
	defer sess.Destroy()
	in, err := ort.NewTensor(ort.NewShape(rows, 24), x)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Destroy()
	out := []ort.Value{nil}
	if err := sess.Run([]ort.Value{in}, out); err != nil {
		t.Fatalf("Run() error = %v", err)
	}
	defer out[0].Destroy()
	probs, ok := out[0].(*ort.Tensor[float32])
	if !ok {
		t.Fatalf("output is %T; want *ort.Tensor[float32]", out[0])
	}
	if got, want := probs.GetShape(), ort.NewShape(rows, 7); !got.Equals(want) {
		t.Fatalf("output shape = %v; want %v", got, want)
	}
	for i, got := range probs.GetData() {
		if d := math.Abs(float64(got - wantP[i])); d > 1e-5 {
			t.Errorf("probabilities[%d][%d] = %v in ONNX Runtime; want %v as Predict", i/7, i%7, got, wantP[i])
		}
	}
}

func TestONNXMalformed(t *testing.T) {
	m := newModel(Config{Input: 3, Hidden: []int{4}, Classes: 2}.withDefaults())
	m.W[1] = m.W[1][:3]
	if _, err := m.ONNX(nil); err == nil {
		t.Error("ONNX(model with a truncated weight matrix) error = nil; want one")
	}
}
