package mlp

import (
	"fmt"
	"slices"

	"github.com/skillx/skillx/internal/onnxpb"
)

// ONNX graph names: the signature that DESIGN.md fixes for models/classifier.onnx.
const (
	// ONNXInput is the name of the exported model's input, float32 [N, Input].
	ONNXInput = "embedding"
	// ONNXOutput is the name of the exported model's output, float32 [N, Classes].
	ONNXOutput = "probabilities"
)

// ONNX returns m as an ONNX model file (IR version 8, opset 17): input "embedding" of shape
// [N, Input] with a symbolic batch size N, then per layer a Gemm (weights [out, in],
// transB=1) followed by Relu on hidden layers, and Softmax over the last axis as output
// "probabilities" [N, Classes]. metadata is written as metadata_props sorted by key, so the
// same model and metadata always give the same bytes.
func (m *Model) ONNX(metadata map[string]string) ([]byte, error) {
	if err := m.check(); err != nil {
		return nil, fmt.Errorf("export onnx: %w", err)
	}
	s := m.sizes()
	g := onnxpb.Graph{
		Name:    "mlp",
		Inputs:  []onnxpb.ValueInfo{onnxpb.TensorInfo(ONNXInput, onnxpb.Float, "N", s[0])},
		Outputs: []onnxpb.ValueInfo{onnxpb.TensorInfo(ONNXOutput, onnxpb.Float, "N", s[len(s)-1])},
	}
	x := ONNXInput
	for l := range m.W {
		w, b := fmt.Sprintf("layer%d.weight", l), fmt.Sprintf("layer%d.bias", l)
		z := fmt.Sprintf("layer%d.gemm", l)
		g.Initializers = append(g.Initializers,
			onnxpb.FloatTensor(w, []int64{int64(s[l+1]), int64(s[l])}, m.W[l]),
			onnxpb.FloatTensor(b, []int64{int64(s[l+1])}, m.B[l]))
		g.Nodes = append(g.Nodes, onnxpb.Node{
			OpType: "Gemm", Name: z, Inputs: []string{x, w, b}, Outputs: []string{z},
			Attrs: []onnxpb.Attr{onnxpb.FloatAttr("alpha", 1), onnxpb.FloatAttr("beta", 1), onnxpb.IntAttr("transB", 1)},
		})
		x = z
		if l < len(m.W)-1 {
			r := fmt.Sprintf("layer%d.relu", l)
			g.Nodes = append(g.Nodes, onnxpb.Node{OpType: "Relu", Name: r, Inputs: []string{x}, Outputs: []string{r}})
			x = r
		}
	}
	g.Nodes = append(g.Nodes, onnxpb.Node{
		OpType: "Softmax", Name: "softmax", Inputs: []string{x}, Outputs: []string{ONNXOutput},
		Attrs: []onnxpb.Attr{onnxpb.IntAttr("axis", -1)},
	})
	model := &onnxpb.Model{IRVersion: 8, OpsetVersion: 17, ProducerName: "skillx", Graph: g}
	keys := make([]string, 0, len(metadata))
	for k := range metadata {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		model.Metadata = append(model.Metadata, onnxpb.KV{Key: k, Value: metadata[k]})
	}
	data, err := model.Marshal()
	if err != nil {
		return nil, fmt.Errorf("export onnx: %w", err)
	}
	return data, nil
}
