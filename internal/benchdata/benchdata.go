package benchdata

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/skillx/skillx/internal/atomicfile"
	"github.com/skillx/skillx/internal/tabular"
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
	// a quote inside an unquoted field, text after a closing quote), and rows with a NUL byte
	// or a line longer than tabular.DefaultMaxRecordBytes.
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
	r, err := tabular.Open(src, tabular.Options{Format: tabular.FormatCSV, Delimiter: ',', StrictQuotes: true})
	if errors.Is(err, tabular.ErrEmpty) {
		return nil, fmt.Errorf("benchdata: %s is empty; want a CSV header and rows", src)
	}
	if err != nil {
		return nil, fmt.Errorf("benchdata: read source: %w", err)
	}
	defer r.Close()
	s, names, err := newSource(src, r.Header())
	if err != nil {
		return nil, err
	}
	l := newLoader(s, names)
	for {
		if st.SourceRows%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("benchdata: read %s: %w", src, err)
			}
		}
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("benchdata: read %s: %w", src, err)
		}
		st.SourceRows++
		if bad := l.check(rec, st); bad != "" {
			if len(st.Skipped) < MaxListedSkips {
				st.Skipped = append(st.Skipped, SkippedRow{Line: rec.Line, Reason: bad})
			}
			continue
		}
		st.SourceGood++
		l.add(rec.Fields)
	}
	s.nrows = int(st.SourceGood)
	st.Combinations = int64(len(l.combos))
	if l.personCol >= 0 && (len(s.first) == 0 || len(s.last) == 0) {
		s.cols[l.personCol].kind = kindStored
	}
	return s, nil
}

// newSource returns an empty source for the columns of header, and the column names (trimmed).
// It fails when the Role or the skills column is missing.
func newSource(src string, header []string) (*source, []string, error) {
	names := make([]string, len(header))
	encoded := make([]string, len(header))
	for i, h := range header {
		names[i] = strings.TrimSpace(h)
		encoded[i] = csvField(h)
	}
	for _, req := range []string{"Role", "skills"} {
		if !slices.Contains(names, req) {
			return nil, nil, fmt.Errorf("benchdata: %s header: column %q not found; columns are: %s",
				src, req, strings.Join(names, ", "))
		}
	}
	s := &source{header: []byte(strings.Join(encoded, ",")), cols: make([]column, len(names)), ngroups: groupFirstFree}
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
			c.kind = kindPerson // falls back to kindStored in load if no names are found
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
		if s.cols[i].kind == kindStored || s.cols[i].kind == kindPerson {
			s.cols[i].stored = s.nstored
			s.nstored++
		}
	}
	s.vals = make([][]string, s.nstored)
	return s, names, nil
}

// loader fills a source with the good rows of the source file.
type loader struct {
	s                           *source
	roleCol, skillsCol, descCol int                 // -1 for a missing Job Description
	personCol                   int                 // -1 for a missing Contact Person
	intern                      []map[string]uint32 // per stored column: value -> id
	firstSeen, lastSeen         map[string]bool
	combos                      map[[3]uint32]struct{}
	rowIDs                      []uint32
}

// newLoader returns a loader for s, whose columns are named names.
func newLoader(s *source, names []string) *loader {
	l := &loader{s: s,
		roleCol: slices.Index(names, "Role"), skillsCol: slices.Index(names, "skills"),
		descCol: slices.Index(names, "Job Description"), personCol: slices.Index(names, "Contact Person"),
		intern:    make([]map[string]uint32, s.nstored),
		firstSeen: map[string]bool{}, lastSeen: map[string]bool{},
		combos: map[[3]uint32]struct{}{}, rowIDs: make([]uint32, s.nstored)}
	for i := range l.intern {
		l.intern[i] = make(map[string]uint32)
	}
	return l
}

// check counts rec in st when it cannot serve and returns why, or "" for a good row.
func (l *loader) check(rec *tabular.Record, st *Stats) string {
	switch {
	case errors.Is(rec.Err, tabular.ErrFieldCount):
		st.SkippedFieldCount++
		return reason(rec.Err)
	case rec.Err != nil:
		st.SkippedMalformed++
		return reason(rec.Err)
	case !hasWordChar(rec.Fields[l.roleCol]):
		st.SkippedEmptyRole++
		return "empty Role"
	case !hasWordChar(rec.Fields[l.skillsCol]):
		st.SkippedEmptySkills++
		return "empty skills"
	}
	return ""
}

// reason returns what a record error says is wrong, without the file and line that
// SkippedRow gives.
func reason(err error) string {
	var re *tabular.RecordError
	if errors.As(err, &re) {
		return re.Msg
	}
	return err.Error()
}

// add stores the values of a good row, CSV-encoded, and notes its combination and its
// contact's names.
func (l *loader) add(fields []string) {
	s := l.s
	for i, c := range s.cols {
		if c.kind != kindStored && i != l.personCol {
			continue
		}
		m := l.intern[c.stored]
		id, ok := m[fields[i]]
		if !ok {
			v := strings.Clone(fields[i]) // not the reader's shared block
			id = uint32(len(s.vals[c.stored]))
			m[v] = id
			s.vals[c.stored] = append(s.vals[c.stored], csvField(v))
		}
		l.rowIDs[c.stored] = id
	}
	s.ids = append(s.ids, l.rowIDs...)
	key := [3]uint32{l.rowIDs[s.cols[l.roleCol].stored], l.rowIDs[s.cols[l.skillsCol].stored], ^uint32(0)}
	if l.descCol >= 0 {
		key[2] = l.rowIDs[s.cols[l.descCol].stored]
	}
	l.combos[key] = struct{}{}
	if l.personCol < 0 {
		return
	}
	if first, last, ok := splitName(fields[l.personCol]); ok {
		if !l.firstSeen[first] {
			l.firstSeen[first] = true
			s.first = append(s.first, strings.Clone(first))
		}
		if !l.lastSeen[last] {
			l.lastSeen[last] = true
			s.last = append(s.last, strings.Clone(last))
		}
	}
}

// splitName splits a person name that needs no CSV quoting at its last space ("Ana María"
// "Suárez").
func splitName(name string) (first, last string, ok bool) {
	if strings.ContainsAny(name, "\",\r\n") {
		return "", "", false
	}
	i := strings.LastIndexByte(name, ' ')
	if i <= 0 || i == len(name)-1 {
		return "", "", false
	}
	return name[:i], name[i+1:], true
}

// hasWordChar reports whether s holds a letter or a digit.
func hasWordChar(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}

// csvField returns v as a CSV field: quoted, its quotes doubled, when it holds a quote, a
// comma or a line break; as it is otherwise.
func csvField(v string) string {
	if !strings.ContainsAny(v, "\",\r\n") {
		return v
	}
	return `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
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
