package bertmodel

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/skillx/skillx/internal/onnxpb"
)

// Model file constants: the ONNX IR version and operator set of the files written here
// (opset 17 has LayerNormalization; ORT 1.24.1 reads both).
const (
	IRVersion    = 8
	OpsetVersion = 17
)

// Input and output names, as in a Hugging Face export of all-MiniLM-L6-v2.
const (
	InputIDs          = "input_ids"
	AttentionMask     = "attention_mask"
	TokenTypeIDs      = "token_type_ids"
	LastHiddenState   = "last_hidden_state"
	SentenceEmbedding = "sentence_embedding"
)

// MetadataConfigKey is the metadata_props key under which the model's Config is stored as
// JSON.
const MetadataConfigKey = "skillx.bertmodel.config"

// maskBias is added to the attention scores of padding tokens: (1 - mask) times the lowest
// float32, as transformers' BERT does.
const maskBias = -math.MaxFloat32

// graphBuilder appends nodes and initializers to a graph, naming intermediate values.
type graphBuilder struct {
	g    onnxpb.Graph
	next int
}

// op appends a node with one output, named after the node, and returns that name.
func (b *graphBuilder) op(opType, name string, inputs []string, attrs ...onnxpb.Attr) string {
	b.next++
	out := name + "_" + strconv.Itoa(b.next)
	b.g.Nodes = append(b.g.Nodes, onnxpb.Node{OpType: opType, Name: out, Inputs: inputs, Outputs: []string{out}, Attrs: attrs})
	return out
}

// in returns a list of value names, for op.
func in(names ...string) []string { return names }

func (b *graphBuilder) floats(name string, data []float32, dims ...int64) string {
	b.g.Initializers = append(b.g.Initializers, onnxpb.FloatTensor(name, dims, data))
	return name
}

func (b *graphBuilder) scalar(name string, v float32) string { return b.floats(name, []float32{v}) }

func (b *graphBuilder) ints(name string, v ...int64) string {
	b.g.Initializers = append(b.g.Initializers, onnxpb.Int64Tensor(name, []int64{int64(len(v))}, v))
	return name
}

// dense appends y = x·W + B (MatMul and Add, as exporters write a Linear layer).
func (b *graphBuilder) dense(name, x string, d Dense) string {
	w := b.floats(name+".weight", d.W, int64(d.In), int64(d.Out))
	bias := b.floats(name+".bias", d.B, int64(d.Out))
	return b.op("Add", name, in(b.op("MatMul", name, in(x, w)), bias))
}

func (b *graphBuilder) layerNorm(name, x string, n LayerNorm) string {
	g := b.floats(name+".weight", n.Gamma, int64(len(n.Gamma)))
	beta := b.floats(name+".bias", n.Beta, int64(len(n.Beta)))
	return b.op("LayerNormalization", name, in(x, g, beta),
		onnxpb.IntAttr("axis", -1), onnxpb.FloatAttr("epsilon", LayerNormEpsilon))
}

// ONNX returns the model as the bytes of an ONNX file. The initializers share w's slices.
func (w *Weights) ONNX() ([]byte, error) {
	m, err := w.model()
	if err != nil {
		return nil, err
	}
	return m.Marshal()
}

func (w *Weights) model() (*onnxpb.Model, error) {
	cfg := w.Config
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	h, heads, hd := int64(cfg.Hidden), int64(cfg.Heads), int64(cfg.HeadSize())
	b := &graphBuilder{g: onnxpb.Graph{Name: "bert"}}
	for _, name := range []string{InputIDs, AttentionMask, TokenTypeIDs} {
		b.g.Inputs = append(b.g.Inputs, onnxpb.TensorInfo(name, onnxpb.Int64, "batch", "sequence"))
	}

	// Constants.
	one := b.scalar("one", 1)
	half := b.scalar("half", 0.5)
	sqrt2 := b.scalar("sqrt2", math.Sqrt2)
	scale := b.scalar("attention_scale", float32(math.Sqrt(float64(hd))))
	bias := b.scalar("mask_bias", maskBias)
	zero1 := b.ints("zero_1d", 0)
	headShape := b.ints("head_shape", 0, 0, heads, hd)
	hiddenShape := b.ints("hidden_shape", 0, 0, h)
	axes12 := b.ints("axes_1_2", 1, 2)

	// Embeddings: word + position + token type, then LayerNorm.
	word := b.op("Gather", "word_embeddings", in(b.floats("embeddings.word_embeddings.weight", w.WordEmbeddings, int64(cfg.VocabSize), h), InputIDs))
	types := b.op("Gather", "token_type_embeddings", in(b.floats("embeddings.token_type_embeddings.weight", w.TokenTypeEmbeddings, TypeVocabSize, h), TokenTypeIDs))
	seqLen := b.op("Shape", "sequence_length", in(InputIDs), onnxpb.IntAttr("start", 1), onnxpb.IntAttr("end", 2))
	pos := b.op("Slice", "position_embeddings", in(b.floats("embeddings.position_embeddings.weight", w.PositionEmbeddings, int64(cfg.MaxPositions), h), zero1, seqLen, zero1))
	x := b.op("Add", "embeddings", in(b.op("Add", "embeddings", in(word, types)), pos))
	x = b.layerNorm("embeddings.LayerNorm", x, w.EmbeddingNorm)

	// Additive attention mask [batch, 1, 1, sequence]: 0 for tokens, the lowest float for padding.
	maskF := b.op("Cast", "mask_float", in(AttentionMask), onnxpb.IntAttr("to", int64(onnxpb.Float)))
	mask4 := b.op("Unsqueeze", "mask_4d", in(maskF, axes12))
	maskAdd := b.op("Mul", "mask_bias", in(b.op("Sub", "mask_inverted", in(one, mask4)), bias))

	for i, l := range w.Layers {
		p := fmt.Sprintf("encoder.layer.%d.", i)
		splitHeads := func(name, x string, perm ...int64) string {
			r := b.op("Reshape", name, in(x, headShape))
			return b.op("Transpose", name, in(r), onnxpb.IntsAttr("perm", perm...))
		}
		q := splitHeads(p+"query", b.dense(p+"attention.self.query", x, l.Query), 0, 2, 1, 3)
		k := splitHeads(p+"key", b.dense(p+"attention.self.key", x, l.Key), 0, 2, 3, 1)
		v := splitHeads(p+"value", b.dense(p+"attention.self.value", x, l.Value), 0, 2, 1, 3)
		scores := b.op("Div", p+"scores", in(b.op("MatMul", p+"scores", in(q, k)), scale))
		scores = b.op("Add", p+"scores", in(scores, maskAdd))
		probs := b.op("Softmax", p+"probs", in(scores), onnxpb.IntAttr("axis", -1))
		ctx := b.op("Transpose", p+"context", in(b.op("MatMul", p+"context", in(probs, v))), onnxpb.IntsAttr("perm", 0, 2, 1, 3))
		ctx = b.op("Reshape", p+"context", in(ctx, hiddenShape))
		a := b.dense(p+"attention.output.dense", ctx, l.AttentionOutput)
		a = b.layerNorm(p+"attention.output.LayerNorm", b.op("Add", p+"attention_residual", in(a, x)), l.AttentionNorm)

		f := b.dense(p+"intermediate.dense", a, l.Intermediate)
		erf := b.op("Erf", p+"gelu", in(b.op("Div", p+"gelu", in(f, sqrt2))))
		f = b.op("Mul", p+"gelu", in(b.op("Mul", p+"gelu", in(f, b.op("Add", p+"gelu", in(erf, one)))), half))
		f = b.dense(p+"output.dense", f, l.Output)
		x = b.layerNorm(p+"output.LayerNorm", b.op("Add", p+"output_residual", in(f, a)), l.OutputNorm)
	}

	out := LastHiddenState
	outInfo := onnxpb.TensorInfo(LastHiddenState, onnxpb.Float, "batch", "sequence", int(h))
	if cfg.Pooled {
		// Mean over the tokens of the mask (count clamped to 1e-9), then x / max(‖x‖, 1e-12),
		// as sentence-transformers' Pooling and Normalize modules compute it.
		axis1 := b.ints("axis_1", 1)
		mask3 := b.op("Unsqueeze", "mask_3d", in(maskF, b.ints("axis_2", 2)))
		sum := b.op("ReduceSum", "pool_sum", in(b.op("Mul", "pool_masked", in(x, mask3)), axis1), onnxpb.IntAttr("keepdims", 0))
		count := b.op("ReduceSum", "pool_count", in(mask3, axis1), onnxpb.IntAttr("keepdims", 0))
		count = b.op("Max", "pool_count", in(count, b.scalar("min_count", 1e-9)))
		mean := b.op("Div", "pool_mean", in(sum, count))
		norm := b.op("ReduceL2", "l2_norm", in(mean), onnxpb.IntsAttr("axes", 1), onnxpb.IntAttr("keepdims", 1))
		norm = b.op("Max", "l2_norm", in(norm, b.scalar("min_norm", 1e-12)))
		x = b.op("Div", "normalized", in(mean, norm))
		out = SentenceEmbedding
		outInfo = onnxpb.TensorInfo(SentenceEmbedding, onnxpb.Float, "batch", int(h))
	}
	// The last node writes the graph output under its public name.
	b.g.Nodes[len(b.g.Nodes)-1].Outputs[0] = out
	if last := b.g.Nodes[len(b.g.Nodes)-1]; last.Name != x {
		return nil, fmt.Errorf("bert graph: last node %q does not produce %q", last.Name, x)
	}
	b.g.Outputs = []onnxpb.ValueInfo{outInfo}

	cfgJSON, err := json.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("encode bert config: %w", err)
	}
	return &onnxpb.Model{
		IRVersion:       IRVersion,
		OpsetVersion:    OpsetVersion,
		ProducerName:    "skillx bertmodel",
		ProducerVersion: "1",
		Graph:           b.g,
		Metadata:        []onnxpb.KV{{Key: MetadataConfigKey, Value: string(cfgJSON)}},
	}, nil
}
