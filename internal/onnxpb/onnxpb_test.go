package onnxpb_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/skillx/skillx/internal/onnxpb"
)

// sampleModel uses every kind of attribute, both tensor types, fixed and symbolic dims, and
// a tensor large enough for multi-byte length prefixes.
func sampleModel() *onnxpb.Model {
	big := make([]float32, 5000)
	for i := range big {
		big[i] = float32(i) * 0.25
	}
	return &onnxpb.Model{
		IRVersion:       8,
		OpsetVersion:    17,
		ProducerName:    "skillx-test",
		ProducerVersion: "0.1",
		Metadata: []onnxpb.KV{
			{Key: "labels", Value: `["a","b","c"]`},
			{Key: "empty", Value: ""},
			{Key: "unicode", Value: "naïve – ok"},
		},
		Graph: onnxpb.Graph{
			Name: "g",
			Nodes: []onnxpb.Node{
				{OpType: "Constant", Name: "c", Outputs: []string{"k"}, Attrs: []onnxpb.Attr{
					onnxpb.TensorAttr("value", onnxpb.Int64Tensor("", []int64{2}, []int64{-1, 1 << 40})),
				}},
				{OpType: "Foo", Name: "f", Inputs: []string{"x", "", "w"}, Outputs: []string{"y"}, Attrs: []onnxpb.Attr{
					onnxpb.FloatAttr("alpha", -0.5),
					onnxpb.FloatAttr("zero", 0),
					onnxpb.IntAttr("axis", -1),
					onnxpb.StringAttr("mode", "constant"),
					onnxpb.FloatsAttr("scales", 1, 2.5),
					onnxpb.IntsAttr("perm", 0, 2, 1, 3),
				}},
			},
			Inputs: []onnxpb.ValueInfo{
				onnxpb.TensorInfo("x", onnxpb.Float, "batch", 4),
				onnxpb.TensorInfo("ids", onnxpb.Int64, "batch", "sequence"),
			},
			Outputs: []onnxpb.ValueInfo{onnxpb.TensorInfo("y", onnxpb.Float, "batch", 0)},
			Initializers: []onnxpb.Tensor{
				onnxpb.FloatTensor("w", []int64{50, 100}, big),
				onnxpb.Int64Tensor("scalar", nil, []int64{7}),
				onnxpb.FloatTensor("empty", []int64{0, 3}, nil),
			},
		},
	}
}

func TestRoundTrip(t *testing.T) {
	m := sampleModel()
	data, err := m.Marshal()
	if err != nil {
		t.Fatalf("Marshal() error = %v", err)
	}
	got, err := onnxpb.Unmarshal(data)
	if err != nil {
		t.Fatalf("Unmarshal() error = %v", err)
	}
	// Unmarshal gives an empty tensor nil data, as Marshal accepts it.
	if !reflect.DeepEqual(got, m) {
		t.Errorf("Unmarshal(Marshal(m)) = %+v\nwant %+v", got.Graph.Nodes, m.Graph.Nodes)
		for i := range m.Graph.Initializers {
			if !reflect.DeepEqual(got.Graph.Initializers[i], m.Graph.Initializers[i]) {
				t.Errorf("initializer %d differs", i)
			}
		}
		if !reflect.DeepEqual(got.Graph.Inputs, m.Graph.Inputs) || !reflect.DeepEqual(got.Graph.Outputs, m.Graph.Outputs) {
			t.Errorf("signature = %+v %+v; want %+v %+v", got.Graph.Inputs, got.Graph.Outputs, m.Graph.Inputs, m.Graph.Outputs)
		}
		if !reflect.DeepEqual(got.Metadata, m.Metadata) {
			t.Errorf("metadata = %q; want %q", got.Metadata, m.Metadata)
		}
	}

	again, err := m.Marshal()
	if err != nil || string(again) != string(data) {
		t.Errorf("second Marshal() differs from the first (err %v)", err)
	}
}

func TestReadMetadata(t *testing.T) {
	m := sampleModel()
	data, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	got, err := onnxpb.ReadMetadata(data)
	if err != nil {
		t.Fatalf("ReadMetadata() error = %v", err)
	}
	if !reflect.DeepEqual(got, m.Metadata) {
		t.Errorf("ReadMetadata() = %q; want %q", got, m.Metadata)
	}
}

func TestReadSignature(t *testing.T) {
	m := sampleModel()
	// Files of IR version < 4 list initializers among the inputs; ReadSignature drops them.
	m.Graph.Inputs = append(m.Graph.Inputs, onnxpb.TensorInfo("w", onnxpb.Float, 50, 100))
	data, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	in, out, err := onnxpb.ReadSignature(data)
	if err != nil {
		t.Fatalf("ReadSignature() error = %v", err)
	}
	wantIn := []onnxpb.ValueInfo{
		{Name: "x", ElemType: onnxpb.Float, Shape: []onnxpb.Dim{{Param: "batch"}, {Value: 4}}},
		{Name: "ids", ElemType: onnxpb.Int64, Shape: []onnxpb.Dim{{Param: "batch"}, {Param: "sequence"}}},
	}
	wantOut := []onnxpb.ValueInfo{{Name: "y", ElemType: onnxpb.Float, Shape: []onnxpb.Dim{{Param: "batch"}, {Value: 0}}}}
	if !reflect.DeepEqual(in, wantIn) {
		t.Errorf("ReadSignature() inputs = %+v; want %+v", in, wantIn)
	}
	if !reflect.DeepEqual(out, wantOut) {
		t.Errorf("ReadSignature() outputs = %+v; want %+v", out, wantOut)
	}
}

func TestMarshalInvalid(t *testing.T) {
	tests := []struct {
		name   string
		change func(m *onnxpb.Model)
		want   string
	}{
		{"short tensor", func(m *onnxpb.Model) { m.Graph.Initializers[0].Dims = []int64{50, 101} }, `tensor "w" has 5000 values; dims [50 101] need 5050`},
		{"unnamed initializer", func(m *onnxpb.Model) { m.Graph.Initializers[1].Name = "" }, "initializer 1 has no name"},
		{"bad data type", func(m *onnxpb.Model) { m.Graph.Initializers[1].DataType = 11 }, "data type 11"},
		{"no op type", func(m *onnxpb.Model) { m.Graph.Nodes[1].OpType = "" }, `node 1 ("f") has no op type`},
		{"bad attr", func(m *onnxpb.Model) { m.Graph.Nodes[1].Attrs[0].Type = 5 }, `attribute "alpha" has type 5`},
		{"no opset", func(m *onnxpb.Model) { m.OpsetVersion = 0 }, "opset version 0"},
		{"bad elem type", func(m *onnxpb.Model) { m.Graph.Outputs[0].ElemType = 0 }, `value "y" has element type 0`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := sampleModel()
			tt.change(m)
			_, err := m.Marshal()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Marshal() error = %v; want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestReadCorrupt(t *testing.T) {
	data, err := sampleModel().Marshal()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{1, 7, len(data) / 2, len(data) - 1} {
		if _, err := onnxpb.Unmarshal(data[:n]); err == nil {
			t.Errorf("Unmarshal(first %d of %d bytes) error = nil; want an error", n, len(data))
		}
	}
}
