package encoder

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/skillx/skillx/internal/onnxpb"
)

// Input and output names of a Hugging Face export of a BERT sentence encoder.
const (
	inputIDs          = "input_ids"
	attentionMask     = "attention_mask"
	tokenTypeIDs      = "token_type_ids"
	lastHiddenState   = "last_hidden_state"
	sentenceEmbedding = "sentence_embedding"
)

// wantSignature says what checkSignature accepts, for error messages.
const wantSignature = "want int64 inputs input_ids and attention_mask [batch, sequence] (and token_type_ids, optional), " +
	"and a float32 output last_hidden_state [batch, sequence, hidden] or sentence_embedding [batch, hidden]"

// signature is how the encoder feeds a model and reads its result.
type signature struct {
	// inputs are the input names in the order the session is given them: input_ids,
	// attention_mask and, when the model has it, token_type_ids.
	inputs []string
	// output is last_hidden_state or sentence_embedding.
	output string
	// pooled is true for sentence_embedding.
	pooled bool
	// dim is the output's hidden size, or 0 when the file leaves it symbolic.
	dim int
}

// checkSignature accepts the inputs and outputs of a BERT-shaped sentence encoder, as
// onnxpb.ReadSignature returns them, and says what it found and what it wants otherwise.
func checkSignature(inputs, outputs []onnxpb.ValueInfo) (signature, error) {
	var sig signature
	var problems []string
	has := map[string]bool{}
	for _, in := range inputs {
		has[in.Name] = true
		switch in.Name {
		case inputIDs, attentionMask, tokenTypeIDs:
			if in.ElemType != onnxpb.Int64 {
				problems = append(problems, fmt.Sprintf("input %s is %s, not int64", in.Name, elemName(in.ElemType)))
			}
			if in.Shape != nil && len(in.Shape) != 2 {
				problems = append(problems, fmt.Sprintf("input %s has %d dimensions, not 2", in.Name, len(in.Shape)))
			}
		default:
			problems = append(problems, fmt.Sprintf("unexpected input %s", in.Name))
		}
	}
	for _, name := range []string{inputIDs, attentionMask} {
		if !has[name] {
			problems = append(problems, "no input "+name)
		}
	}
	sig.inputs = []string{inputIDs, attentionMask}
	if has[tokenTypeIDs] {
		sig.inputs = append(sig.inputs, tokenTypeIDs)
	}

	var out *onnxpb.ValueInfo
	for i := range outputs {
		switch outputs[i].Name {
		case sentenceEmbedding:
			out = &outputs[i]
		case lastHiddenState:
			if out == nil {
				out = &outputs[i]
			}
		}
	}
	if out == nil {
		problems = append(problems, "no output last_hidden_state or sentence_embedding")
	} else {
		sig.output, sig.pooled = out.Name, out.Name == sentenceEmbedding
		rank := 3
		if sig.pooled {
			rank = 2
		}
		if out.ElemType != onnxpb.Float {
			problems = append(problems, fmt.Sprintf("output %s is %s, not float32", out.Name, elemName(out.ElemType)))
		}
		switch {
		case out.Shape == nil:
		case len(out.Shape) != rank:
			problems = append(problems, fmt.Sprintf("output %s has %d dimensions, not %d", out.Name, len(out.Shape), rank))
		default:
			if d := out.Shape[rank-1]; d.Param == "" && d.Value > 0 {
				sig.dim = int(d.Value)
			}
		}
	}
	if len(problems) > 0 {
		return signature{}, fmt.Errorf("unsupported model signature (%s): inputs are %s and outputs are %s; %s",
			strings.Join(problems, "; "), describe(inputs), describe(outputs), wantSignature)
	}
	return sig, nil
}

// describe lists values as "[input_ids int64 [batch sequence], ...]".
func describe(values []onnxpb.ValueInfo) string {
	parts := make([]string, len(values))
	for i, v := range values {
		dims := make([]string, len(v.Shape))
		for j, d := range v.Shape {
			if d.Param != "" {
				dims[j] = d.Param
			} else {
				dims[j] = strconv.FormatInt(d.Value, 10)
			}
		}
		parts[i] = fmt.Sprintf("%s %s [%s]", v.Name, elemName(v.ElemType), strings.Join(dims, " "))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// elemName names an ONNX tensor element type.
func elemName(t int32) string {
	names := map[int32]string{0: "non-tensor", 1: "float32", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16",
		6: "int32", 7: "int64", 8: "string", 9: "bool", 10: "float16", 11: "float64", 12: "uint32",
		13: "uint64", 16: "bfloat16"}
	if n, ok := names[t]; ok {
		return n
	}
	return fmt.Sprintf("type %d", t)
}
