package encoder

import (
	"strings"
	"testing"

	"github.com/skillx/skillx/internal/onnxpb"
)

func TestCheckSignature(t *testing.T) {
	i64 := func(name string) onnxpb.ValueInfo { return onnxpb.TensorInfo(name, onnxpb.Int64, "batch", "sequence") }
	hidden := onnxpb.TensorInfo(lastHiddenState, onnxpb.Float, "batch", "sequence", 384)
	pooled := onnxpb.TensorInfo(sentenceEmbedding, onnxpb.Float, "batch", 384)
	bert := []onnxpb.ValueInfo{i64(inputIDs), i64(attentionMask), i64(tokenTypeIDs)}
	tests := []struct {
		name    string
		ins     []onnxpb.ValueInfo
		outs    []onnxpb.ValueInfo
		want    signature
		wantErr []string
	}{
		{name: "hugging face export", ins: bert, outs: []onnxpb.ValueInfo{hidden},
			want: signature{inputs: []string{inputIDs, attentionMask, tokenTypeIDs}, output: lastHiddenState, dim: 384}},
		{name: "no token types, inputs reordered", ins: []onnxpb.ValueInfo{i64(attentionMask), i64(inputIDs)}, outs: []onnxpb.ValueInfo{hidden},
			want: signature{inputs: []string{inputIDs, attentionMask}, output: lastHiddenState, dim: 384}},
		{name: "pooled", ins: bert, outs: []onnxpb.ValueInfo{pooled},
			want: signature{inputs: []string{inputIDs, attentionMask, tokenTypeIDs}, output: sentenceEmbedding, pooled: true, dim: 384}},
		{name: "both outputs: pooled wins", ins: bert, outs: []onnxpb.ValueInfo{hidden, pooled},
			want: signature{inputs: []string{inputIDs, attentionMask, tokenTypeIDs}, output: sentenceEmbedding, pooled: true, dim: 384}},
		{name: "symbolic hidden size", ins: bert, outs: []onnxpb.ValueInfo{onnxpb.TensorInfo(lastHiddenState, onnxpb.Float, "b", "s", "h")},
			want: signature{inputs: []string{inputIDs, attentionMask, tokenTypeIDs}, output: lastHiddenState}},
		{name: "logits", ins: bert, outs: []onnxpb.ValueInfo{onnxpb.TensorInfo("logits", onnxpb.Float, "batch", 2)},
			wantErr: []string{"no output last_hidden_state or sentence_embedding", "outputs are [logits float32 [batch 2]]"}},
		{name: "no attention mask", ins: []onnxpb.ValueInfo{i64(inputIDs)}, outs: []onnxpb.ValueInfo{hidden},
			wantErr: []string{"no input attention_mask", "inputs are [input_ids int64 [batch sequence]]"}},
		{name: "extra input", ins: append([]onnxpb.ValueInfo{i64("position_ids")}, bert...), outs: []onnxpb.ValueInfo{hidden},
			wantErr: []string{"unexpected input position_ids"}},
		{name: "int32 ids", ins: []onnxpb.ValueInfo{onnxpb.TensorInfo(inputIDs, 6, "b", "s"), i64(attentionMask)}, outs: []onnxpb.ValueInfo{hidden},
			wantErr: []string{"input input_ids is int32, not int64"}},
		{name: "hidden of rank 2", ins: bert, outs: []onnxpb.ValueInfo{onnxpb.TensorInfo(lastHiddenState, onnxpb.Float, "b", 384)},
			wantErr: []string{"output last_hidden_state has 2 dimensions, not 3"}},
		{name: "float16 output", ins: bert, outs: []onnxpb.ValueInfo{onnxpb.TensorInfo(sentenceEmbedding, 10, "b", 384)},
			wantErr: []string{"output sentence_embedding is float16, not float32"}},
		{name: "nothing", wantErr: []string{"no input input_ids", "no input attention_mask", "inputs are [] and outputs are []"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := checkSignature(tt.ins, tt.outs)
			if len(tt.wantErr) > 0 {
				if err == nil {
					t.Fatalf("checkSignature() = %+v; want an error", got)
				}
				for _, w := range append(tt.wantErr, wantSignature) {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("checkSignature() error = %q; want it to contain %q", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("checkSignature() error = %v", err)
			}
			if strings.Join(got.inputs, ",") != strings.Join(tt.want.inputs, ",") || got.output != tt.want.output ||
				got.pooled != tt.want.pooled || got.dim != tt.want.dim {
				t.Errorf("checkSignature() = %+v; want %+v", got, tt.want)
			}
		})
	}
}
