package onnxpb_test

import (
	"bytes"
	"os"
	"reflect"
	"testing"

	"github.com/skillx/skillx/internal/onnxpb"
)

// TestReadPythonONNX reads a model written by the onnx Python package (testdata/
// gen_python_onnx.py, onnx 1.12 from Debian's python3-onnx), not by this package's writer:
// raw_data, float_data and int64_data tensors, a tensor attribute, symbolic dimensions, two
// opset imports and metadata.
func TestReadPythonONNX(t *testing.T) {
	data, err := os.ReadFile("testdata/python_onnx.onnx")
	if err != nil {
		t.Fatal(err)
	}
	m, err := onnxpb.Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	if m.IRVersion != 7 || m.OpsetVersion != 13 || m.ProducerName != "onnx-python" || m.ProducerVersion != "1.12.0" {
		t.Errorf("header: ir %d opset %d producer %q %q; want 7, 13 (the ai.onnx.ml import ignored), onnx-python 1.12.0",
			m.IRVersion, m.OpsetVersion, m.ProducerName, m.ProducerVersion)
	}
	wantMeta := []onnxpb.KV{{Key: "labels", Value: `["a","b","c"]`}, {Key: "purpose", Value: "fixture"}}
	if !reflect.DeepEqual(m.Metadata, wantMeta) {
		t.Errorf("metadata %+v, want %+v", m.Metadata, wantMeta)
	}
	g := m.Graph
	if g.Name != "python-graph" || len(g.Nodes) != 4 {
		t.Fatalf("graph %q with %d nodes; want python-graph with 4", g.Name, len(g.Nodes))
	}
	var ops []string
	for _, n := range g.Nodes {
		ops = append(ops, n.OpType+":"+n.Name)
	}
	if want := []string{"Gemm:gemm", "Reshape:reshape", "Softmax:softmax", "Constant:const"}; !reflect.DeepEqual(ops, want) {
		t.Errorf("nodes %v, want %v", ops, want)
	}
	gemm := g.Nodes[0]
	if !reflect.DeepEqual(gemm.Inputs, []string{"x", "w", "b"}) || !reflect.DeepEqual(gemm.Outputs, []string{"logits"}) {
		t.Errorf("gemm inputs %v outputs %v", gemm.Inputs, gemm.Outputs)
	}
	attrs := map[string]onnxpb.Attr{}
	for _, a := range append(gemm.Attrs, g.Nodes[2].Attrs...) {
		attrs[a.Name] = a
	}
	if a := attrs["alpha"]; a.Type != onnxpb.AttrFloat || a.F != 1 {
		t.Errorf("alpha %+v", a)
	}
	if a := attrs["transB"]; a.Type != onnxpb.AttrInt || a.I != 0 {
		t.Errorf("transB %+v", a)
	}
	if a := attrs["axis"]; a.Type != onnxpb.AttrInt || a.I != -1 {
		t.Errorf("axis %+v, want int -1", a)
	}
	if c := g.Nodes[3].Attrs; len(c) != 1 || c[0].Type != onnxpb.AttrTensor || c[0].T == nil ||
		!reflect.DeepEqual(c[0].T.Float32, []float32{1.5, -2.5}) {
		t.Errorf("constant's tensor attribute %+v", c)
	}
	init := map[string]onnxpb.Tensor{}
	for _, tn := range g.Initializers {
		init[tn.Name] = tn
	}
	w := make([]float32, 12)
	for i := range w {
		w[i] = float32(i) / 8
	}
	if tn := init["w"]; tn.DataType != onnxpb.Float || !reflect.DeepEqual(tn.Dims, []int64{4, 3}) || !reflect.DeepEqual(tn.Float32, w) {
		t.Errorf("w (raw_data) = %+v, want 4x3 of i/8", tn)
	}
	if tn := init["b"]; !reflect.DeepEqual(tn.Float32, []float32{0.5, -1, 2.25}) {
		t.Errorf("b (float_data) = %+v", tn)
	}
	if tn := init["shape"]; tn.DataType != onnxpb.Int64 || !reflect.DeepEqual(tn.Int64, []int64{-1, 3}) {
		t.Errorf("shape (int64_data) = %+v", tn)
	}
	wantIn := []onnxpb.ValueInfo{onnxpb.TensorInfo("x", onnxpb.Float, "batch", 4)}
	wantOut := []onnxpb.ValueInfo{onnxpb.TensorInfo("probs", onnxpb.Float, "batch", 3)}
	if !reflect.DeepEqual(g.Inputs, wantIn) || !reflect.DeepEqual(g.Outputs, wantOut) {
		t.Errorf("signature %+v -> %+v, want %+v -> %+v", g.Inputs, g.Outputs, wantIn, wantOut)
	}
	in, out, err := onnxpb.ReadSignature(data)
	if err != nil || !reflect.DeepEqual(in, wantIn) || !reflect.DeepEqual(out, wantOut) {
		t.Errorf("ReadSignature = %+v, %+v, %v", in, out, err)
	}
	if meta, err := onnxpb.ReadMetadata(data); err != nil || !reflect.DeepEqual(meta, wantMeta) {
		t.Errorf("ReadMetadata = %+v, %v", meta, err)
	}
}

// FuzzUnmarshal feeds the reader arbitrary bytes, seeded with a model of each writer: it must
// return a model or an error, never panic or hang, and a model it returns must be one the
// writer can write back when it is valid.
func FuzzUnmarshal(f *testing.F) {
	if data, err := os.ReadFile("testdata/python_onnx.onnx"); err == nil {
		f.Add(data)
	}
	if data, err := sampleModel().Marshal(); err == nil {
		f.Add(data)
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := onnxpb.Unmarshal(data)
		if err != nil {
			return
		}
		if _, _, err := onnxpb.ReadSignature(data); err != nil {
			t.Errorf("Unmarshal accepted what ReadSignature refuses: %v", err)
		}
		if _, err := onnxpb.ReadMetadata(data); err != nil {
			t.Errorf("Unmarshal accepted what ReadMetadata refuses: %v", err)
		}
		out, err := m.Marshal()
		if err != nil {
			return // a model the writer refuses (for example a tensor of another type)
		}
		back, err := onnxpb.Unmarshal(out)
		if err != nil {
			t.Fatalf("the writer's output of a decoded model does not decode: %v", err)
		}
		again, err := back.Marshal()
		if err != nil || !bytes.Equal(out, again) {
			t.Errorf("write, read, write is not stable (err %v)", err)
		}
	})
}
