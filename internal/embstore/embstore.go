package embstore

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/skillx/skillx/internal/atomicfile"
)

// Hash is the sha256 of a text's UTF-8 bytes.
type Hash [32]byte

// HashText returns the Hash of text.
func HashText(text string) Hash { return sha256.Sum256([]byte(text)) }

// String returns the hash in hex.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// ParseHash parses a hex hash.
func ParseHash(s string) (Hash, error) {
	var h Hash
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != len(h) {
		return h, fmt.Errorf("parse text hash %q: want 64 hex digits", s)
	}
	copy(h[:], b)
	return h, nil
}

// Row is one embedded text.
type Row struct {
	// Encoder is the id of the encoder that made Vector.
	Encoder string
	// Hash is the sha256 of Text.
	Hash Hash
	// Text is the embedded text.
	Text string
	// Vector is the embedding, L2-normalised.
	Vector []float32
}

// Metadata keys of the Arrow schema.
const (
	metaEncoder = "skillx.encoder"
	metaDim     = "skillx.dim"
)

func schema(encoder string, dim int) *arrow.Schema {
	md := arrow.NewMetadata([]string{metaEncoder, metaDim}, []string{encoder, strconv.Itoa(dim)})
	return arrow.NewSchema([]arrow.Field{
		{Name: "encoder", Type: &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}},
		{Name: "hash", Type: &arrow.FixedSizeBinaryType{ByteWidth: 32}},
		{Name: "text", Type: arrow.BinaryTypes.String},
		{Name: "vector", Type: arrow.FixedSizeListOf(int32(dim), arrow.PrimitiveTypes.Float32)},
	}, &md)
}

// BatchRows is the number of rows per record batch.
const BatchRows = 4096

// Writer writes an embeddings file; it appears only when Commit succeeds.
type Writer struct {
	f       *atomicfile.File
	w       *ipc.FileWriter
	schema  *arrow.Schema
	encoder string
	dim     int
	pending []Row
	rows    int64
}

// Create starts an embeddings file of one encoder's vectors of length dim.
func Create(path, encoder string, dim int) (*Writer, error) {
	f, err := atomicfile.Create(path)
	if err != nil {
		return nil, err
	}
	s := schema(encoder, dim)
	w, err := ipc.NewFileWriter(f, ipc.WithSchema(s), ipc.WithAllocator(memory.DefaultAllocator))
	if err != nil {
		f.Abort()
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return &Writer{f: f, w: w, schema: s, encoder: encoder, dim: dim}, nil
}

// Write adds rows; they are written in batches of BatchRows. Each row's encoder must be the
// file's and its vector dim long.
func (w *Writer) Write(rows ...Row) error {
	for _, r := range rows {
		if r.Encoder != w.encoder {
			return fmt.Errorf("write %s: a vector of encoder %q in a file of encoder %q", w.f.Path(), r.Encoder, w.encoder)
		}
		if len(r.Vector) != w.dim {
			return fmt.Errorf("write %s: a vector of length %d in a file of dimension %d", w.f.Path(), len(r.Vector), w.dim)
		}
		w.pending = append(w.pending, r)
		if len(w.pending) == BatchRows {
			if err := w.flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

// Rows returns the number of rows written so far.
func (w *Writer) Rows() int64 { return w.rows + int64(len(w.pending)) }

func (w *Writer) flush() error {
	if len(w.pending) == 0 {
		return nil
	}
	mem := memory.DefaultAllocator
	b := array.NewRecordBuilder(mem, w.schema)
	defer b.Release()
	enc := b.Field(0).(*array.BinaryDictionaryBuilder)
	hashes := b.Field(1).(*array.FixedSizeBinaryBuilder)
	texts := b.Field(2).(*array.StringBuilder)
	vecs := b.Field(3).(*array.FixedSizeListBuilder)
	vals := vecs.ValueBuilder().(*array.Float32Builder)
	vals.Reserve(len(w.pending) * w.dim)
	for _, r := range w.pending {
		if err := enc.AppendString(r.Encoder); err != nil {
			return fmt.Errorf("write %s: %w", w.f.Path(), err)
		}
		hashes.Append(r.Hash[:])
		texts.Append(r.Text)
		vecs.Append(true)
		vals.AppendValues(r.Vector, nil)
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	if err := w.w.Write(rec); err != nil {
		return fmt.Errorf("write %s: %w", w.f.Path(), err)
	}
	w.rows += int64(len(w.pending))
	w.pending = w.pending[:0]
	return nil
}

// Commit writes what is pending, closes the file and puts it in place.
func (w *Writer) Commit() error {
	if err := w.Prepare(); err != nil {
		return err
	}
	return w.Publish()
}

// Prepare writes what is pending and syncs the file without putting it in place (see
// atomicfile.PublishAll).
func (w *Writer) Prepare() error {
	if err := w.flush(); err != nil {
		w.f.Abort()
		return err
	}
	if err := w.w.Close(); err != nil {
		w.f.Abort()
		return fmt.Errorf("write %s: %w", w.f.Path(), err)
	}
	return w.f.Prepare()
}

// Publish puts a prepared file in place.
func (w *Writer) Publish() error { return w.f.Publish() }

// Abort discards the file; it does nothing after Commit.
func (w *Writer) Abort() { w.f.Abort() }

// Info describes an embeddings file.
type Info struct {
	// Encoder is the encoder id of every vector in the file.
	Encoder string
	// Dim is the vector length.
	Dim int
	// Rows is the number of rows.
	Rows int64
}

// Scan calls fn with the rows of path, batch by batch. The rows and their vectors are valid
// only during the call (copy what you keep).
func Scan(path string, fn func(info Info, rows []Row) error) (Info, error) {
	f, err := os.Open(path)
	if err != nil {
		return Info{}, fmt.Errorf("read embeddings %s: %w", path, err)
	}
	defer f.Close()
	r, err := ipc.NewFileReader(f, ipc.WithAllocator(memory.DefaultAllocator))
	if err != nil {
		return Info{}, fmt.Errorf("read embeddings %s: %w", path, err)
	}
	defer r.Close()
	info, err := infoOf(r.Schema())
	if err != nil {
		return Info{}, fmt.Errorf("read embeddings %s: %w", path, err)
	}
	var rows []Row
	for i := 0; i < r.NumRecords(); i++ {
		rec, err := r.RecordBatch(i)
		if err != nil {
			return info, fmt.Errorf("read embeddings %s batch %d: %w", path, i, err)
		}
		rows, err = decode(rec, info, rows[:0])
		if err != nil {
			return info, fmt.Errorf("read embeddings %s batch %d: %w", path, i, err)
		}
		info.Rows += int64(len(rows))
		if err := fn(info, rows); err != nil {
			return info, err
		}
	}
	return info, nil
}

func infoOf(s *arrow.Schema) (Info, error) {
	md := s.Metadata()
	enc := md.FindKey(metaEncoder)
	dim := md.FindKey(metaDim)
	if enc < 0 || dim < 0 {
		return Info{}, errors.New("not a skillx embeddings file (no encoder or dim in the schema metadata)")
	}
	d, err := strconv.Atoi(md.Values()[dim])
	if err != nil || d <= 0 {
		return Info{}, fmt.Errorf("bad dimension %q in the schema metadata", md.Values()[dim])
	}
	if s.NumFields() != 4 {
		return Info{}, fmt.Errorf("want 4 columns (encoder, hash, text, vector), found %d", s.NumFields())
	}
	return Info{Encoder: md.Values()[enc], Dim: d}, nil
}

func decode(rec arrow.RecordBatch, info Info, rows []Row) ([]Row, error) {
	encCol, ok1 := rec.Column(0).(*array.Dictionary)
	hashCol, ok2 := rec.Column(1).(*array.FixedSizeBinary)
	textCol, ok3 := rec.Column(2).(*array.String)
	vecCol, ok4 := rec.Column(3).(*array.FixedSizeList)
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return nil, errors.New("unexpected column types")
	}
	encDict, ok := encCol.Dictionary().(*array.String)
	if !ok {
		return nil, errors.New("unexpected encoder dictionary type")
	}
	vals, ok := vecCol.ListValues().(*array.Float32)
	if !ok {
		return nil, errors.New("unexpected vector value type")
	}
	all := vals.Float32Values()
	n := int(rec.NumRows())
	if len(all) < n*info.Dim {
		return nil, fmt.Errorf("%d vector values for %d rows of dimension %d", len(all), n, info.Dim)
	}
	for i := 0; i < n; i++ {
		var h Hash
		copy(h[:], hashCol.Value(i))
		off := vecCol.Offset() + i
		rows = append(rows, Row{
			Encoder: encDict.Value(encCol.GetValueIndex(i)),
			Hash:    h,
			Text:    textCol.Value(i),
			Vector:  all[off*info.Dim : (off+1)*info.Dim],
		})
	}
	return rows, nil
}

// Load reads the vectors of path whose hashes are in want (all when want is nil) into a map.
func Load(path string, want map[Hash]bool) (map[Hash][]float32, Info, error) {
	out := map[Hash][]float32{}
	info, err := Scan(path, func(_ Info, rows []Row) error {
		for _, r := range rows {
			if want == nil || want[r.Hash] {
				out[r.Hash] = append([]float32(nil), r.Vector...)
			}
		}
		return nil
	})
	return out, info, err
}

// ErrOtherEncoder is the error of Reuse when the file holds vectors of another encoder (or
// width) than the one asked for.
var ErrOtherEncoder = errors.New("embeddings of another encoder")

// Reuse calls fn with every row of the embeddings file at path whose text hash want accepts,
// when the file holds vectors of the encoder id with dim dimensions: the vectors of these
// texts that an earlier run embedded. A missing file holds no row (nil). A file of another
// encoder or width returns an error wrapping ErrOtherEncoder before any call of fn. The row
// and its vector are valid only during the call (copy what you keep).
func Reuse(path, id string, dim int, want func(Hash) bool, fn func(Row) error) error {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	_, err := Scan(path, func(info Info, rows []Row) error {
		if info.Encoder != id || info.Dim != dim {
			return fmt.Errorf("%s: %w (%s, %d dimensions; want %s, %d)", path, ErrOtherEncoder, info.Encoder, info.Dim, id, dim)
		}
		for _, r := range rows {
			if !want(r.Hash) {
				continue
			}
			if err := fn(r); err != nil {
				return err
			}
		}
		return nil
	})
	return err
}
