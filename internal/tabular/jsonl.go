package tabular

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// jsonlReader reads JSON Lines: one JSON object a line. Its header is the
// keys of the first object, in order, growing as new keys appear.
type jsonlReader struct {
	in      *input
	counter *countingReader
	closer  func() error
	name    string
	maxRec  int

	header []string
	index  map[string]int

	row     int64
	rec     Record
	pending bool // rec holds the first record, read to learn the header
	fields  []string
	vals    []keyValue
	scratch []byte
	buf     bytes.Buffer
	invalid int64
	first   *TextPosition // the first record with invalid UTF-8
	err     error
}

type keyValue struct {
	col int
	val string
}

func newJSONL(in *input, counter *countingReader, closer func() error, name string, maxRec int) (*jsonlReader, error) {
	j := &jsonlReader{in: in, counter: counter, closer: closer, name: name, maxRec: maxRec, index: map[string]int{}}
	rec, err := j.read()
	if err == io.EOF {
		return nil, fmt.Errorf("read %s: empty file: no JSON object found", name)
	}
	if err != nil {
		return nil, err
	}
	j.pending = rec != nil
	return j, nil
}

// Header returns the keys seen so far, in order of first appearance.
func (j *jsonlReader) Header() []string { return j.header }

// Format returns FormatJSONL.
func (j *jsonlReader) Format() Format { return FormatJSONL }

// Delimiter returns 0: JSON Lines has no delimiter.
func (j *jsonlReader) Delimiter() rune { return 0 }

// InvalidUTF8 returns how many values (keys included) had invalid UTF-8
// replaced by U+FFFD so far.
func (j *jsonlReader) InvalidUTF8() int64 { return j.invalid }

// TextReport says how many values had invalid UTF-8 replaced, and where
// the first was. JSON Lines is UTF-8 by definition: Options.Encoding does
// not apply.
func (j *jsonlReader) TextReport() TextReport {
	return TextReport{Encoding: EncodingUTF8.String(), Replaced: j.invalid, FirstReplaced: j.first}
}

// InputOffset returns how many bytes have been read from the underlying
// reader (compressed bytes for gzip input).
func (j *jsonlReader) InputOffset() int64 { return j.counter.n.Load() }

// Close releases the decompressor and the file opened by Open.
func (j *jsonlReader) Close() error {
	if j.err == nil {
		j.err = fmt.Errorf("read %s: %w", j.name, errClosed)
	}
	if j.closer == nil {
		return nil
	}
	err := j.closer()
	j.closer = nil
	return err
}

// Next returns the next record; see Reader.
func (j *jsonlReader) Next() (*Record, error) {
	if j.err != nil {
		return nil, j.err
	}
	if j.pending {
		j.pending = false
		return &j.rec, nil
	}
	rec, err := j.read()
	if err != nil && err != io.EOF {
		j.err = err
	}
	return rec, err
}

func (j *jsonlReader) read() (*Record, error) {
	for {
		line, no, res := j.in.nextLine(j.maxRec, &j.scratch)
		switch res {
		case lineEOF:
			return nil, io.EOF
		case lineFatal:
			return nil, j.in.fatal()
		}
		if res == lineOK && len(bytes.Trim(line, " \t\r")) == 0 {
			continue
		}
		j.row++
		j.rec = Record{Row: j.row, Line: no, Raw: line}
		rec := &j.rec
		switch {
		case res == lineTooLong:
			rec.Err = j.recordError(ErrTooLong, fmt.Sprintf("line longer than %d bytes (MaxRecordBytes)", j.maxRec))
		case bytes.IndexByte(line, 0) >= 0:
			rec.Err = j.recordError(ErrBinary, "line contains a NUL byte (binary content)")
		default:
			before := j.invalid
			err := j.parse(line)
			if j.invalid > before && j.first == nil {
				j.first = &TextPosition{Row: j.row, Line: no}
			}
			if err != nil {
				rec.Err = j.recordError(ErrJSON, err.Error())
				break
			}
			if cap(j.fields) < len(j.header) {
				j.fields = make([]string, len(j.header), 2*len(j.header))
			}
			j.fields = j.fields[:len(j.header)]
			clear(j.fields)
			for _, kv := range j.vals {
				j.fields[kv.col] = kv.val
			}
			rec.Fields = j.fields
		}
		return rec, nil
	}
}

func (j *jsonlReader) recordError(kind error, msg string) error {
	return &RecordError{File: j.name, Line: j.rec.Line, Row: j.rec.Row, Kind: kind, Msg: msg}
}

// parse reads one JSON object into j.vals, adding new keys to the header.
func (j *jsonlReader) parse(line []byte) error {
	line = bytes.TrimSpace(line)
	if !json.Valid(line) {
		var v any
		err := json.Unmarshal(line, &v) // for a precise message
		if err == nil {
			err = fmt.Errorf("not valid JSON")
		}
		return fmt.Errorf("invalid JSON: %v", err)
	}
	if line[0] != '{' {
		return fmt.Errorf("invalid JSON: expected an object, found %s", jsonKind(line[0]))
	}
	j.vals = j.vals[:0]
	i := skipSpace(line, 1)
	for line[i] != '}' {
		end := skipValue(line, i)
		key := j.str(line[i:end])
		i = skipSpace(line, end)
		i = skipSpace(line, i+1) // ':'
		end = skipValue(line, i)
		val := j.value(line[i:end])
		i = skipSpace(line, end)
		if line[i] == ',' {
			i = skipSpace(line, i+1)
		}
		col, ok := j.index[key]
		if !ok {
			col = len(j.header)
			j.index[key] = col
			j.header = append(j.header, key)
		}
		j.vals = append(j.vals, keyValue{col, val})
	}
	return nil
}

// value converts one JSON value to a field: strings as they are, numbers
// and booleans as their JSON text, null as "", arrays of scalars joined with
// "; " (nulls left out), other arrays and objects as compact JSON.
func (j *jsonlReader) value(v []byte) string {
	switch v[0] {
	case '"':
		return j.str(v)
	case 'n':
		return ""
	case '{':
		return j.compact(v)
	case '[':
		var parts []string
		i := skipSpace(v, 1)
		for v[i] != ']' {
			end := skipValue(v, i)
			switch v[i] {
			case '{', '[':
				return j.compact(v)
			case 'n':
			default:
				parts = append(parts, j.value(v[i:end]))
			}
			i = skipSpace(v, end)
			if v[i] == ',' {
				i = skipSpace(v, i+1)
			}
		}
		return strings.Join(parts, "; ")
	}
	return string(v)
}

// str decodes a JSON string token.
func (j *jsonlReader) str(tok []byte) string {
	body := tok[1 : len(tok)-1]
	if bytes.IndexByte(body, '\\') < 0 {
		if !utf8.Valid(body) {
			j.invalid++
			return string(bytes.ToValidUTF8(body, []byte("\uFFFD")))
		}
		return string(body)
	}
	if !utf8.Valid(body) {
		// Replace as strings.ToValidUTF8 does (one U+FFFD a run), not as
		// encoding/json does (one a byte).
		j.invalid++
		tok = bytes.ToValidUTF8(tok, []byte("\uFFFD"))
	}
	var s string
	if err := json.Unmarshal(tok, &s); err != nil {
		return string(body) // unreachable: the line is valid JSON
	}
	return s
}

func (j *jsonlReader) compact(v []byte) string {
	j.buf.Reset()
	if err := json.Compact(&j.buf, v); err != nil {
		return string(v)
	}
	if !utf8.Valid(j.buf.Bytes()) {
		j.invalid++
		return strings.ToValidUTF8(j.buf.String(), "\uFFFD")
	}
	return j.buf.String()
}

func jsonKind(b byte) string {
	switch b {
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// skipValue returns the end of the JSON value starting at b[i], b being
// valid JSON.
func skipValue(b []byte, i int) int {
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				i = skipString(b, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	}
	for i < len(b) {
		switch b[i] {
		case ',', '}', ']', ' ', '\t', '\r', '\n':
			return i
		}
		i++
	}
	return i
}

// skipString returns the end of the JSON string starting at b[i].
func skipString(b []byte, i int) int {
	i++
	for i < len(b) {
		k := bytes.IndexAny(b[i:], "\"\\")
		if k < 0 {
			return len(b)
		}
		i += k
		if b[i] == '\\' {
			i += 2
			continue
		}
		return i + 1
	}
	return i
}
