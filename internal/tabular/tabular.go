package tabular

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// Format is the format of a tabular file.
type Format int

// The formats a Reader understands. FormatAuto asks Open and NewReader to
// decide from the file name and content.
const (
	FormatAuto Format = iota
	FormatCSV
	FormatTSV
	FormatJSONL
	FormatParquet
)

var formatNames = [...]string{
	FormatAuto:    "auto",
	FormatCSV:     "csv",
	FormatTSV:     "tsv",
	FormatJSONL:   "jsonl",
	FormatParquet: "parquet",
}

// ParseFormat returns the Format named by s: "auto", "csv", "tsv", "jsonl"
// (or "ndjson") or "parquet", in any case.
func ParseFormat(s string) (Format, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	if t == "ndjson" {
		return FormatJSONL, nil
	}
	for f, name := range formatNames {
		if t == name {
			return Format(f), nil
		}
	}
	return FormatAuto, fmt.Errorf("unknown format %q; formats are: %s", s, strings.Join(formatNames[:], ", "))
}

// String returns the name of f as ParseFormat accepts it.
func (f Format) String() string {
	if f >= 0 && int(f) < len(formatNames) {
		return formatNames[f]
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// DefaultMaxRecordBytes is the record size limit used when
// Options.MaxRecordBytes is zero.
const DefaultMaxRecordBytes = 16 << 20

// Options configures Open and NewReader. The zero value detects everything.
type Options struct {
	// Format is the file's format. FormatAuto decides by extension (.csv,
	// .tsv, .txt (TSV when its first line has a tab, else CSV), .jsonl,
	// .ndjson, .parquet, after stripping .gz), then by content: Parquet's
	// magic bytes, a leading '{' for JSON Lines, CSV otherwise.
	Format Format
	// Delimiter is the CSV field delimiter. Zero detects it: among ',', '\t',
	// ';' and '|', the one that gives the same field count, greater than one,
	// on every line of the first 64 KiB (outside quotes); ',' if none does.
	// It must be an ASCII character other than '"', '\r' and '\n'.
	Delimiter rune
	// Encoding is the character encoding of a CSV or TSV file.
	// EncodingAuto (the zero value) reads a field as UTF-8 when it is valid
	// UTF-8, and otherwise as Windows-1252 when it holds none of the five
	// bytes Windows-1252 leaves undefined; other invalid bytes become
	// U+FFFD. EncodingUTF8 replaces every invalid byte sequence with U+FFFD;
	// EncodingWindows1252 and EncodingLatin1 decode every field that is not
	// ASCII. JSON Lines and Parquet are UTF-8 by definition: Encoding does
	// not apply to them. TextReporter says what was decoded and replaced.
	Encoding Encoding
	// MaxRecordBytes bounds the size of one record (or quoted field) in bytes;
	// 0 means DefaultMaxRecordBytes. A longer record is a record-level error
	// (ErrTooLong, or ErrQuote for a quoted field that does not close), and
	// memory stays bounded.
	MaxRecordBytes int
	// StrictQuotes makes CSV quoting strict, for callers that keep fields exactly as the file
	// wrote them and want no guesses (see internal/benchdata): a quote inside an unquoted
	// field, text after a closing quote, or a quoted field that spans lines without closing
	// into a record of the header's number of fields makes the record's first line an error
	// record (ErrQuote), and reading resumes at the next line. By default such records are
	// kept as leniently as Python's csv reads them. It does not apply to TSV, which reads a
	// line whose quoting does not work out as plain text.
	StrictQuotes bool

	// Tee, when set, receives the bytes of a CSV, TSV or JSON Lines input as they are read,
	// before gzip decompression: every byte of it once Next has returned io.EOF (Parquet, read
	// with random access, is not teed). The input is then read, and Tee written, on a
	// goroutine of its own a few chunks ahead of the parser, so that a caller that hashes the
	// file (see ingest) reads it once and hashes it beside the parsing.
	Tee io.Writer
	// bufSize is the size of the read buffer (tests use tiny buffers to
	// exercise records that straddle reads); 0 means 1 MiB.
	bufSize int
}

// Record is one data record, as returned by Reader.Next. The Record, its
// Fields slice and its Raw bytes belong to the Reader and are overwritten by
// the next call to Next: callers copy what they keep. The strings in Fields
// are immutable and may be kept, but the fields of CSV and TSV records
// share blocks of about 1 MiB (one allocation for many records instead of
// one each), so keeping one short field keeps its block alive (use
// strings.Clone for long-lived small fields).
type Record struct {
	// Row is the 1-based number of the record among the data records (the
	// header is not counted; error records are counted).
	Row int64
	// Line is the 1-based line of the file where the record starts (0 for
	// Parquet).
	Line int64
	// Fields holds the record's values aligned with Header(). It is nil when
	// Err is set. For JSON Lines it has the length Header() had when the
	// record was read (the header only grows).
	Fields []string
	// Raw is the record's bytes as they stand in the file, without its final
	// line terminator ("\n" or "\r\n"), for reject files (CSV, TSV, JSON
	// Lines; nil for Parquet). For an ErrTooLong record it holds only the
	// first MaxRecordBytes bytes.
	Raw []byte
	// Err is non-nil when the record could not be read (a *RecordError). The
	// reader has recovered, and the next call to Next reads the next record.
	Err error
}

// Reader streams the records of a tabular file.
type Reader interface {
	// Header returns the column names. For JSON Lines it is the keys of the
	// first object in their order, growing as later objects bring new keys.
	// The returned slice must not be modified.
	Header() []string
	// Next returns the next record, or io.EOF at the end. Any other error is
	// fatal (I/O, a truncated gzip stream), and Next keeps returning it.
	Next() (*Record, error)
	// Format returns the format being read (never FormatAuto).
	Format() Format
	// Delimiter returns the field delimiter of a CSV or TSV file, 0 for
	// other formats.
	Delimiter() rune
	// Close releases the file and the decompressor; Next then returns an
	// error. It does not close the io.Reader given to NewReader, but for
	// gzip input it waits for a Read on it that is under way to return.
	Close() error
}

// UTF8Counter is implemented by every Reader this package returns.
// InvalidUTF8 returns how many fields (or header names) read so far held
// bytes that are not valid in the file's encoding (invalid UTF-8, unless
// Options.Encoding says otherwise), which were replaced with U+FFFD.
type UTF8Counter interface {
	InvalidUTF8() int64
}

// Progresser is implemented by every Reader this package returns.
// InputOffset returns how many bytes have been read from the underlying file
// or io.Reader so far (compressed bytes for gzip input), for progress bars.
type Progresser interface {
	InputOffset() int64
}

// Sentinel errors wrapped by RecordError.Kind, for classifying rejects with
// errors.Is.
var (
	// ErrFieldCount marks a record with more or fewer fields than the header.
	ErrFieldCount = errors.New("wrong number of fields")
	// ErrQuote marks a quoted field that does not close (before the end of
	// the input or within MaxRecordBytes), or bad quoting that broke the
	// record structure.
	ErrQuote = errors.New("bad quoting")
	// ErrTooLong marks a line longer than MaxRecordBytes.
	ErrTooLong = errors.New("record too long")
	// ErrBinary marks a record that contains a NUL byte.
	ErrBinary = errors.New("binary content")
	// ErrJSON marks a JSON Lines line that is not a valid JSON object.
	ErrJSON = errors.New("invalid JSON")
)

// ErrEmpty is wrapped by the error of Open and NewReader for a CSV or TSV input with no header
// row (nothing at all, or nothing but blank lines).
var ErrEmpty = errors.New("empty file: a header row is required")

// RecordError describes a record-level problem. It is the type of Record.Err.
type RecordError struct {
	File string // the file name given to Open or NewReader
	Line int64  // the line where the record starts (0 for Parquet)
	Row  int64  // the record's Row
	Kind error  // one of ErrFieldCount, ErrQuote, ErrTooLong, ErrBinary, ErrJSON
	Msg  string // what was expected and what was found
}

// Error returns "file line N: message" (or "file row N: message" without a
// line number).
func (e *RecordError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s line %d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s row %d: %s", e.File, e.Row, e.Msg)
}

// Unwrap returns e.Kind.
func (e *RecordError) Unwrap() error { return e.Kind }

// checkHeader returns an error naming every duplicated column name and its
// 1-based positions.
func checkHeader(name string, header []string) error {
	if len(header) == 0 {
		return fmt.Errorf("read %s: header has no columns", name)
	}
	pos := make(map[string][]int, len(header))
	var dups []string
	for i, h := range header {
		if p, ok := pos[h]; ok && len(p) == 1 {
			dups = append(dups, h)
		}
		pos[h] = append(pos[h], i+1)
	}
	if len(dups) == 0 {
		return nil
	}
	parts := make([]string, len(dups))
	for i, d := range dups {
		p := pos[d]
		ps := make([]string, len(p))
		for j, n := range p {
			ps[j] = fmt.Sprint(n)
		}
		parts[i] = fmt.Sprintf("%q at columns %s", d, strings.Join(ps, ", "))
	}
	return fmt.Errorf("read %s: duplicate column names in header: %s; rename the columns so each name is unique", name, strings.Join(parts, "; "))
}

// FindColumn returns the index of the column called name in header: the first exact match,
// else the first whose name equals name ignoring case and surrounding spaces; -1 if there is
// none.
func FindColumn(header []string, name string) int {
	for i, h := range header {
		if h == name {
			return i
		}
	}
	for i, h := range header {
		if strings.EqualFold(strings.TrimSpace(h), strings.TrimSpace(name)) {
			return i
		}
	}
	return -1
}
