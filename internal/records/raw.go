package records

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/parquet-go/parquet-go"

	"github.com/skillx/skillx/internal/parquetio"
)

// The fixed columns of data/raw/postings.parquet, in file order; RawExtras, the group of the
// source's other columns, comes last.
const (
	RawSource           = "source"
	RawSourceFile       = "source_file"
	RawSourceRow        = "source_row"
	RawSourceLine       = "source_line"
	RawPostingID        = "posting_id"
	RawRole             = "role"
	RawTitle            = "title"
	RawSkills           = "skills"
	RawDescription      = "description"
	RawResponsibilities = "responsibilities"
	RawExtras           = "extras"
)

// rawFixedColumns is the number of leaf columns before the extras.
const rawFixedColumns = 10

// ExtraColumn is one column of the extras group of data/raw/postings.parquet.
type ExtraColumn struct {
	// Name is the column's name: the source's column name (see ExtraColumnNames).
	Name string
	// Plain writes the column without a dictionary: for columns whose values rarely repeat
	// (ids, phone numbers), where a dictionary costs more than it saves.
	Plain bool
}

// RawColumns returns the columns of data/raw/postings.parquet for a source whose columns
// without a field of their own are extras, in that order:
//
//	source, source_file                string, dictionary-encoded
//	source_row, source_line            int64, delta-encoded
//	posting_id                         string
//	role, title, skills, description,
//	responsibilities                   string, dictionary-encoded
//	extras                             group: one optional string per extra column, null
//	                                   where the record's value is empty (no group when the
//	                                   source has no other column)
//
// Every column but the extras is required ("" where the source has no value). A row group
// whose dictionary of a column outgrows parquetio.DictionaryMaxBytes has that column plain.
func RawColumns(extras []ExtraColumn) []parquetio.TableColumn {
	str := func(name string, enc parquetio.TableEncoding) parquetio.TableColumn {
		return parquetio.TableColumn{Path: []string{name}, Kind: parquetio.TableString, Encoding: enc}
	}
	delta := func(name string) parquetio.TableColumn {
		return parquetio.TableColumn{Path: []string{name}, Kind: parquetio.TableInt64, Encoding: parquetio.EncodeDelta}
	}
	cols := []parquetio.TableColumn{
		str(RawSource, parquetio.EncodeDict), str(RawSourceFile, parquetio.EncodeDict),
		delta(RawSourceRow), delta(RawSourceLine),
		str(RawPostingID, parquetio.EncodePlain),
		str(RawRole, parquetio.EncodeDict), str(RawTitle, parquetio.EncodeDict), str(RawSkills, parquetio.EncodeDict),
		str(RawDescription, parquetio.EncodeDict), str(RawResponsibilities, parquetio.EncodeDict),
	}
	for _, e := range extras {
		enc := parquetio.EncodeDict
		if e.Plain {
			enc = parquetio.EncodePlain
		}
		cols = append(cols, parquetio.TableColumn{Path: []string{RawExtras, e.Name}, Kind: parquetio.TableString,
			Encoding: enc, Optional: true})
	}
	return cols
}

// RawWriter writes data/raw/postings.parquet (RawColumns). The file appears only when Commit
// (or Prepare and Publish) succeeds.
type RawWriter struct {
	*parquetio.TableWriter
	extras int
}

// CreateRaw starts a raw postings file at path with the given extras columns. Call Commit to
// finish it, and defer Abort.
func CreateRaw(path string, extras []ExtraColumn) (*RawWriter, error) {
	w, err := parquetio.CreateTable(path, RawColumns(extras))
	if err != nil {
		return nil, err
	}
	return &RawWriter{TableWriter: w, extras: len(extras)}, nil
}

// Write appends a posting: p's fixed fields and extras, one value per extras column ("" is
// null). p.Extras is ignored. The writer copies what it keeps.
func (w *RawWriter) Write(p *RawPosting, extras []string) error {
	if len(extras) != w.extras {
		return fmt.Errorf("write raw postings %s: %d extras for %d extras columns", w.Path(), len(extras), w.extras)
	}
	t := w.TableWriter
	t.String(0, p.Source)
	t.String(1, p.SourceFile)
	t.Int64(2, p.SourceRow)
	t.Int64(3, p.SourceLine)
	t.String(4, p.PostingID)
	t.String(5, p.Role)
	t.String(6, p.Title)
	t.String(7, p.Skills)
	t.String(8, p.Description)
	t.String(9, p.Responsibilities)
	for i, v := range extras {
		if v == "" {
			t.Null(rawFixedColumns + i)
		} else {
			t.String(rawFixedColumns+i, v)
		}
	}
	return t.EndRow()
}

// ExtraColumnNames returns the names the extras group gives to source columns named names:
// the names themselves, except that an empty name becomes "column_N" (N its 1-based position)
// and a name seen before gets "_2", "_3", ... appended, since the columns of a group need
// distinct names.
func ExtraColumnNames(names []string) []string {
	out := make([]string, len(names))
	seen := make(map[string]bool, len(names))
	for i, n := range names {
		if n == "" {
			n = "column_" + strconv.Itoa(i+1)
		}
		base := n
		for k := 2; seen[n]; k++ {
			n = base + "_" + strconv.Itoa(k)
		}
		seen[n] = true
		out[i] = n
	}
	return out
}

// ReadRaw reads every row of a data/raw/postings.parquet file, extras included (in column
// order, non-null ones only). It holds the whole file in memory: use it for small files and
// tests; stages read the columns they need with parquetio.ScanColumns.
func ReadRaw(path string) ([]RawPosting, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read raw postings %s: %w", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read raw postings %s: %w", path, err)
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		return nil, fmt.Errorf("read raw postings %s: %w", path, err)
	}
	cols, extraNames, err := rawColumnIndexes(pf.Schema())
	if err != nil {
		return nil, fmt.Errorf("read raw postings %s: %w", path, err)
	}
	r := parquet.NewReader(pf)
	defer r.Close()
	var out []RawPosting
	buf := make([]parquet.Row, 256)
	for {
		n, err := r.ReadRows(buf)
		for _, row := range buf[:n] {
			out = append(out, rawFromRow(row, cols, extraNames))
		}
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read raw postings %s: %w", path, err)
		}
	}
}

// rawColumnIndexes maps leaf column indexes of schema to fixed fields (0-9 in the order of
// RawSchema) or, from rawFixedColumns on, to extras (extraNames[i-rawFixedColumns]).
func rawColumnIndexes(schema *parquet.Schema) (map[int]int, []string, error) {
	fixed := []string{RawSource, RawSourceFile, RawSourceRow, RawSourceLine, RawPostingID, RawRole, RawTitle,
		RawSkills, RawDescription, RawResponsibilities}
	cols := map[int]int{}
	for i, name := range fixed {
		leaf, ok := schema.Lookup(name)
		if !ok {
			return nil, nil, fmt.Errorf("no column %q", name)
		}
		cols[leaf.ColumnIndex] = i
	}
	var names []string
	for _, f := range schema.Fields() {
		if f.Name() != RawExtras || f.Leaf() {
			continue
		}
		for _, e := range f.Fields() {
			leaf, ok := schema.Lookup(RawExtras, e.Name())
			if !ok || !e.Leaf() {
				return nil, nil, fmt.Errorf("extras column %q is not a string column", e.Name())
			}
			cols[leaf.ColumnIndex] = rawFixedColumns + len(names)
			names = append(names, e.Name())
		}
	}
	return cols, names, nil
}

// rawFromRow turns one row read from a raw postings file into a RawPosting.
func rawFromRow(row parquet.Row, cols map[int]int, extraNames []string) RawPosting {
	var p RawPosting
	for _, v := range row {
		i, ok := cols[v.Column()]
		if !ok {
			continue
		}
		if i >= rawFixedColumns {
			if !v.IsNull() {
				p.Extras = append(p.Extras, Extra{Key: extraNames[i-rawFixedColumns], Value: string(v.ByteArray())})
			}
			continue
		}
		switch i {
		case 0:
			p.Source = string(v.ByteArray())
		case 1:
			p.SourceFile = string(v.ByteArray())
		case 2:
			p.SourceRow = v.Int64()
		case 3:
			p.SourceLine = v.Int64()
		case 4:
			p.PostingID = string(v.ByteArray())
		case 5:
			p.Role = string(v.ByteArray())
		case 6:
			p.Title = string(v.ByteArray())
		case 7:
			p.Skills = string(v.ByteArray())
		case 8:
			p.Description = string(v.ByteArray())
		case 9:
			p.Responsibilities = string(v.ByteArray())
		}
	}
	return p
}
