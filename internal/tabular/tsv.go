package tabular

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// tsvReader reads tab-separated values: one record a line, fields split on
// the delimiter, no quote processing (a '"' is an ordinary character), as in
// O*NET's database files.
type tsvReader struct {
	in      *input
	counter *countingReader
	closer  func() error
	name    string
	delim   byte
	maxRec  int

	header     []string
	headerLine int64

	row     int64
	rec     Record
	fields  []string
	scratch []byte
	invalid int64
	err     error
}

func newTSV(in *input, counter *countingReader, closer func() error, name string, delim byte, maxRec int) (*tsvReader, error) {
	t := &tsvReader{in: in, counter: counter, closer: closer, name: name, delim: delim, maxRec: maxRec}
	for {
		line, no, res := in.nextLine(maxRec, &t.scratch)
		switch res {
		case lineEOF:
			return nil, fmt.Errorf("read %s: empty file: a header row is required", name)
		case lineFatal:
			return nil, in.fatal()
		case lineTooLong:
			return nil, fmt.Errorf("read %s header: line %d is longer than %d bytes (MaxRecordBytes)", name, no, maxRec)
		}
		if len(line) == 0 {
			continue
		}
		if bytes.IndexByte(line, 0) >= 0 {
			return nil, fmt.Errorf("read %s header: line %d contains a NUL byte (binary content)", name, no)
		}
		t.header = append([]string(nil), t.split(line, -1)...)
		t.headerLine = no
		break
	}
	if err := checkHeader(name, t.header); err != nil {
		return nil, err
	}
	return t, nil
}

// Header returns the column names from the first line.
func (t *tsvReader) Header() []string { return t.header }

// Format returns FormatTSV.
func (t *tsvReader) Format() Format { return FormatTSV }

// Delimiter returns the field delimiter ('\t' unless Options said otherwise).
func (t *tsvReader) Delimiter() rune { return rune(t.delim) }

// InvalidUTF8 returns how many fields (header names included) had invalid
// UTF-8 replaced by U+FFFD so far.
func (t *tsvReader) InvalidUTF8() int64 { return t.invalid }

// InputOffset returns how many bytes have been read from the underlying
// reader (compressed bytes for gzip input).
func (t *tsvReader) InputOffset() int64 { return t.counter.n.Load() }

// Close releases the decompressor and the file opened by Open.
func (t *tsvReader) Close() error {
	if t.err == nil {
		t.err = fmt.Errorf("read %s: %w", t.name, errClosed)
	}
	if t.closer == nil {
		return nil
	}
	err := t.closer()
	t.closer = nil
	return err
}

// Next returns the next record; see Reader.
func (t *tsvReader) Next() (*Record, error) {
	if t.err != nil {
		return nil, t.err
	}
	for {
		line, no, res := t.in.nextLine(t.maxRec, &t.scratch)
		switch res {
		case lineEOF:
			return nil, io.EOF
		case lineFatal:
			t.err = t.in.fatal()
			return nil, t.err
		}
		if res == lineOK && len(line) == 0 {
			continue
		}
		t.row++
		t.rec = Record{Row: t.row, Line: no, Raw: line}
		rec := &t.rec
		switch {
		case res == lineTooLong:
			rec.Err = t.recordError(ErrTooLong, fmt.Sprintf("line longer than %d bytes (MaxRecordBytes)", t.maxRec))
		case bytes.IndexByte(line, 0) >= 0:
			rec.Err = t.recordError(ErrBinary, "record contains a NUL byte (binary content)")
		default:
			if n := bytes.Count(line, []byte{t.delim}) + 1; n != len(t.header) {
				rec.Err = t.recordError(ErrFieldCount, fmt.Sprintf("wrong number of fields: expected %d, found %d", len(t.header), n))
			} else {
				rec.Fields = t.split(line, n)
			}
		}
		return rec, nil
	}
}

func (t *tsvReader) recordError(kind error, msg string) error {
	return &RecordError{File: t.name, Line: t.rec.Line, Row: t.rec.Row, Kind: kind, Msg: msg}
}

// split cuts line into fields: one string for the line, the fields being
// substrings of it.
func (t *tsvReader) split(line []byte, n int) []string {
	if n < 0 {
		n = bytes.Count(line, []byte{t.delim}) + 1
	}
	valid := utf8.Valid(line)
	s := string(line)
	f := t.fields[:0]
	for i := 0; i < n; i++ {
		v := s
		if k := strings.IndexByte(s, t.delim); k >= 0 && i < n-1 {
			v, s = s[:k], s[k+1:]
		}
		if !valid && !utf8.ValidString(v) {
			v = strings.ToValidUTF8(v, "\uFFFD")
			t.invalid++
		}
		f = append(f, v)
	}
	t.fields = f
	return f
}
