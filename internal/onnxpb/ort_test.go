package onnxpb_test

import (
	"errors"
	"math"
	"testing"

	ort "github.com/yalue/onnxruntime_go"

	"github.com/skillx/skillx/internal/onnxpb"
	"github.com/skillx/skillx/internal/ortlib/ortlibtest"
)

// classifier builds probabilities = Softmax(Relu(x·w + b)) for x [N, 4], like the small
// classifier MLP that `skillx train` writes.
func classifier(w, b []float32) *onnxpb.Model {
	return &onnxpb.Model{
		IRVersion:    8,
		OpsetVersion: 17,
		ProducerName: "skillx-test",
		Metadata:     []onnxpb.KV{{Key: "labels", Value: `["red","green","blue"]`}},
		Graph: onnxpb.Graph{
			Name: "mlp",
			Nodes: []onnxpb.Node{
				{OpType: "Gemm", Name: "dense", Inputs: []string{"embedding", "w", "b"}, Outputs: []string{"logits"},
					Attrs: []onnxpb.Attr{onnxpb.FloatAttr("alpha", 1), onnxpb.FloatAttr("beta", 1), onnxpb.IntAttr("transB", 0)}},
				{OpType: "Relu", Inputs: []string{"logits"}, Outputs: []string{"relu"}},
				{OpType: "Softmax", Inputs: []string{"relu"}, Outputs: []string{"probabilities"},
					Attrs: []onnxpb.Attr{onnxpb.IntAttr("axis", -1)}},
			},
			Inputs:  []onnxpb.ValueInfo{onnxpb.TensorInfo("embedding", onnxpb.Float, "N", 4)},
			Outputs: []onnxpb.ValueInfo{onnxpb.TensorInfo("probabilities", onnxpb.Float, "N", 3)},
			Initializers: []onnxpb.Tensor{
				onnxpb.FloatTensor("w", []int64{4, 3}, w),
				onnxpb.FloatTensor("b", []int64{3}, b),
			},
		},
	}
}

// classify computes the same model in Go.
func classify(x [][]float32, w, b []float32) [][]float64 {
	out := make([][]float64, len(x))
	for n, row := range x {
		z := make([]float64, 3)
		sum := 0.0
		for j := range z {
			v := float64(b[j])
			for k, xk := range row {
				v += float64(xk) * float64(w[k*3+j])
			}
			z[j] = math.Exp(math.Max(v, 0))
			sum += z[j]
		}
		for j := range z {
			z[j] /= sum
		}
		out[n] = z
	}
	return out
}

func TestClassifierInONNXRuntime(t *testing.T) {
	ortlibtest.Init(t)
	w := []float32{0.5, -1, 0.25, 1.5, 0.1, -0.3, -0.7, 0.9, 0.2, 0.05, 0.3, -1.2}
	b := []float32{0.1, -0.2, 0.3}
	data, err := classifier(w, b).Marshal()
	if err != nil {
		t.Fatal(err)
	}

	// What the encoder and the evaluator learn from a model file before running it.
	ins, outs, err := ort.GetInputOutputInfoWithONNXData(data)
	if err != nil {
		t.Fatalf("GetInputOutputInfoWithONNXData() error = %v", err)
	}
	if len(ins) != 1 || ins[0].Name != "embedding" || !ins[0].Dimensions.Equals(ort.NewShape(-1, 4)) ||
		ins[0].DataType != ort.TensorElementDataTypeFloat {
		t.Errorf("inputs = %v; want embedding [-1 4] float", ins)
	}
	if len(outs) != 1 || outs[0].Name != "probabilities" || !outs[0].Dimensions.Equals(ort.NewShape(-1, 3)) {
		t.Errorf("outputs = %v; want probabilities [-1 3]", outs)
	}
	md, err := ort.GetModelMetadataWithONNXData(data)
	if err != nil {
		t.Fatalf("GetModelMetadataWithONNXData() error = %v", err)
	}
	labels, ok, err := md.LookupCustomMetadataMap("labels")
	if err := errors.Join(err, md.Destroy()); err != nil || !ok || labels != `["red","green","blue"]` {
		t.Errorf("metadata labels = %q, %v, %v; want the JSON list", labels, ok, err)
	}

	opts, err := ort.NewSessionOptions()
	if err != nil {
		t.Fatal(err)
	}
	defer opts.Destroy()
	if err := opts.SetIntraOpNumThreads(1); err != nil {
		t.Fatal(err)
	}
	sess, err := ort.NewDynamicAdvancedSessionWithONNXData(data, []string{"embedding"}, []string{"probabilities"}, opts)
	if err != nil {
		t.Fatalf("NewDynamicAdvancedSessionWithONNXData() error = %v", err)
	}
	defer sess.Destroy()

	x := [][]float32{{1, 2, 3, 4}, {-1, 0.5, 0, 2}, {0, 0, 0, 0}, {-5, -5, -5, -5}, {0.3, -0.2, 0.9, 0.1}}
	flat := make([]float32, 0, 4*len(x))
	for _, row := range x {
		flat = append(flat, row...)
	}
	in, err := ort.NewTensor(ort.NewShape(int64(len(x)), 4), flat)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Destroy()
	outputs := []ort.Value{nil} // allocated by ONNX Runtime, freed by us
	if err := sess.Run([]ort.Value{in}, outputs); err != nil {
		t.Fatalf("Run() error = %v", err)
	}
	defer outputs[0].Destroy()
	probs, ok := outputs[0].(*ort.Tensor[float32])
	if !ok {
		t.Fatalf("output is %T; want *ort.Tensor[float32]", outputs[0])
	}
	if got, want := probs.GetShape(), ort.NewShape(int64(len(x)), 3); !got.Equals(want) {
		t.Fatalf("output shape = %v; want %v", got, want)
	}
	want := classify(x, w, b)
	got := probs.GetData()
	for n := range want {
		for j := range want[n] {
			if d := math.Abs(float64(got[n*3+j]) - want[n][j]); d > 1e-6 {
				t.Errorf("probabilities[%d][%d] = %.8f; want %.8f", n, j, got[n*3+j], want[n][j])
			}
		}
	}
}
