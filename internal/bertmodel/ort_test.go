package bertmodel

import (
	"errors"
	"fmt"
	"github.com/skillx/skillx/internal/testenv"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	ort "github.com/yalue/onnxruntime_go"

	"github.com/skillx/skillx/internal/ortlib/ortlibtest"
)

// session is a model loaded in ONNX Runtime with the three BERT inputs and one output.
type session struct {
	s      *ort.DynamicAdvancedSession
	output string
}

func newSession(tb testing.TB, path string, threads int) *session {
	tb.Helper()
	ins, outs, err := ort.GetInputOutputInfo(path)
	if err != nil {
		tb.Fatalf("GetInputOutputInfo(%s) error = %v", path, err)
	}
	if len(ins) != 3 || len(outs) != 1 {
		tb.Fatalf("%s has inputs %v and outputs %v; want 3 and 1", path, ins, outs)
	}
	opts, err := ort.NewSessionOptions()
	if err != nil {
		tb.Fatal(err)
	}
	defer opts.Destroy()
	if err := errors.Join(opts.SetIntraOpNumThreads(threads), opts.SetInterOpNumThreads(1)); err != nil {
		tb.Fatal(err)
	}
	s, err := ort.NewDynamicAdvancedSession(path, []string{InputIDs, AttentionMask, TokenTypeIDs}, []string{outs[0].Name}, opts)
	if err != nil {
		tb.Fatalf("NewDynamicAdvancedSession(%s) error = %v", path, err)
	}
	tb.Cleanup(func() {
		if err := s.Destroy(); err != nil {
			tb.Error(err)
		}
	})
	return &session{s: s, output: outs[0].Name}
}

// run feeds a batch of equal-length rows and returns the output's data and shape.
func (s *session) run(ids, mask, types [][]int64) (data []float32, shape ort.Shape, err error) {
	batch, seq := int64(len(ids)), int64(len(ids[0]))
	var tensors []ort.Value
	defer func() {
		for _, v := range tensors {
			err = errors.Join(err, v.Destroy())
		}
	}()
	for _, rows := range [][][]int64{ids, mask, types} {
		flat := make([]int64, 0, batch*seq)
		for _, r := range rows {
			if int64(len(r)) != seq {
				return nil, nil, fmt.Errorf("row of %d tokens in a batch of %d", len(r), seq)
			}
			flat = append(flat, r...)
		}
		t, err := ort.NewTensor(ort.NewShape(batch, seq), flat)
		if err != nil {
			return nil, nil, err
		}
		tensors = append(tensors, t)
	}
	out := []ort.Value{nil}
	if err := s.s.Run(tensors[:3], out); err != nil {
		return nil, nil, err
	}
	tensors = append(tensors, out[0])
	t, ok := out[0].(*ort.Tensor[float32])
	if !ok {
		return nil, nil, fmt.Errorf("output is %T; want *ort.Tensor[float32]", out[0])
	}
	return append([]float32(nil), t.GetData()...), t.GetShape().Clone(), nil
}

// testBatch is three sequences of different lengths padded with 0, the second with a second
// segment (token type 1).
func testBatch() (ids, mask, types [][]int64) {
	ids = [][]int64{
		{101, 7592, 2088, 2003, 1037, 3231, 102},
		{101, 2358, 102, 4248, 102, 0, 0},
		{101, 29602, 1012, 102, 0, 0, 0},
	}
	types = [][]int64{make([]int64, 7), {0, 0, 0, 1, 1, 0, 0}, make([]int64, 7)}
	mask = make([][]int64, len(ids))
	for i, row := range ids {
		mask[i] = make([]int64, len(row))
		for t, id := range row {
			if id != 0 {
				mask[i][t] = 1
			}
		}
	}
	return ids, mask, types
}

func TestTinyInONNXRuntime(t *testing.T) {
	ortlibtest.Init(t)
	ids, mask, types := testBatch()
	for _, pooled := range []bool{false, true} {
		t.Run(fmt.Sprintf("pooled=%v", pooled), func(t *testing.T) {
			cfg := Tiny()
			cfg.Pooled = pooled
			path := filepath.Join(t.TempDir(), "tiny.onnx")
			if _, err := WriteFile(path, cfg); err != nil {
				t.Fatal(err)
			}
			s := newSession(t, path, 1)
			got, shape, err := s.run(ids, mask, types)
			if err != nil {
				t.Fatalf("run() error = %v", err)
			}
			w := NewWeights(cfg)
			hidden := w.Forward(ids, mask, types)
			h := cfg.Hidden
			if pooled {
				if want := ort.NewShape(3, int64(h)); !shape.Equals(want) || s.output != SentenceEmbedding {
					t.Fatalf("output %s %v; want %s %v", s.output, shape, SentenceEmbedding, want)
				}
				compare(t, got, MeanPool(hidden, mask), 1e-5)
				return
			}
			if want := ort.NewShape(3, 7, int64(h)); !shape.Equals(want) || s.output != LastHiddenState {
				t.Fatalf("output %s %v; want %s %v", s.output, shape, LastHiddenState, want)
			}
			var want [][]float32
			var gotRows []float32
			for b := range hidden {
				for tok := range hidden[b] {
					if mask[b][tok] == 1 { // padding positions are not compared
						want = append(want, hidden[b][tok])
						gotRows = append(gotRows, got[(b*7+tok)*h:(b*7+tok+1)*h]...)
					}
				}
			}
			compare(t, gotRows, want, 1e-4)
		})
	}
}

// compare checks got (flat) against want (rows) element by element.
func compare(t *testing.T, got []float32, want [][]float32, tol float64) {
	t.Helper()
	maxDiff, bad := 0.0, 0
	i := 0
	for r, row := range want {
		for j, w := range row {
			d := math.Abs(float64(got[i]) - float64(w))
			maxDiff = math.Max(maxDiff, d)
			if d > tol && bad < 5 {
				t.Errorf("row %d dim %d = %v; want %v (±%g)", r, j, got[i], w, tol)
				bad++
			}
			i++
		}
	}
	t.Logf("largest difference %.2g over %d values", maxDiff, i)
}

// TestMiniLMShapedInONNXRuntime builds the full-size model (about 90 MB; 4 s on an idle
// 2-core machine, more under load) and checks one small batch against Forward. It runs only
// with SKILLX_LARGE_TESTS=1 and without -short, to keep the default tests fast.
func TestMiniLMShapedInONNXRuntime(t *testing.T) {
	testenv.Large(t, "builds a 90 MB model")
	ortlibtest.Init(t)
	path := filepath.Join(t.TempDir(), "minilm.onnx")
	start := time.Now()
	if _, err := WriteFile(path, MiniLML6()); err != nil {
		t.Fatal(err)
	}
	built := time.Since(start)
	s := newSession(t, path, 2)
	ids, mask, types := testBatch()
	got, _, err := s.run(ids[1:], mask[1:], types[1:])
	if err != nil {
		t.Fatalf("run() error = %v", err)
	}
	hidden := NewWeights(MiniLML6()).Forward(ids[1:], mask[1:], types[1:])
	var want [][]float32
	var gotRows []float32
	h := MiniLML6().Hidden
	for b := range hidden {
		for tok := range hidden[b] {
			if mask[b+1][tok] == 1 {
				want = append(want, hidden[b][tok])
				gotRows = append(gotRows, got[(b*7+tok)*h:(b*7+tok+1)*h]...)
			}
		}
	}
	compare(t, gotRows, want, 1e-4)
	t.Logf("built in %v", built)
}

// BenchmarkMiniLMShaped measures ONNX Runtime on a model of all-MiniLM-L6-v2's shape and
// compute: batches of 32 random sequences of 10 to 18 tokens (about 14), each batch padded
// to its longest, 2 intra-op threads. It reports sequences per second, and the model file's
// size and build time.
func BenchmarkMiniLMShaped(b *testing.B) {
	ortlibtest.Init(b)
	path := filepath.Join(b.TempDir(), "minilm.onnx")
	start := time.Now()
	if _, err := WriteFile(path, MiniLML6()); err != nil {
		b.Fatal(err)
	}
	buildTime := time.Since(start)
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	s := newSession(b, path, 2)

	rng := rand.New(rand.NewPCG(7, 7))
	const batchSize = 32
	batches := make([][3][][]int64, 16)
	for i := range batches {
		lens := make([]int, batchSize)
		longest := 0
		for j := range lens {
			lens[j] = 10 + rng.IntN(9)
			longest = max(longest, lens[j])
		}
		var ids, mask, types [][]int64
		for _, n := range lens {
			id, m := make([]int64, longest), make([]int64, longest)
			id[0], id[n-1] = 101, 102
			for t := range n {
				if t > 0 && t < n-1 {
					id[t] = 1000 + rng.Int64N(29000)
				}
				m[t] = 1
			}
			ids, mask, types = append(ids, id), append(mask, m), append(types, make([]int64, longest))
		}
		batches[i] = [3][][]int64{ids, mask, types}
	}
	if _, _, err := s.run(batches[0][0], batches[0][1], batches[0][2]); err != nil { // warm up
		b.Fatal(err)
	}
	b.ResetTimer()
	n := 0
	for b.Loop() {
		in := batches[n%len(batches)]
		if _, _, err := s.run(in[0], in[1], in[2]); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n*batchSize)/b.Elapsed().Seconds(), "seq/s")
	b.ReportMetric(float64(fi.Size())/1e6, "model-MB")
	b.ReportMetric(buildTime.Seconds(), "build-s")
}
