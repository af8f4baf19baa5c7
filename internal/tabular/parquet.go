package tabular

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// parquetBatch is how many rows are decoded at a time.
const parquetBatch = 256

// parquetReader streams the rows of a Parquet file one row group at a time,
// converting each leaf column to a string.
type parquetReader struct {
	f       *os.File
	name    string
	file    *parquet.File
	leaves  []parquetLeaf // by leaf column index
	header  []string
	counter *countingReaderAt

	groups []parquet.RowGroup
	group  int
	rows   parquet.Rows
	batch  []parquet.Row
	n, i   int
	done   bool

	row     int64
	rec     Record
	fields  []string
	parts   []string
	invalid int64
	first   *TextPosition // the first row with invalid UTF-8
	err     error
}

// parquetLeaf describes one leaf column.
type parquetLeaf struct {
	path     []string
	repeated bool // values of one row are joined with "; "
	maxDef   int
	typ      parquet.Type
}

// countingReaderAt counts the bytes read through it.
type countingReaderAt struct {
	r io.ReaderAt
	n int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n += int64(n)
	return n, err
}

func newParquet(f *os.File, name string) (*parquetReader, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	counter := &countingReaderAt{r: f}
	pf, err := parquet.OpenFile(counter, st.Size(), parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return nil, fmt.Errorf("read %s: not a readable Parquet file: %w", name, err)
	}
	p := &parquetReader{f: f, name: name, file: pf, counter: counter, groups: pf.RowGroups()}
	for _, top := range pf.Root().Columns() {
		var leaves []*parquet.Column
		collectLeaves(top, &leaves)
		for _, c := range leaves {
			name := top.Name()
			if len(leaves) > 1 {
				name = strings.Join(c.Path(), ".")
			}
			idx := c.Index()
			for len(p.leaves) <= idx {
				p.leaves = append(p.leaves, parquetLeaf{})
				p.header = append(p.header, "")
			}
			p.leaves[idx] = parquetLeaf{
				path:     c.Path(),
				repeated: c.MaxRepetitionLevel() > 0,
				maxDef:   c.MaxDefinitionLevel(),
				typ:      c.Type(),
			}
			p.header[idx] = name
		}
	}
	if err := checkHeader(name, p.header); err != nil {
		return nil, err
	}
	p.fields = make([]string, len(p.header))
	return p, nil
}

func collectLeaves(c *parquet.Column, out *[]*parquet.Column) {
	if c.Leaf() {
		*out = append(*out, c)
		return
	}
	for _, ch := range c.Columns() {
		collectLeaves(ch, out)
	}
}

// Header returns one name per leaf column: the top-level field's name, or
// the dotted path when a field has several leaves.
func (p *parquetReader) Header() []string { return p.header }

// Format returns FormatParquet.
func (p *parquetReader) Format() Format { return FormatParquet }

// Delimiter returns 0: Parquet has no delimiter.
func (p *parquetReader) Delimiter() rune { return 0 }

// InvalidUTF8 returns how many byte-array values had invalid UTF-8 replaced
// by U+FFFD so far.
func (p *parquetReader) InvalidUTF8() int64 { return p.invalid }

// TextReport says how many values had invalid UTF-8 replaced, and in which
// row the first was. Parquet strings are UTF-8 by definition:
// Options.Encoding does not apply.
func (p *parquetReader) TextReport() TextReport {
	return TextReport{Encoding: EncodingUTF8.String(), Replaced: p.invalid, FirstReplaced: p.first}
}

// InputOffset returns how many bytes have been read from the file so far.
func (p *parquetReader) InputOffset() int64 { return p.counter.n }

// NumRows returns the number of rows in the file, from its metadata.
func (p *parquetReader) NumRows() int64 { return p.file.NumRows() }

// Close closes the row reader and the file.
func (p *parquetReader) Close() error {
	if p.err == nil {
		p.err = fmt.Errorf("read %s: %w", p.name, errClosed)
	}
	var err error
	if p.rows != nil {
		err = p.rows.Close()
		p.rows = nil
	}
	if p.f != nil {
		err = errors.Join(err, p.f.Close())
		p.f = nil
	}
	return err
}

// Next returns the next row; see Reader.
func (p *parquetReader) Next() (*Record, error) {
	if p.err != nil {
		return nil, p.err
	}
	for p.i >= p.n {
		if p.done {
			return nil, io.EOF
		}
		if err := p.fill(); err != nil {
			p.err = fmt.Errorf("read %s row group %d: %w", p.name, p.group, err)
			return nil, p.err
		}
	}
	row := p.batch[p.i]
	p.i++
	p.row++
	before := p.invalid
	p.convert(row)
	if p.invalid > before && p.first == nil {
		p.first = &TextPosition{Row: p.row}
	}
	p.rec = Record{Row: p.row, Fields: p.fields}
	return &p.rec, nil
}

// fill reads the next batch of rows, moving to the next row group as needed.
func (p *parquetReader) fill() error {
	p.i, p.n = 0, 0
	if p.rows == nil {
		if p.group >= len(p.groups) {
			p.done = true
			return nil
		}
		p.rows = p.groups[p.group].Rows()
		if p.batch == nil {
			p.batch = make([]parquet.Row, parquetBatch)
		}
	}
	n, err := p.rows.ReadRows(p.batch)
	p.n = n
	if err == io.EOF {
		err = p.rows.Close()
		p.rows = nil
		p.group++
	}
	return err
}

// convert fills p.fields from one row.
func (p *parquetReader) convert(row parquet.Row) {
	clear(p.fields)
	start := 0
	for start < len(row) {
		col := row[start].Column()
		end := start + 1
		for end < len(row) && row[end].Column() == col {
			end++
		}
		if col < len(p.leaves) {
			leaf := &p.leaves[col]
			if leaf.repeated {
				p.parts = p.parts[:0]
				for _, v := range row[start:end] {
					if !v.IsNull() && v.DefinitionLevel() == leaf.maxDef {
						p.parts = append(p.parts, p.format(leaf, v))
					}
				}
				p.fields[col] = strings.Join(p.parts, "; ")
			} else if v := row[start]; !v.IsNull() {
				p.fields[col] = p.format(leaf, v)
			}
		}
		start = end
	}
}

// format converts one non-null value to a string according to its column's
// logical type.
func (p *parquetReader) format(leaf *parquetLeaf, v parquet.Value) string {
	var lt format.LogicalTypeValue
	if t := leaf.typ.LogicalType(); t != nil {
		lt = t.Value
	}
	switch v.Kind() {
	case parquet.Boolean:
		return strconv.FormatBool(v.Boolean())
	case parquet.Int32, parquet.Int64:
		x := v.Int64()
		if v.Kind() == parquet.Int32 {
			x = int64(v.Int32())
		}
		switch t := lt.(type) {
		case *format.DateType:
			return time.Unix(x*86400, 0).UTC().Format("2006-01-02")
		case *format.TimestampType:
			return unitTime(x, &t.Unit).Format(time.RFC3339Nano)
		case *format.TimeType:
			return unitTime(x, &t.Unit).Format("15:04:05.999999999")
		case *format.DecimalType:
			return formatDecimal(big.NewInt(x), t.Scale)
		case *format.IntType:
			if !t.IsSigned {
				if v.Kind() == parquet.Int32 {
					return strconv.FormatUint(uint64(v.Uint32()), 10)
				}
				return strconv.FormatUint(v.Uint64(), 10)
			}
		}
		return strconv.FormatInt(x, 10)
	case parquet.Int96:
		// Legacy timestamp: nanoseconds of the day, then the Julian day.
		i := v.Int96()
		nanos := int64(uint64(i[1])<<32 | uint64(i[0]))
		days := int64(i[2]) - 2440588
		return time.Unix(days*86400, nanos).UTC().Format(time.RFC3339Nano)
	case parquet.Float:
		return formatFloat(float64(v.Float()), 32)
	case parquet.Double:
		return formatFloat(v.Double(), 64)
	case parquet.ByteArray, parquet.FixedLenByteArray:
		b := v.ByteArray()
		switch t := lt.(type) {
		case *format.UUIDType:
			if len(b) == 16 {
				h := hex.EncodeToString(b)
				return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
			}
		case *format.DecimalType:
			n := new(big.Int).SetBytes(b)
			if len(b) > 0 && b[0]&0x80 != 0 { // two's complement
				n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
			}
			return formatDecimal(n, t.Scale)
		case *format.Float16Type:
			if len(b) == 2 {
				return formatFloat(float64(float16(binary.LittleEndian.Uint16(b))), 32)
			}
		}
		if !utf8.Valid(b) {
			p.invalid++
			return strings.ToValidUTF8(string(b), "\uFFFD")
		}
		return string(b)
	}
	return v.String()
}

// unitTime converts a count of the given unit since the epoch (or since
// midnight, for times) to a time in UTC.
func unitTime(x int64, u *format.TimeUnit) time.Time {
	switch u.Value.(type) {
	case *format.MilliSeconds:
		return time.UnixMilli(x).UTC()
	case *format.MicroSeconds:
		return time.UnixMicro(x).UTC()
	}
	return time.Unix(0, x).UTC()
}

// formatDecimal writes n scaled down by 10^scale.
func formatDecimal(n *big.Int, scale int32) string {
	s := n.String()
	if scale <= 0 {
		return s
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for len(s) <= int(scale) {
		s = "0" + s
	}
	s = s[:len(s)-int(scale)] + "." + s[len(s)-int(scale):]
	if neg {
		s = "-" + s
	}
	return s
}

// formatFloat writes x like JSON does: plain decimals, exponents only for
// very large or very small magnitudes.
func formatFloat(x float64, bits int) string {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return strconv.FormatFloat(x, 'g', -1, bits)
	}
	if a := math.Abs(x); a != 0 && (a < 1e-6 || a >= 1e21) {
		return strconv.FormatFloat(x, 'e', -1, bits)
	}
	return strconv.FormatFloat(x, 'f', -1, bits)
}

// float16 converts IEEE 754 half-precision bits to a float32.
func float16(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch exp {
	case 0:
		f := float32(frac) / 1024 / 16384 // subnormal: frac * 2^-24
		if sign != 0 {
			return -f
		}
		return f
	case 0x1f:
		return math.Float32frombits(sign | 0xff<<23 | frac<<13)
	}
	return math.Float32frombits(sign | (exp+112)<<23 | frac<<13)
}
