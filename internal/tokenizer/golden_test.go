package tokenizer

import (
	"bufio"
	"encoding/json"
	"os"
	"slices"
	"testing"
)

// TestGoldenTransformersJS compares Encode with the ids that transformers.js
// (@huggingface/transformers) gives for the same tokenizer.json; the file is
// made by testdata/gen_golden.mjs.
func TestGoldenTransformersJS(t *testing.T) {
	tok := realTokenizer(t)
	f, err := os.Open("testdata/golden.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		var g struct {
			Text string  `json:"text"`
			IDs  []int64 `json:"ids"`
		}
		if err := json.Unmarshal(sc.Bytes(), &g); err != nil {
			t.Fatalf("golden.jsonl line %d: %v", n+1, err)
		}
		n++
		if got := tok.Encode(g.Text).IDs; !slices.Equal(got, g.IDs) {
			t.Errorf("Encode(%q) = %v; want %v", g.Text, got, g.IDs)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 60 {
		t.Errorf("golden.jsonl has %d cases; want at least 60", n)
	}
}
