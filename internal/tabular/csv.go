package tabular

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// span locates one field's value: in the record's raw bytes (inside the
// quotes if it is quoted), or, once parse has had to decode something ("" or
// text after a closing quote), in csvReader.out, where every field of the
// record is then copied, decoded.
type span struct {
	start, end int
}

// Byte classes for scanning unquoted fields.
const (
	clsDelim = 1
	clsLine  = 2
	clsQuote = 3
)

// Results of parse.
const (
	resOK           = iota // a complete record
	resMore                // the window ends inside the record
	resUnterminated        // the input ends inside a quoted field
)

// csvReader reads RFC 4180 CSV with real-world leniency, and TSV (see
// plain). See Reader.
type csvReader struct {
	in      *input
	counter *countingReader
	closer  func() error
	name    string
	format  Format // FormatCSV or FormatTSV
	delim   byte
	cls     [256]uint8
	maxRec  int
	// plain is set for TSV: where quoting does not work out (a quoted
	// field that never closes, text after a closing quote, or a quoted
	// record spanning lines with the wrong number of fields), the first
	// line of the record is read as it stands, quotes and all, as in
	// O*NET's files, instead of being an error record.
	plain bool
	// strict is Options.StrictQuotes (CSV only): bad quoting makes the record's first line
	// an error record.
	strict bool
	dec    *textDecoder

	header      []string
	nfields     int
	headerLine  int64 // line where the header starts
	headerLines int64 // physical lines the header spans

	row     int64
	rec     Record
	fields  []string
	spans   []span
	out     []byte // decoded fields, when decoded is set
	scratch []byte
	// arena holds the text of the records returned so far, from arena[:used]: the strings of
	// Fields point into it, and nothing is written there again. It saves copying and
	// allocating each record's text on its own; a new arena is made when one fills.
	arena []byte
	used  int
	err   error // sticky fatal error

	// Set by parse.
	decoded   bool // spans index out, not the raw record
	anomaly   bool // text after a closing quote (kept leniently)
	bareQuote int  // 1-based index of the first unquoted field holding a quote, 0 if none
	quoteOpen int  // offset of the opening quote when parse ends inside a quoted field
}

// newCSV reads the header of a CSV or TSV input and returns its reader; opts gives the
// encoding and the quoting rules.
func newCSV(in *input, counter *countingReader, closer func() error, name string, format Format, delim byte, maxRec int, opts Options) (*csvReader, error) {
	plain := format == FormatTSV
	c := &csvReader{in: in, counter: counter, closer: closer, name: name, format: format, delim: delim, maxRec: maxRec,
		plain: plain, strict: opts.StrictQuotes && !plain, dec: newTextDecoder(opts.Encoding)}
	c.cls[delim] = clsDelim
	c.cls['\n'] = clsLine
	c.cls['"'] = clsQuote
	rec, err := c.read(true)
	if err == io.EOF {
		return nil, fmt.Errorf("read %s: %w", name, ErrEmpty)
	}
	if err != nil {
		return nil, err
	}
	if rec.Err != nil {
		return nil, fmt.Errorf("read %s header: %w", name, rec.Err)
	}
	c.header = make([]string, len(rec.Fields))
	for i, f := range rec.Fields {
		c.header[i] = strings.Clone(f) // not the arena, which later records share
	}
	if err := checkHeader(name, c.header); err != nil {
		return nil, err
	}
	c.nfields = len(c.header)
	return c, nil
}

// Header returns the column names from the first row.
func (c *csvReader) Header() []string { return c.header }

// Format returns FormatCSV or FormatTSV.
func (c *csvReader) Format() Format { return c.format }

// Delimiter returns the field delimiter.
func (c *csvReader) Delimiter() rune { return rune(c.delim) }

// InvalidUTF8 returns how many fields (header names included) had bytes
// that are not valid in the file's encoding replaced by U+FFFD so far.
func (c *csvReader) InvalidUTF8() int64 { return c.dec.report.Replaced }

// TextReport says how the fields read so far were decoded.
func (c *csvReader) TextReport() TextReport { return c.dec.report }

// InputOffset returns how many bytes have been read from the underlying
// reader (compressed bytes for gzip input).
func (c *csvReader) InputOffset() int64 { return c.counter.n.Load() }

// Close releases the decompressor and the file opened by Open.
func (c *csvReader) Close() error {
	if c.err == nil {
		c.err = fmt.Errorf("read %s: %w", c.name, errClosed)
	}
	if c.closer == nil {
		return nil
	}
	err := c.closer()
	c.closer = nil
	return err
}

// Next returns the next record; see Reader.
func (c *csvReader) Next() (*Record, error) {
	if c.err != nil {
		return nil, c.err
	}
	rec, err := c.read(false)
	if err != nil && err != io.EOF {
		c.err = err
	}
	return rec, err
}

// read returns the next record, skipping empty lines. For the header it
// neither numbers the record nor checks its field count.
func (c *csvReader) read(header bool) (*Record, error) {
	in := c.in
	for {
		data := in.window()
		if len(data) == 0 {
			if in.err != nil {
				return nil, in.fatal()
			}
			if in.eof {
				return nil, io.EOF
			}
			in.more()
			continue
		}
		switch data[0] {
		case '\n':
			in.pos++
			in.line++
			continue
		case '\r':
			if len(data) == 1 {
				if !in.done() {
					in.more()
					continue
				}
				if in.err != nil {
					return nil, in.fatal()
				}
				in.pos++ // a lone "\r" at the end is an empty line
				in.line++
				continue
			}
			if data[1] == '\n' {
				in.pos += 2
				in.line++
				continue
			}
		}

		res, rawEnd, next := c.parse(data, in.eof)
		switch res {
		case resMore:
			if len(data) > c.maxRec+1 {
				return c.oversize(header)
			}
			if in.done() {
				return nil, in.fatal()
			}
			in.more()
			continue
		case resUnterminated:
			qline := in.line + int64(bytes.Count(data[:c.quoteOpen], []byte{'\n'}))
			return c.firstLine(header, ErrQuote, fmt.Sprintf("unterminated quoted field starting at line %d", qline))
		}
		if rawEnd > c.maxRec {
			return c.oversize(header)
		}
		raw := data[:rawEnd]
		embedded := int64(bytes.Count(raw, []byte{'\n'}))
		if c.plain && (c.anomaly || (!header && embedded > 0 && len(c.spans) != c.nfields)) {
			return c.plainLine(header)
		}
		if c.strict && (c.anomaly || c.bareQuote > 0 || (!header && embedded > 0 && len(c.spans) != c.nfields)) {
			return c.firstLine(header, ErrQuote, c.strictMessage(embedded))
		}
		if !header && embedded > 0 && c.anomaly && len(c.spans) != c.nfields {
			// A stray quote made this record swallow the lines after it:
			// report only its first line and resync at the next one.
			return c.firstLine(header, ErrQuote, fmt.Sprintf(
				"bad quoting: a quoted field does not end at a delimiter or line end, and the record would span %d lines with %d fields instead of %d",
				embedded+1, len(c.spans), c.nfields))
		}
		rec := c.start(header, in.line, raw)
		in.pos += next
		in.line += embedded + 1
		if header {
			c.headerLine, c.headerLines = rec.Line, embedded+1
		}
		if bytes.IndexByte(raw, 0) >= 0 {
			rec.Err = c.recordError(rec, ErrBinary, "record contains a NUL byte (binary content)")
			return rec, nil
		}
		if !header && len(c.spans) != c.nfields {
			msg := fmt.Sprintf("wrong number of fields: expected %d, found %d", c.nfields, len(c.spans))
			if c.bareQuote > 0 {
				msg += fmt.Sprintf(" (field %d has a quote inside an unquoted field)", c.bareQuote)
			}
			if c.anomaly {
				msg += " (text follows a closing quote)"
			}
			rec.Err = c.recordError(rec, ErrFieldCount, msg)
			return rec, nil
		}
		rec.Fields = c.buildFields(raw, header)
		return rec, nil
	}
}

// start numbers and resets the reused Record.
func (c *csvReader) start(header bool, line int64, raw []byte) *Record {
	if !header {
		c.row++
	}
	c.rec = Record{Row: c.row, Line: line, Raw: raw}
	return &c.rec
}

func (c *csvReader) recordError(rec *Record, kind error, msg string) error {
	return &RecordError{File: c.name, Line: rec.Line, Row: rec.Row, Kind: kind, Msg: msg}
}

// firstLine reports the first physical line of the window as an error
// record and consumes it, so that parsing resumes at the next line.
func (c *csvReader) firstLine(header bool, kind error, msg string) (*Record, error) {
	if c.plain && kind == ErrQuote {
		return c.plainLine(header)
	}
	rec, _, done, err := c.takeLine(header)
	if done {
		return rec, err
	}
	rec.Err = c.recordError(rec, kind, msg)
	return rec, nil
}

// takeLine consumes the first physical line of the window and starts its record, to be
// filled by the caller. When the line is longer than maxRec, the record is an ErrTooLong one,
// and done is set: the caller returns it (and err) as it is.
func (c *csvReader) takeLine(header bool) (rec *Record, line []byte, done bool, err error) {
	in := c.in
	line, next := c.windowLine()
	if len(line) > c.maxRec {
		rec, err := c.tooLong(header)
		return rec, nil, true, err
	}
	rec = c.start(header, in.line, line)
	in.pos += next
	in.line++
	return rec, line, false, nil
}

// oversize handles a record longer than maxRec. If its first line alone is
// too long, that line is skipped (ErrTooLong, Raw truncated to maxRec
// bytes); otherwise a quoted field spans lines beyond the limit, and the
// first line is reported (ErrQuote) so that parsing resumes at the next.
func (c *csvReader) oversize(header bool) (*Record, error) {
	in := c.in
	data := in.window()
	nl := bytes.IndexByte(data, '\n')
	if nl >= 0 && len(trimCR(data[:nl])) <= c.maxRec {
		return c.firstLine(header, ErrQuote, fmt.Sprintf(
			"unterminated quoted field starting at line %d (not closed within %d bytes)", in.line, c.maxRec))
	}
	return c.tooLong(header)
}

// tooLong skips the first line of the window, longer than maxRec, as an ErrTooLong record
// whose Raw holds its first maxRec bytes.
func (c *csvReader) tooLong(header bool) (*Record, error) {
	raw, no, res := c.in.nextLine(c.maxRec, &c.scratch)
	if res == lineFatal {
		return nil, c.in.fatal()
	}
	rec := c.start(header, no, raw)
	rec.Err = c.recordError(rec, ErrTooLong, fmt.Sprintf("line longer than %d bytes (MaxRecordBytes)", c.maxRec))
	return rec, nil
}

// windowLine returns the first physical line of the window, without its line ending, and
// the offset in the window where the next line starts.
func (c *csvReader) windowLine() (line []byte, next int) {
	data := c.in.window()
	next = len(data)
	line = data
	if nl := bytes.IndexByte(data, '\n'); nl >= 0 {
		line, next = data[:nl], nl+1
	}
	return trimCR(line), next
}

// strictMessage says why Options.StrictQuotes rejects the record parse has just read, which
// spans embedded+1 lines.
func (c *csvReader) strictMessage(embedded int64) string {
	switch {
	case c.bareQuote > 0:
		return fmt.Sprintf(`bad quoting: field %d has a quote inside an unquoted field`, c.bareQuote)
	case c.anomaly:
		return "bad quoting: text follows a closing quote"
	}
	return fmt.Sprintf("bad quoting: a quoted field opened on this line spans %d lines and the record has %d fields instead of %d",
		embedded+1, len(c.spans), c.nfields)
}

// buildFields turns the spans found by parse into strings: one piece of the arena per record
// (the raw record copied there, or the decoded fields, which parse wrote there), the fields
// being substrings of it. Fields that are not valid UTF-8 (or, for an 8-bit encoding, not
// ASCII) are decoded by c.dec.
func (c *csvReader) buildFields(raw []byte, header bool) []string {
	var s string
	if c.decoded {
		s = c.keep(c.out)
	} else {
		s = c.keep(append(c.tail(len(raw)), raw...))
	}
	f := c.fields[:0]
	for _, sp := range c.spans {
		f = append(f, s[sp.start:sp.end])
	}
	if !isASCII(raw) {
		legacy := c.dec.legacy()
		if legacy || !utf8.Valid(raw) {
			for i, v := range f {
				if legacy && !isASCIIString(v) || !legacy && !utf8.ValidString(v) {
					f[i] = c.dec.decode(v, c.position(header, i))
				}
			}
		}
	}
	c.fields = f
	return f
}

// Sizes of the arena (see csvReader.arena).
const (
	arenaSize = 1 << 20
	// arenaMinTail is the least free room parse starts a record with; a record that needs
	// more gets an array of its own.
	arenaMinTail = 64 << 10
)

// tail returns the free end of the arena, empty, with room for at least n bytes (a new arena
// when the current one has less).
func (c *csvReader) tail(n int) []byte {
	if cap(c.arena)-c.used < n {
		c.arena = make([]byte, max(arenaSize, n))
		c.used = 0
	}
	return c.arena[c.used:c.used]
}

// keep returns b as a string without copying it, and makes sure nothing writes to b again:
// when b is the start of the arena's free end, that part is taken; otherwise b is an array of
// its own, which c no longer holds. The next record is decoded into a fresh free end.
func (c *csvReader) keep(b []byte) string {
	if len(b) == 0 {
		c.out = c.tail(arenaMinTail)
		return ""
	}
	if c.used < cap(c.arena) && &b[0] == &c.arena[c.used] {
		c.used += len(b)
	}
	c.out = c.tail(arenaMinTail)
	return unsafe.String(&b[0], len(b))
}

// position returns where field i of the current record is, for reports.
func (c *csvReader) position(header bool, i int) TextPosition {
	if header {
		return TextPosition{Line: c.rec.Line, Field: "header"}
	}
	p := TextPosition{Row: c.rec.Row, Line: c.rec.Line}
	if i < len(c.header) {
		p.Field = c.header[i]
	}
	return p
}

// plainLine reads the first line of the window as a record without quote
// processing (TSV's fallback, see csvReader.plain): fields are split on the
// delimiter and quotes are ordinary characters.
func (c *csvReader) plainLine(header bool) (*Record, error) {
	rec, line, done, err := c.takeLine(header)
	if done {
		return rec, err
	}
	if header {
		c.headerLine, c.headerLines = rec.Line, 1
	}
	if bytes.IndexByte(line, 0) >= 0 {
		rec.Err = c.recordError(rec, ErrBinary, "record contains a NUL byte (binary content)")
		return rec, nil
	}
	c.spans = c.spans[:0]
	c.decoded = false
	for start := 0; ; {
		k := bytes.IndexByte(line[start:], c.delim)
		if k < 0 {
			c.spans = append(c.spans, span{start, len(line)})
			break
		}
		c.spans = append(c.spans, span{start, start + k})
		start += k + 1
	}
	if !header && len(c.spans) != c.nfields {
		rec.Err = c.recordError(rec, ErrFieldCount, fmt.Sprintf("wrong number of fields: expected %d, found %d", c.nfields, len(c.spans)))
		return rec, nil
	}
	rec.Fields = c.buildFields(line, header)
	return rec, nil
}

// isASCII reports whether b is all ASCII, eight bytes at a time (much faster
// than utf8.Valid on ASCII text).
func isASCII(b []byte) bool {
	var acc uint64
	for len(b) >= 32 {
		acc |= binary.LittleEndian.Uint64(b) | binary.LittleEndian.Uint64(b[8:]) |
			binary.LittleEndian.Uint64(b[16:]) | binary.LittleEndian.Uint64(b[24:])
		b = b[32:]
	}
	for len(b) >= 8 {
		acc |= binary.LittleEndian.Uint64(b)
		b = b[8:]
	}
	for _, x := range b {
		acc |= uint64(x)
	}
	return acc&0x8080808080808080 == 0
}

// isASCIIString reports whether s is all ASCII.
func isASCIIString(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// scanUnquoted scans an unquoted field from data[j:]. It returns where the
// field ends and what ends it (clsDelim, clsLine, or 0 at the end of data),
// and whether it holds a quote.
func (c *csvReader) scanUnquoted(data []byte, j int) (end int, stop uint8, quote bool) {
	cls := &c.cls
	for ; j < len(data); j++ {
		if t := cls[data[j]]; t != 0 {
			if t == clsQuote {
				quote = true
				continue
			}
			return j, t, quote
		}
	}
	return len(data), 0, quote
}

// parse finds the fields of the record at the start of data, filling
// c.spans. On resOK the record's raw bytes are data[:rawEnd] (without its
// line terminator) and the next record starts at data[next:]. atEOF says
// that data holds everything left in the input.
func (c *csvReader) parse(data []byte, atEOF bool) (res, rawEnd, next int) {
	c.spans = c.spans[:0]
	c.decoded = false
	c.anomaly = false
	c.bareQuote = 0
	out := c.out[:0]
	defer func() { c.out = out }()
	delim := c.delim
	n := len(data)
	i := 0
	for {
		if i < n && data[i] == '"' {
			ostart := len(out) // where the field starts in out, if decoded
			j := i + 1
			seg := j // start of the quoted text not yet copied to out
			for {
				k := bytes.IndexByte(data[j:], '"')
				if k < 0 {
					c.quoteOpen = i
					if atEOF {
						return resUnterminated, 0, 0
					}
					return resMore, 0, 0
				}
				j += k + 1
				if j < n && data[j] == '"' {
					// An escaped quote: keep the first of the pair.
					if !c.decoded {
						out = c.startDecoding(out, data, i)
						ostart = len(out)
					}
					out = append(out, data[seg:j]...)
					j++
					seg = j
					continue
				}
				break
			}
			// data[j-1] is the closing quote.
			if j == n && !atEOF {
				c.quoteOpen = i
				return resMore, 0, 0
			}
			end := -1 // end of the record (before its terminator), if it ends here
			switch {
			case j == n:
				end, next = n, n
			case data[j] == delim:
			case data[j] == '\n':
				end, next = j, j+1
			case data[j] == '\r' && j+1 < n && data[j+1] == '\n':
				end, next = j, j+2
			case data[j] == '\r' && j+1 == n:
				if !atEOF {
					c.quoteOpen = -1
					return resMore, 0, 0
				}
				end, next = j, n
			default:
				// Text after the closing quote: keep it, as Python's csv does.
				c.anomaly = true
				e, stop, _ := c.scanUnquoted(data, j)
				if stop == 0 && !atEOF {
					c.quoteOpen = -1
					return resMore, 0, 0
				}
				fe := e
				if stop != clsDelim && fe > j && data[fe-1] == '\r' {
					fe--
				}
				if !c.decoded {
					out = c.startDecoding(out, data, i)
					ostart = len(out)
				}
				out = append(out, data[seg:j-1]...)
				out = append(out, data[j:fe]...)
				c.spans = append(c.spans, span{ostart, len(out)})
				switch stop {
				case clsDelim:
					i = e + 1
					continue
				case clsLine:
					return resOK, fe, e + 1
				}
				return resOK, fe, n
			}
			if c.decoded {
				out = append(out, data[seg:j-1]...)
				c.spans = append(c.spans, span{ostart, len(out)})
			} else {
				c.spans = append(c.spans, span{i + 1, j - 1})
			}
			if end >= 0 {
				return resOK, end, next
			}
			i = j + 1
			continue
		}

		e, stop, quote := c.scanUnquoted(data, i)
		if quote && c.bareQuote == 0 {
			c.bareQuote = len(c.spans) + 1
		}
		if stop == 0 && !atEOF {
			c.quoteOpen = -1
			return resMore, 0, 0
		}
		fe := e
		if stop != clsDelim && fe > i && data[fe-1] == '\r' {
			fe--
		}
		if c.decoded {
			start := len(out)
			out = append(out, data[i:fe]...)
			c.spans = append(c.spans, span{start, len(out)})
		} else {
			c.spans = append(c.spans, span{i, fe})
		}
		switch stop {
		case clsDelim:
			i = e + 1
			continue
		case clsLine:
			return resOK, fe, e + 1
		}
		return resOK, fe, n
	}
}

// startDecoding copies the record up to the field starting at data[i] into
// out in one piece, so that the spans of the fields before it stay valid as
// offsets into out; from now on every field of the record goes to out.
func (c *csvReader) startDecoding(out, data []byte, i int) []byte {
	c.decoded = true
	return append(out[:0], data[:i]...)
}

// delimiterCandidates are the delimiters detectDelimiter chooses among, in
// order of preference on ties.
var delimiterCandidates = []byte{',', '\t', ';', '|'}

// detectDelimiter chooses the delimiter that splits the lines of sample
// (outside quotes) into the same number of fields, more than one; failing
// that, the one for which most lines match the header's field count. If
// complete is false, the last line of sample may be cut and is ignored.
func detectDelimiter(sample []byte, complete bool) byte {
	best := byte(',')
	bestConsistent, bestMatch, bestFields := false, -1, 1
	for _, d := range delimiterCandidates {
		counts := fieldCounts(sample, d, complete)
		if len(counts) == 0 || counts[0] < 2 {
			continue
		}
		match := 0
		for _, n := range counts {
			if n == counts[0] {
				match++
			}
		}
		consistent := match == len(counts)
		better := false
		switch {
		case consistent != bestConsistent:
			better = consistent
		case match != bestMatch:
			better = match > bestMatch
		default:
			better = counts[0] > bestFields
		}
		if better {
			best, bestConsistent, bestMatch, bestFields = d, consistent, match, counts[0]
		}
	}
	return best
}

// fieldCounts returns the number of fields of each non-empty line of sample
// when split on d outside double quotes.
func fieldCounts(sample []byte, d byte, complete bool) []int {
	var counts []int
	inQuote := false
	n, empty := 1, true
	for _, b := range sample {
		switch {
		case b == '"':
			inQuote = !inQuote
			empty = false
		case inQuote:
		case b == d:
			n++
			empty = false
		case b == '\n':
			if !empty {
				counts = append(counts, n)
			}
			n, empty = 1, true
		case b != '\r':
			empty = false
		}
	}
	if complete && !empty {
		counts = append(counts, n)
	}
	return counts
}
