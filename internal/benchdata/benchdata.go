package benchdata

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/skillx/skillx/internal/atomicfile"
)

// MaxListedSkips is the number of skipped source rows that Stats.Skipped lists; the counts in
// Stats cover all of them.
const MaxListedSkips = 100

// MaxRows is the largest number of rows Generate writes; Job Ids are unique up to this count.
const MaxRows = 1 << 50

// Options configure Generate.
type Options struct {
	// Rows is the number of data rows to write, not counting the header.
	Rows int64
	// Seed seeds the pseudo-random generator: the same source and seed give the same file.
	Seed int64
}

// Stats counts what Generate read and wrote.
type Stats struct {
	// SourceRows is the number of data rows read from the source (header and blank lines
	// excluded); it equals SourceGood plus SkippedRows().
	SourceRows int64
	// SourceGood is the number of source rows used for resampling.
	SourceGood int64
	// SkippedMalformed counts source rows with broken quoting (a quote that is never closed,
	// or a quote inside an unquoted field).
	SkippedMalformed int64
	// SkippedFieldCount counts source rows whose number of fields differs from the header's.
	SkippedFieldCount int64
	// SkippedEmptyRole counts source rows whose Role has no letter or digit.
	SkippedEmptyRole int64
	// SkippedEmptySkills counts source rows whose skills text has no letter or digit.
	SkippedEmptySkills int64
	// Skipped lists the first MaxListedSkips skipped source rows.
	Skipped []SkippedRow
	// Combinations is the number of distinct (Role, skills, Job Description) combinations in
	// the good source rows; every output row has one of them.
	Combinations int64
	// Rows is the number of data rows written.
	Rows int64
	// Bytes is the size of the written file, header included.
	Bytes int64
}

// SkippedRows returns the number of source rows that Generate skipped.
func (s Stats) SkippedRows() int64 {
	return s.SkippedMalformed + s.SkippedFieldCount + s.SkippedEmptyRole + s.SkippedEmptySkills
}

// SkippedRow tells which source row Generate skipped and why.
type SkippedRow struct {
	// Line is the 1-based line of the source where the row starts.
	Line int64
	// Reason says what is wrong with the row.
	Reason string
}

// Generate writes a Kaggle-shaped CSV of opts.Rows data rows to dst by resampling the rows of
// the CSV file src; see the package documentation for which columns are kept and which are
// varied. The header of dst is the header of src. Bad source rows are skipped and counted in
// the returned Stats. dst is written to a temporary file in its folder and renamed into place
// at the end; on error or cancellation no dst is created and an existing dst is left as it was.
func Generate(ctx context.Context, src, dst string, opts Options) (Stats, error) {
	var st Stats
	if opts.Rows < 0 || opts.Rows > MaxRows {
		return st, fmt.Errorf("benchdata: rows %d out of range; want 0 to %d", opts.Rows, int64(MaxRows))
	}
	s, err := load(ctx, src, &st)
	if err != nil {
		return st, err
	}
	if opts.Rows > 0 && s.nrows == 0 {
		return st, fmt.Errorf("benchdata: %s has no usable rows (%d read, %d skipped); want rows with a Role and a skills text",
			src, st.SourceRows, st.SkippedRows())
	}
	f, err := atomicfile.Create(dst)
	if err != nil {
		return st, fmt.Errorf("benchdata: %w", err)
	}
	defer f.Abort()
	n, err := s.write(ctx, f, opts)
	st.Rows = n
	st.Bytes = f.Size()
	if err != nil {
		return st, fmt.Errorf("benchdata: write %s: %w", dst, err)
	}
	if err := f.Commit(); err != nil {
		return st, fmt.Errorf("benchdata: %w", err)
	}
	return st, nil
}

// Column kinds: how the output value of a column is made.
const (
	kindStored     = iota // copied from the source row drawn for the column's group
	kindJobID             // unique number
	kindExperience        // "a to b Years"
	kindSalary            // "$lowK-$highK"
	kindDate              // YYYY-MM-DD
	kindPerson            // first name and last name from different source rows
	kindContact           // phone number
)

// Groups of columns drawn together from one source row. The base group holds every stored
// column not named elsewhere; Preference and Job Portal get a group each, numbered from
// groupFirstFree.
const (
	groupBase = iota
	groupLocation
	groupCompany
	groupFirstFree
)

type column struct {
	kind   int
	group  int // for kindStored: which drawn row supplies the value
	stored int // for kindStored: index among stored columns
}

// source is the resampling material: the good rows of the source, interned per column.
type source struct {
	header  []byte   // the header line as it appeared, without line ending
	cols    []column // one per header field
	ngroups int
	nstored int
	vals    [][]string // per stored column: distinct raw (CSV-encoded) values
	ids     []uint32   // nrows*nstored value ids
	nrows   int
	first   []string // first names for kindPerson
	last    []string // last names for kindPerson
}

// load reads src into a source, counting rows in st.
func load(ctx context.Context, src string, st *Stats) (*source, error) {
	fh, err := os.Open(src)
	if err != nil {
		return nil, fmt.Errorf("benchdata: read source: %w", err)
	}
	defer fh.Close()
	p := &recordReader{r: bufio.NewReaderSize(fh, 1<<20)}

	hdr, hline, bad, err := p.next()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("benchdata: %s is empty; want a CSV header and rows", src)
		}
		return nil, fmt.Errorf("benchdata: read %s: %w", src, err)
	}
	if bad != "" {
		return nil, fmt.Errorf("benchdata: %s line %d: header: %s", src, hline, bad)
	}
	s := &source{}
	names := make([]string, len(hdr))
	for i, h := range hdr {
		names[i] = strings.TrimSpace(unquote(h))
	}
	if len(names) > 0 {
		names[0] = strings.TrimPrefix(names[0], "\ufeff")
	}
	s.header = bytes.TrimPrefix(bytes.Join(hdr, []byte{','}), []byte("\ufeff"))
	p.ncols = len(names)

	idx := func(name string) int {
		for i, n := range names {
			if n == name {
				return i
			}
		}
		return -1
	}
	roleCol, skillsCol, descCol, personCol := idx("Role"), idx("skills"), idx("Job Description"), idx("Contact Person")
	for _, req := range []struct {
		name string
		i    int
	}{{"Role", roleCol}, {"skills", skillsCol}} {
		if req.i < 0 {
			return nil, fmt.Errorf("benchdata: %s line %d: column %q not found; columns are: %s",
				src, hline, req.name, strings.Join(names, ", "))
		}
	}

	s.cols = make([]column, len(names))
	s.ngroups = groupFirstFree
	for i, n := range names {
		c := column{kind: kindStored, group: groupBase}
		switch n {
		case "Job Id":
			c.kind = kindJobID
		case "Experience":
			c.kind = kindExperience
		case "Salary Range":
			c.kind = kindSalary
		case "Job Posting Date":
			c.kind = kindDate
		case "Contact":
			c.kind = kindContact
		case "Contact Person":
			c.kind = kindPerson // falls back to kindStored below if no names are found
		case "location", "Country", "latitude", "longitude":
			c.group = groupLocation
		case "Company", "Company Profile":
			c.group = groupCompany
		case "Preference", "Job Portal":
			c.group = s.ngroups
			s.ngroups++
		}
		s.cols[i] = c
	}
	// Contact Person is stored as well, in case it has to fall back to resampling.
	for i := range s.cols {
		if s.cols[i].kind == kindStored || i == personCol {
			s.cols[i].stored = s.nstored
			s.nstored++
		}
	}
	s.vals = make([][]string, s.nstored)
	intern := make([]map[string]uint32, s.nstored)
	for i := range intern {
		intern[i] = make(map[string]uint32)
	}
	firstSeen, lastSeen := map[string]bool{}, map[string]bool{}
	combos := make(map[[3]uint32]struct{})
	rowIDs := make([]uint32, s.nstored)

	for {
		if st.SourceRows%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("benchdata: read %s: %w", src, err)
			}
		}
		fields, line, bad, err := p.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("benchdata: read %s: %w", src, err)
		}
		st.SourceRows++
		switch {
		case bad != "":
			st.SkippedMalformed++
		case len(fields) != len(names):
			st.SkippedFieldCount++
			bad = fmt.Sprintf("%d fields; want %d as in the header", len(fields), len(names))
		case !hasWordChar(fields[roleCol]):
			st.SkippedEmptyRole++
			bad = "empty Role"
		case !hasWordChar(fields[skillsCol]):
			st.SkippedEmptySkills++
			bad = "empty skills"
		}
		if bad != "" {
			if len(st.Skipped) < MaxListedSkips {
				st.Skipped = append(st.Skipped, SkippedRow{Line: line, Reason: bad})
			}
			continue
		}
		st.SourceGood++
		for i, c := range s.cols {
			if c.kind != kindStored && i != personCol {
				continue
			}
			raw := canonical(fields[i])
			m := intern[c.stored]
			id, ok := m[string(raw)]
			if !ok {
				v := string(raw)
				id = uint32(len(s.vals[c.stored]))
				m[v] = id
				s.vals[c.stored] = append(s.vals[c.stored], v)
			}
			rowIDs[c.stored] = id
		}
		s.ids = append(s.ids, rowIDs...)
		key := [3]uint32{rowIDs[s.cols[roleCol].stored], rowIDs[s.cols[skillsCol].stored], ^uint32(0)}
		if descCol >= 0 {
			key[2] = rowIDs[s.cols[descCol].stored]
		}
		combos[key] = struct{}{}
		if personCol >= 0 {
			if first, last, ok := splitName(fields[personCol]); ok {
				if !firstSeen[first] {
					firstSeen[first] = true
					s.first = append(s.first, first)
				}
				if !lastSeen[last] {
					lastSeen[last] = true
					s.last = append(s.last, last)
				}
			}
		}
	}
	s.nrows = int(st.SourceGood)
	st.Combinations = int64(len(combos))
	if personCol >= 0 && (len(s.first) == 0 || len(s.last) == 0) {
		s.cols[personCol].kind = kindStored
	}
	return s, nil
}

// splitName splits a plain (unquoted) person name at its last space ("Ana María" "Suárez").
func splitName(raw []byte) (first, last string, ok bool) {
	if bytes.ContainsAny(raw, "\",\r\n") {
		return "", "", false
	}
	i := bytes.LastIndexByte(raw, ' ')
	if i <= 0 || i == len(raw)-1 {
		return "", "", false
	}
	return string(raw[:i]), string(raw[i+1:]), true
}

// hasWordChar reports whether raw holds a letter or a digit.
func hasWordChar(raw []byte) bool {
	for i := 0; i < len(raw); {
		b := raw[i]
		if b < utf8.RuneSelf {
			if 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' {
				return true
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(raw[i:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
		i += n
	}
	return false
}

// canonical returns raw without its quotes when the field does not need them, so that the same
// value quoted and unquoted is stored once.
func canonical(raw []byte) []byte {
	if len(raw) >= 2 && raw[0] == '"' && !bytes.ContainsAny(raw[1:len(raw)-1], "\",\r\n") {
		return raw[1 : len(raw)-1]
	}
	return raw
}

// unquote decodes one raw CSV field.
func unquote(raw []byte) string {
	if len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' {
		return strings.ReplaceAll(string(raw[1:len(raw)-1]), `""`, `"`)
	}
	return string(raw)
}

// Value tables for generated columns, in the ranges of the Kaggle data.
var (
	experienceTable = func() []string {
		var t []string
		for lo := 0; lo <= 5; lo++ {
			for hi := 8; hi <= 15; hi++ {
				t = append(t, strconv.Itoa(lo)+" to "+strconv.Itoa(hi)+" Years")
			}
		}
		return t
	}()
	salaryTable = func() []string {
		var t []string
		for lo := 55; lo <= 65; lo++ {
			for hi := 80; hi <= 130; hi++ {
				t = append(t, "$"+strconv.Itoa(lo)+"K-$"+strconv.Itoa(hi)+"K")
			}
		}
		return t
	}()
	dateTable = func() []string {
		var t []string
		end := time.Date(2023, 9, 15, 0, 0, 0, 0, time.UTC)
		for d := time.Date(2021, 9, 15, 0, 0, 0, 0, time.UTC); !d.After(end); d = d.AddDate(0, 0, 1) {
			t = append(t, d.Format(time.DateOnly))
		}
		return t
	}()
)

// Job Ids are 1e14 plus a seeded bijection of the row number on [0, 2^50), so they are unique,
// 15 or 16 digits long, and look random.
const (
	jobIDBase = 100_000_000_000_000
	idMask    = MaxRows - 1
)

func permute(i, key uint64) uint64 {
	x := (i + key) & idMask
	x ^= x >> 23
	x = (x * 0x2545f4914f6cdd1d) & idMask
	x ^= x >> 27
	x = (x * 0x9e3779b97f4a7c15) & idMask
	x ^= x >> 25
	return x
}

// rng wraps PCG with a fast bounded draw.
type rng struct{ p *rand.PCG }

// intn returns a number in [0, n) (Lemire's multiply-shift; the bias is below n/2^64).
func (r rng) intn(n int) int {
	hi, _ := bits.Mul64(r.p.Uint64(), uint64(n))
	return int(hi)
}

// flushAt is the buffer size at which write hands rows to the file.
const flushAt = 1 << 21

// write writes the header and opts.Rows resampled rows to w and returns the rows written.
func (s *source) write(ctx context.Context, w io.Writer, opts Options) (int64, error) {
	seed := uint64(opts.Seed)
	r := rng{rand.NewPCG(seed, 0xda3e39cb94b95bdb)}
	idKey := rand.NewPCG(seed^0x6a09e667f3bcc909, 0xbb67ae8584caa73b).Uint64()

	buf := make([]byte, 0, flushAt+64<<10)
	buf = append(buf, s.header...)
	buf = append(buf, '\n')
	drawn := make([]int, s.ngroups)
	var n int64
	for n = 0; n < opts.Rows; n++ {
		if n%8192 == 0 {
			if err := ctx.Err(); err != nil {
				return n, err
			}
		}
		for g := range drawn {
			drawn[g] = r.intn(s.nrows)
		}
		for i, c := range s.cols {
			if i > 0 {
				buf = append(buf, ',')
			}
			switch c.kind {
			case kindStored:
				buf = append(buf, s.vals[c.stored][s.ids[drawn[c.group]*s.nstored+c.stored]]...)
			case kindJobID:
				buf = strconv.AppendUint(buf, jobIDBase+permute(uint64(n), idKey), 10)
			case kindExperience:
				buf = append(buf, experienceTable[r.intn(len(experienceTable))]...)
			case kindSalary:
				buf = append(buf, salaryTable[r.intn(len(salaryTable))]...)
			case kindDate:
				buf = append(buf, dateTable[r.intn(len(dateTable))]...)
			case kindPerson:
				buf = append(buf, s.first[r.intn(len(s.first))]...)
				buf = append(buf, ' ')
				buf = append(buf, s.last[r.intn(len(s.last))]...)
			case kindContact:
				buf = appendPhone(buf, r)
			}
		}
		buf = append(buf, '\n')
		if len(buf) >= flushAt {
			if _, err := w.Write(buf); err != nil {
				return n, err
			}
			buf = buf[:0]
		}
	}
	if _, err := w.Write(buf); err != nil {
		return n, err
	}
	return n, nil
}

// appendPhone appends a phone number in one of the formats seen in the Kaggle data.
func appendPhone(buf []byte, r rng) []byte {
	v := r.p.Uint64()
	format := v % 7
	v /= 7
	area := 200 + v%800 // no leading 0 or 1
	v /= 800
	exchange := v % 1000
	v /= 1000
	line := v % 10000
	v /= 10000
	switch format {
	case 0:
		buf = append(buf, "+1-"...)
		buf = appendDigits(buf, area, 3)
		buf = append(buf, '-')
		buf = appendDigits(buf, exchange, 3)
		buf = append(buf, '-')
		buf = appendDigits(buf, line, 4)
	case 1:
		buf = append(buf, '(')
		buf = appendDigits(buf, area, 3)
		buf = append(buf, ')')
		buf = appendDigits(buf, exchange, 3)
		buf = append(buf, '-')
		buf = appendDigits(buf, line, 4)
	case 2, 3:
		sep := byte('.')
		if format == 3 {
			sep = '-'
		}
		buf = appendDigits(buf, area, 3)
		buf = append(buf, sep)
		buf = appendDigits(buf, exchange, 3)
		buf = append(buf, sep)
		buf = appendDigits(buf, line, 4)
	case 4:
		buf = appendDigits(buf, area, 3)
		buf = appendDigits(buf, exchange, 3)
		buf = appendDigits(buf, line, 4)
	default:
		if format == 5 {
			buf = append(buf, "001-"...)
		}
		buf = appendDigits(buf, area, 3)
		buf = append(buf, '-')
		buf = appendDigits(buf, exchange, 3)
		buf = append(buf, '-')
		buf = appendDigits(buf, line, 4)
		buf = append(buf, 'x')
		buf = strconv.AppendUint(buf, 10+v%99990, 10)
	}
	return buf
}

// appendDigits appends v as exactly width decimal digits, zero-padded.
func appendDigits(buf []byte, v uint64, width int) []byte {
	n := len(buf)
	for range width {
		buf = append(buf, '0')
	}
	for i := len(buf) - 1; i >= n; i-- {
		buf[i] = byte('0' + v%10)
		v /= 10
	}
	return buf
}

// maxRecordLines bounds how many lines one quoted field may span before the line that opened
// it is treated as broken.
const maxRecordLines = 64

type heldLine struct {
	no   int64
	text []byte
}

// recordReader splits a CSV stream into records of raw (still CSV-encoded) fields. It is strict
// about quotes but resynchronises: when a quoted field opened on a line does not close into a
// record with the header's number of fields, that line is reported as malformed and reading
// resumes on the next line.
type recordReader struct {
	r      *bufio.Reader
	ncols  int // the header's field count, 0 while reading the header
	lineNo int64
	long   []byte     // line assembled from a line longer than the bufio buffer
	queue  []heldLine // lines to read again before reading more of r
	joined []byte     // multi-line record being assembled
	fields [][]byte   // reused result
}

// nextLine returns the next physical line without its line ending; the bytes are valid until
// the next call.
func (p *recordReader) nextLine() (int64, []byte, error) {
	if len(p.queue) > 0 {
		l := p.queue[0]
		p.queue = p.queue[1:]
		return l.no, l.text, nil
	}
	b, err := p.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		p.long = append(p.long[:0], b...)
		for errors.Is(err, bufio.ErrBufferFull) {
			b, err = p.r.ReadSlice('\n')
			p.long = append(p.long, b...)
		}
		b = p.long
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return 0, nil, err
	}
	if len(b) == 0 {
		return 0, nil, io.EOF
	}
	p.lineNo++
	b = bytes.TrimSuffix(b, []byte{'\n'})
	b = bytes.TrimSuffix(b, []byte{'\r'})
	return p.lineNo, b, nil
}

// next returns the next non-blank record: its raw fields (valid until the next call) and the
// line it starts on, or a reason why the record is malformed, or io.EOF.
func (p *recordReader) next() (fields [][]byte, line int64, bad string, err error) {
	for {
		no, text, err := p.nextLine()
		if err != nil {
			return nil, 0, "", err
		}
		if len(text) == 0 {
			continue
		}
		fields, open, perr := splitRecord(text, p.fields[:0])
		p.fields = fields[:0]
		if perr != nil {
			return nil, no, perr.Error(), nil
		}
		if !open {
			return fields, no, "", nil
		}
		// A quoted field continues on the next line: legal CSV, but also what a stray quote
		// looks like. Accept it only if it closes into a full record within a few lines.
		held := []heldLine{{no, bytes.Clone(text)}}
		p.joined = append(p.joined[:0], text...)
		for len(held) < maxRecordLines {
			no2, text2, err := p.nextLine()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil, 0, "", err
			}
			held = append(held, heldLine{no2, bytes.Clone(text2)})
			p.joined = append(p.joined, '\n')
			p.joined = append(p.joined, text2...)
			fields, open, perr = splitRecord(p.joined, p.fields[:0])
			p.fields = fields[:0]
			if open {
				continue
			}
			if perr == nil && (p.ncols == 0 || len(fields) == p.ncols) {
				return fields, no, "", nil
			}
			break
		}
		p.queue = append(held[1:len(held):len(held)], p.queue...)
		return nil, no, "quoted field opened on this line does not close into a valid row", nil
	}
}

var (
	errBareQuote       = errors.New(`bare " in an unquoted field`)
	errExtraneousQuote = errors.New(`extraneous " after a quoted field`)
)

// splitRecord splits one CSV record into raw fields appended to fields, quotes kept. open
// reports that the record ends inside a quoted field.
func splitRecord(rec []byte, fields [][]byte) (_ [][]byte, open bool, err error) {
	i := 0
	for {
		if i < len(rec) && rec[i] == '"' {
			j := i + 1
			for {
				k := bytes.IndexByte(rec[j:], '"')
				if k < 0 {
					return fields, true, nil
				}
				j += k + 1
				if j < len(rec) && rec[j] == '"' {
					j++
					continue
				}
				break
			}
			fields = append(fields, rec[i:j])
			if j == len(rec) {
				return fields, false, nil
			}
			if rec[j] != ',' {
				return fields, false, errExtraneousQuote
			}
			i = j + 1
			continue
		}
		k := bytes.IndexByte(rec[i:], ',')
		end := len(rec)
		if k >= 0 {
			end = i + k
		}
		if bytes.IndexByte(rec[i:end], '"') >= 0 {
			return fields, false, errBareQuote
		}
		fields = append(fields, rec[i:end])
		if k < 0 {
			return fields, false, nil
		}
		i = end + 1
	}
}
