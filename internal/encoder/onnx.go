package encoder

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	ort "github.com/yalue/onnxruntime_go"

	"github.com/skillx/skillx/internal/onnxpb"
	"github.com/skillx/skillx/internal/ortlib"
	"github.com/skillx/skillx/internal/tokenizer"
)

// Defaults of ONNXConfig's zero fields.
const (
	// DefaultName is the encoder name that ID starts with.
	DefaultName = "minilm"
	// DefaultBatchSize is the number of texts run through the model at once.
	DefaultBatchSize = 32
	// DefaultMaxLength is the largest number of word pieces per text, [CLS] and [SEP]
	// included: all-MiniLM-L6-v2's max_seq_length in sentence-transformers.
	DefaultMaxLength = 256
)

// chunkTexts is how many texts Encode tokenises, sorts by length and batches at a time: enough
// for batches of nearly equal lengths, few enough to bound the memory of the encodings.
const chunkTexts = 8192

// ONNXConfig says which model and tokenizer an ONNX encoder loads and how it runs them.
type ONNXConfig struct {
	// Model is the path of the ONNX model file (all-MiniLM-L6-v2's onnx/model.onnx).
	Model string
	// Tokenizer is the path of the model's tokenizer.json, or of a BERT vocab.txt.
	Tokenizer string
	// Name starts the encoder id; "" means DefaultName.
	Name string
	// BatchSize is the number of texts per model run; 0 means DefaultBatchSize.
	BatchSize int
	// Threads is ONNX Runtime's number of intra-op threads; 0 means runtime.NumCPU().
	Threads int
	// MaxLength is the largest number of word pieces per text, [CLS] and [SEP] included;
	// longer texts are truncated. 0 means DefaultMaxLength.
	MaxLength int
}

// Stats are running totals of an ONNX encoder's work since NewONNX.
type Stats struct {
	// Texts is the number of texts encoded.
	Texts int64
	// Tokens is the number of word pieces fed to the model, [CLS] and [SEP] included and
	// padding excluded.
	Tokens int64
	// PaddedTokens is the number of padding positions added to make each batch rectangular.
	PaddedTokens int64
	// Batches is the number of model runs.
	Batches int64
	// InvalidUTF8 is the number of texts that were not valid UTF-8; each run of invalid bytes
	// was replaced by U+FFFD, which the tokenizer drops.
	InvalidUTF8 int64
	// Truncated is the number of texts cut to MaxLength word pieces.
	Truncated int64
}

// PaddingShare returns the share of padding among the positions fed to the model, from 0
// to 1 (0 before any text is encoded).
func (s Stats) PaddingShare() float64 {
	if s.Tokens+s.PaddedTokens == 0 {
		return 0
	}
	return float64(s.PaddedTokens) / float64(s.Tokens+s.PaddedTokens)
}

// ONNX is a sentence encoder that runs a BERT-shaped ONNX model in ONNX Runtime. It is safe
// for concurrent use; calls to Encode run one at a time.
type ONNX struct {
	cfg      ONNXConfig
	id       string
	modelSHA string
	tok      *tokenizer.Tokenizer
	sig      signature
	dim      int
	padID    int64
	sorted   bool // sort texts by length; false only in benchmarks

	mu      sync.Mutex // guards session and the buffers below
	session *ort.DynamicAdvancedSession
	ids     []int64
	mask    []int64
	types   []int64
	output  []float32
	acc     []float64

	statsMu sync.Mutex
	stats   Stats
}

// NewONNX loads the model and tokenizer of cfg and creates the ONNX Runtime session that the
// encoder keeps until Close. It checks everything before it creates the session and reports
// every problem at once: the files exist and are readable, the ONNX Runtime library loads
// (see package ortlib), the model has the signature of a BERT sentence encoder (see the
// package documentation), and the settings are not negative. It then runs the model once on
// an empty text, to learn the vector size and to check that the model runs.
func NewONNX(cfg ONNXConfig) (*ONNX, error) {
	cfg, errs := withDefaults(cfg)
	var sig signature
	var modelSHA string
	if cfg.Model == "" {
		errs = append(errs, errors.New("no model file given"))
	} else {
		var err error
		if sig, modelSHA, err = readModel(cfg.Model); err != nil {
			errs = append(errs, err)
		}
	}
	var tok *tokenizer.Tokenizer
	if cfg.Tokenizer == "" {
		errs = append(errs, errors.New("no tokenizer file given"))
	} else if cfg.MaxLength >= 2 {
		var err error
		if tok, err = tokenizer.Load(cfg.Tokenizer, tokenizer.Config{MaxLength: cfg.MaxLength}); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				err = fmt.Errorf("%w (run `make models`, or pass the model's tokenizer.json)", err)
			}
			errs = append(errs, err)
		}
	}
	if err := ortlib.Init(); err != nil {
		if !strings.Contains(err.Error(), "make setup") {
			err = fmt.Errorf("%w (run `make setup`, or set SKILLX_ORT_LIB to the path of libonnxruntime.so.1 %s)", err, ortlib.Version)
		}
		errs = append(errs, fmt.Errorf("load onnx runtime: %w", err))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("onnx encoder: %w", err)
	}

	e := &ONNX{
		cfg:      cfg,
		id:       cfg.Name + ":" + modelSHA[:12],
		modelSHA: modelSHA,
		tok:      tok,
		sig:      sig,
		dim:      sig.dim,
		sorted:   true,
	}
	if id, ok := tok.ID("[PAD]"); ok {
		e.padID = id
	}
	s, err := newSession(cfg, sig)
	if err != nil {
		return nil, fmt.Errorf("onnx encoder: %w", err)
	}
	e.session = s
	if err := e.probe(); err != nil {
		return nil, errors.Join(fmt.Errorf("onnx encoder: model %s: %w", cfg.Model, err), e.Close())
	}
	return e, nil
}

// withDefaults fills cfg's zero fields and reports negative ones.
func withDefaults(cfg ONNXConfig) (ONNXConfig, []error) {
	var errs []error
	for _, f := range []struct {
		name string
		v    *int
		def  int
	}{{"batch size", &cfg.BatchSize, DefaultBatchSize}, {"threads", &cfg.Threads, runtime.NumCPU()},
		{"max length", &cfg.MaxLength, DefaultMaxLength}} {
		switch {
		case *f.v == 0:
			*f.v = f.def
		case *f.v < 0:
			errs = append(errs, fmt.Errorf("%s is %d; want > 0, or 0 for the default %d", f.name, *f.v, f.def))
		}
	}
	if cfg.MaxLength == 1 {
		errs = append(errs, errors.New("max length is 1; want at least 2 ([CLS] and [SEP])"))
	}
	if cfg.Name == "" {
		cfg.Name = DefaultName
	}
	return cfg, errs
}

// readModel reads the model file, checks its signature without ONNX Runtime and returns it
// with the file's hex sha256.
func readModel(path string) (signature, string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			err = fmt.Errorf("%w (run `make models`, or pass the path of the model's onnx/model.onnx)", err)
		}
		return signature{}, "", fmt.Errorf("read encoder model: %w", err)
	}
	if len(data) == 0 {
		return signature{}, "", fmt.Errorf("encoder model %s is empty; want an onnx file", path)
	}
	ins, outs, err := onnxpb.ReadSignature(data)
	if err != nil {
		return signature{}, "", fmt.Errorf("encoder model %s (%d bytes) is not a complete onnx file (truncated or of another format?): %w", path, len(data), err)
	}
	sig, err := checkSignature(ins, outs)
	if err != nil {
		return signature{}, "", fmt.Errorf("encoder model %s: %w", path, err)
	}
	sum := sha256.Sum256(data)
	return sig, hex.EncodeToString(sum[:]), nil
}

// spinning lets ONNX Runtime's intra-op threads spin while they wait for work, its default.
// Off, they sleep. On an idle 2-core machine both give the same speed (BenchmarkONNXMiniLM,
// the spin=on sub-benchmarks against the others); while other processes share the cores,
// spinning was 1.5 to 3 times slower, since spinning threads take the cores from the Go side
// of the pipeline and from everything else. Only benchmarks change it.
var spinning = false

// newSession creates the ONNX Runtime session for the model's inputs and chosen output, with
// cfg.Threads intra-op threads that sleep rather than spin while idle.
func newSession(cfg ONNXConfig, sig signature) (s *ort.DynamicAdvancedSession, err error) {
	opts, err := ort.NewSessionOptions()
	if err != nil {
		return nil, fmt.Errorf("create session options: %w", err)
	}
	defer func() { err = errors.Join(err, opts.Destroy()) }()
	if err := errors.Join(opts.SetIntraOpNumThreads(cfg.Threads), opts.SetInterOpNumThreads(1)); err != nil {
		return nil, fmt.Errorf("set %d threads: %w", cfg.Threads, err)
	}
	spin := "0"
	if spinning {
		spin = "1"
	}
	if err := opts.AddSessionConfigEntry("session.intra_op.allow_spinning", spin); err != nil {
		return nil, fmt.Errorf("set thread spinning: %w", err)
	}
	s, err = ort.NewDynamicAdvancedSession(cfg.Model, sig.inputs, []string{sig.output}, opts)
	if err != nil {
		return nil, fmt.Errorf("load model %s in onnx runtime: %w", cfg.Model, err)
	}
	return s, nil
}

// probe runs the model on one empty text, with an output that ONNX Runtime allocates, to learn
// the vector size when the file leaves it symbolic and to check the output's type and shape.
func (e *ONNX) probe() (err error) {
	enc := e.tok.Encode("")
	inputs, err := e.inputTensors([]tokenizer.Encoding{enc}, []int{0}, len(enc.IDs))
	defer func() { err = errors.Join(err, destroy(inputs)) }()
	if err != nil {
		return err
	}
	out := []ort.Value{nil}
	if err := e.session.Run(inputs, out); err != nil {
		return fmt.Errorf("run on a test input: %w", err)
	}
	defer func() { err = errors.Join(err, out[0].Destroy()) }()
	t, ok := out[0].(*ort.Tensor[float32])
	if !ok {
		return fmt.Errorf("output %s is %T; want a float32 tensor", e.sig.output, out[0])
	}
	shape := t.GetShape()
	want := ort.NewShape(1, int64(len(enc.IDs)), int64(e.dim))
	if e.sig.pooled {
		want = ort.NewShape(1, int64(e.dim))
	}
	if e.dim == 0 && len(shape) == len(want) {
		e.dim = int(shape[len(shape)-1])
		want[len(want)-1] = int64(e.dim)
	}
	if !shape.Equals(want) || e.dim <= 0 {
		return fmt.Errorf("output %s has shape %v for 1 text of %d tokens; want %v", e.sig.output, shape, len(enc.IDs), want)
	}
	return nil
}

// ID returns the encoder id: the configured name, a colon and the first 12 hex digits of the
// model file's sha256, for example "minilm:53aa51172d14".
func (e *ONNX) ID() string { return e.id }

// Dim returns the number of dimensions of the vectors: the model's hidden size.
func (e *ONNX) Dim() int { return e.dim }

// ModelSHA256 returns the hex sha256 of the model file.
func (e *ONNX) ModelSHA256() string { return e.modelSHA }

// TokenizerSHA256 returns the hex sha256 of the tokenizer file.
func (e *ONNX) TokenizerSHA256() string { return e.tok.SHA256() }

// Stats returns the running totals of the encoder's work.
func (e *ONNX) Stats() Stats {
	e.statsMu.Lock()
	defer e.statsMu.Unlock()
	return e.stats
}

// Close frees the ONNX Runtime session. It is safe to call more than once; Encode fails
// afterwards.
func (e *ONNX) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.session == nil {
		return nil
	}
	err := e.session.Destroy()
	e.session = nil
	if err != nil {
		return fmt.Errorf("close onnx encoder %s: %w", e.id, err)
	}
	return nil
}

// Encode returns the L2-normalised vectors of texts, in input order; they share one backing
// array. Texts are tokenised, sorted by length and run in batches of BatchSize, each padded
// to its longest text. Empty and punctuation-only texts get the vector of [CLS] [SEP];
// invalid UTF-8 is repaired first (see Stats.InvalidUTF8). ctx is checked between batches.
func (e *ONNX) Encode(ctx context.Context, texts []string) ([][]float32, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.session == nil {
		return nil, fmt.Errorf("encode with %s: encoder is closed", e.id)
	}
	out := make([][]float32, len(texts))
	backing := make([]float32, len(texts)*e.dim)
	for i := range out {
		out[i] = backing[i*e.dim : (i+1)*e.dim : (i+1)*e.dim]
	}
	for lo := 0; lo < len(texts); lo += chunkTexts {
		hi := min(lo+chunkTexts, len(texts))
		if err := e.encodeChunk(ctx, texts[lo:hi], out[lo:hi]); err != nil {
			return nil, fmt.Errorf("encode %d texts with %s: %w", len(texts), e.id, err)
		}
	}
	return out, nil
}

// encodeChunk tokenises texts, sorts them by length and writes their vectors to dst.
func (e *ONNX) encodeChunk(ctx context.Context, texts []string, dst [][]float32) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var invalid, truncated int64
	clean := texts
	for i, t := range texts {
		if !utf8.ValidString(t) {
			if invalid == 0 {
				clean = slices.Clone(texts)
			}
			clean[i] = strings.ToValidUTF8(t, "\uFFFD")
			invalid++
		}
	}
	encs := e.tok.EncodeBatch(clean)
	order := make([]int, len(encs))
	for i := range order {
		order[i] = i
		if encs[i].Truncated {
			truncated++
		}
	}
	if e.sorted {
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(len(encs[a].IDs), len(encs[b].IDs)) })
	}
	e.statsMu.Lock()
	e.stats.InvalidUTF8 += invalid
	e.stats.Truncated += truncated
	e.statsMu.Unlock()

	for lo := 0; lo < len(order); lo += e.cfg.BatchSize {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := e.runBatch(encs, order[lo:min(lo+e.cfg.BatchSize, len(order))], dst); err != nil {
			return err
		}
	}
	return nil
}

// runBatch runs the model on encs[rows...], padded to the longest of them, and writes the
// pooled, normalised vector of encs[r] to dst[r].
func (e *ONNX) runBatch(encs []tokenizer.Encoding, rows []int, dst [][]float32) (err error) {
	seq, tokens := 0, 0
	for _, r := range rows {
		seq = max(seq, len(encs[r].IDs))
		tokens += len(encs[r].IDs)
	}
	inputs, err := e.inputTensors(encs, rows, seq)
	defer func() { err = errors.Join(err, destroy(inputs)) }()
	if err != nil {
		return err
	}
	shape := ort.NewShape(int64(len(rows)), int64(seq), int64(e.dim))
	if e.sig.pooled {
		shape = ort.NewShape(int64(len(rows)), int64(e.dim))
	}
	e.output = grow(e.output, int(shape.FlattenedSize()))
	out, err := ort.NewTensor(shape, e.output)
	if err != nil {
		return fmt.Errorf("create output tensor %v: %w", shape, err)
	}
	defer func() { err = errors.Join(err, out.Destroy()) }()
	if err := e.session.Run(inputs, []ort.Value{out}); err != nil {
		return fmt.Errorf("run batch of %d texts of up to %d tokens: %w", len(rows), seq, err)
	}

	data := out.GetData()
	if !e.sig.pooled {
		e.acc = grow(e.acc, e.dim)
	}
	for b, r := range rows {
		if e.sig.pooled {
			copy(dst[r], data[b*e.dim:(b+1)*e.dim])
			normalizeIfNeeded(dst[r])
			continue
		}
		meanPool(dst[r], data[b*seq*e.dim:(b+1)*seq*e.dim], e.mask[b*seq:(b+1)*seq], e.acc)
	}

	e.statsMu.Lock()
	e.stats.Texts += int64(len(rows))
	e.stats.Tokens += int64(tokens)
	e.stats.PaddedTokens += int64(len(rows)*seq - tokens)
	e.stats.Batches++
	e.statsMu.Unlock()
	return nil
}

// inputTensors fills the reused input buffers with encs[rows...], each padded to seq
// positions (pad id, mask 0, type 0), and wraps them as tensors in the order of e.sig.inputs.
// The caller destroys the tensors, also on error.
func (e *ONNX) inputTensors(encs []tokenizer.Encoding, rows []int, seq int) ([]ort.Value, error) {
	n := len(rows) * seq
	e.ids, e.mask, e.types = grow(e.ids, n), grow(e.mask, n), grow(e.types, n)
	for b, r := range rows {
		enc := encs[r]
		ids, mask, types := e.ids[b*seq:(b+1)*seq], e.mask[b*seq:(b+1)*seq], e.types[b*seq:(b+1)*seq]
		k := copy(ids, enc.IDs)
		copy(mask, enc.AttentionMask)
		copy(types, enc.TypeIDs)
		for t := k; t < seq; t++ {
			ids[t], mask[t], types[t] = e.padID, 0, 0
		}
	}
	shape := ort.NewShape(int64(len(rows)), int64(seq))
	tensors := make([]ort.Value, 0, len(e.sig.inputs))
	for _, name := range e.sig.inputs {
		data := e.ids
		switch name {
		case attentionMask:
			data = e.mask
		case tokenTypeIDs:
			data = e.types
		}
		t, err := ort.NewTensor(shape, data[:n])
		if err != nil {
			return tensors, fmt.Errorf("create input tensor %s %v: %w", name, shape, err)
		}
		tensors = append(tensors, t)
	}
	return tensors, nil
}

// destroy frees tensors.
func destroy(tensors []ort.Value) error {
	var errs []error
	for _, t := range tensors {
		errs = append(errs, t.Destroy())
	}
	return errors.Join(errs...)
}

// grow returns buf resliced to n elements, reallocated when it is too short.
func grow[T any](buf []T, n int) []T {
	if cap(buf) < n {
		return make([]T, n)
	}
	return buf[:n]
}

// meanPool writes to dst the mean of the rows of hidden ([seq][dim], flat) whose mask is 1,
// divided by max(count, 1e-9), then scaled to unit L2 norm (dividing by max(norm, 1e-12)), as
// sentence-transformers' Pooling and Normalize modules compute it. acc is scratch of len(dst).
func meanPool(dst, hidden []float32, mask []int64, acc []float64) {
	dim := len(dst)
	clear(acc)
	count := 0.0
	for t, m := range mask {
		if m == 0 {
			continue
		}
		w := float64(m)
		count += w
		for j, x := range hidden[t*dim : (t+1)*dim] {
			acc[j] += w * float64(x)
		}
	}
	count = math.Max(count, 1e-9)
	norm := 0.0
	for j := range acc {
		acc[j] /= count
		norm += acc[j] * acc[j]
	}
	norm = math.Max(math.Sqrt(norm), 1e-12)
	for j, x := range acc {
		dst[j] = float32(x / norm)
	}
}

// normalizeIfNeeded scales v to unit L2 norm (dividing by max(norm, 1e-12)) unless its norm is
// already 1 within 1e-6.
func normalizeIfNeeded(v []float32) {
	norm := 0.0
	for _, x := range v {
		norm += float64(x) * float64(x)
	}
	norm = math.Sqrt(norm)
	if math.Abs(norm-1) <= 1e-6 {
		return
	}
	norm = math.Max(norm, 1e-12)
	for j, x := range v {
		v[j] = float32(float64(x) / norm)
	}
}
