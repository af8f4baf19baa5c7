package parquetio

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// tableRow is what the tests write with a TableWriter and read back with parquet-go.
type tableRow struct {
	ID   string `parquet:"id"`
	Name string `parquet:"name"`
	N    int64  `parquet:"n"`
	M    int64  `parquet:"m"`
	Grp  struct {
		A *string `parquet:"a,optional"`
		B *string `parquet:"b,optional"`
	} `parquet:"grp"`
}

var tableCols = []TableColumn{
	{Path: []string{"id"}, Kind: TableString, Encoding: EncodePlain},
	{Path: []string{"name"}, Kind: TableString, Encoding: EncodeDict},
	{Path: []string{"n"}, Kind: TableInt64, Encoding: EncodeDelta},
	{Path: []string{"m"}, Kind: TableInt64, Encoding: EncodePlain},
	{Path: []string{"grp", "a"}, Kind: TableString, Encoding: EncodeDict, Optional: true},
	{Path: []string{"grp", "b"}, Kind: TableString, Encoding: EncodePlain, Optional: true},
}

// makeTableRows returns n rows with repeated and unique strings, nulls, empty strings and
// text that is not ASCII.
func makeTableRows(n int) []tableRow {
	names := []string{"Data Analyst", "", "Ingénieur données 数据", "Nurse"}
	rows := make([]tableRow, n)
	for i := range rows {
		r := &rows[i]
		r.ID = fmt.Sprintf("id-%d", i*7919)
		r.Name = names[i%len(names)]
		r.N = int64(i + 1)
		r.M = int64(i*i) - 5
		if i%3 != 0 {
			a := names[(i/3)%len(names)] + "!"
			r.Grp.A = &a
		}
		if i%5 != 1 {
			b := strings.Repeat("b", i%11) + fmt.Sprint(i)
			r.Grp.B = &b
		}
	}
	return rows
}

// writeTable writes rows with a TableWriter; adjust may change its limits first.
func writeTable(t *testing.T, path string, rows []tableRow, adjust func(*TableWriter)) {
	t.Helper()
	w, err := CreateTable(path, tableCols)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	if adjust != nil {
		adjust(w)
	}
	w.SetMetadata("k", "v")
	for i := range rows {
		r := &rows[i]
		w.String(0, r.ID)
		w.String(1, r.Name)
		w.Int64(2, r.N)
		w.Int64(3, r.M)
		for c, v := range []*string{r.Grp.A, r.Grp.B} {
			if v == nil {
				w.Null(4 + c)
			} else {
				w.String(4+c, *v)
			}
		}
		if err := w.EndRow(); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
}

func TestTableWriterRoundTrip(t *testing.T) {
	p := filepath.Join(t.TempDir(), "t.parquet")
	want := makeTableRows(2*RowsPerGroup + 17)
	writeTable(t, p, want, nil)
	got, err := ReadAll[tableRow](p)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("read %d rows; want %d", len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("row %d = %+v; want %+v", i, got[i], want[i])
		}
	}
	pf := openFile(t, p)
	if n := len(pf.RowGroups()); n != 3 {
		t.Errorf("%d row groups; want 3 (RowsPerGroup rows each)", n)
	}
	var names []string
	for _, f := range pf.Schema().Fields() {
		names = append(names, f.Name())
	}
	if want := []string{"id", "name", "n", "m", "grp"}; !slices.Equal(names, want) {
		t.Errorf("top-level columns %v; want %v, in the order given", names, want)
	}
	if v, ok := pf.Lookup("k"); !ok || v != "v" {
		t.Errorf("footer metadata k = %q, %v; want v", v, ok)
	}
	wantEnc := map[string]format.Encoding{"id": format.DeltaLengthByteArray, "name": format.RLEDictionary,
		"n": format.DeltaBinaryPacked, "m": format.Plain, "grp.a": format.RLEDictionary, "grp.b": format.DeltaLengthByteArray}
	for _, cc := range pf.Metadata().RowGroups[0].Columns {
		name := strings.Join(cc.MetaData.PathInSchema, ".")
		if !slices.Contains(cc.MetaData.Encoding, wantEnc[name]) {
			t.Errorf("column %s encodings %v; want %v among them", name, cc.MetaData.Encoding, wantEnc[name])
		}
	}
}

func TestTableWriterDictionaryFallback(t *testing.T) {
	p := filepath.Join(t.TempDir(), "t.parquet")
	want := makeTableRows(3000)
	for i := range want {
		want[i].Name = fmt.Sprintf("distinct name %d", i) // 3000 distinct values: ~50 KB
	}
	writeTable(t, p, want, func(w *TableWriter) { w.dictMax = 4096 })
	got, err := ReadAll[tableRow](p)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("rows read back differ from the rows written")
	}
	for _, cc := range openFile(t, p).Metadata().RowGroups[0].Columns {
		name := strings.Join(cc.MetaData.PathInSchema, ".")
		dict := slices.Contains(cc.MetaData.Encoding, format.RLEDictionary)
		if name == "name" && dict {
			t.Errorf("column name, whose dictionary outgrew its limit, is dictionary-encoded")
		}
		if name == "grp.a" && !dict {
			t.Errorf("column grp.a (5 distinct values) is not dictionary-encoded")
		}
	}
}

func TestTableWriterSplitsPlainPages(t *testing.T) {
	p := filepath.Join(t.TempDir(), "t.parquet")
	want := makeTableRows(5000)
	writeTable(t, p, want, func(w *TableWriter) { w.fl.pageMax = 1000 })
	got, err := ReadAll[tableRow](p)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("rows read back differ from the rows written")
	}
	pf := openFile(t, p)
	for _, col := range []string{"id", "grp.b"} {
		leaf, _ := pf.Schema().Lookup(strings.Split(col, ".")...)
		pages := pf.RowGroups()[0].ColumnChunks()[leaf.ColumnIndex].Pages()
		n := 0
		for {
			pg, err := pages.ReadPage()
			if err != nil {
				break
			}
			parquet.Release(pg)
			n++
		}
		pages.Close()
		// ~10 bytes a value, 1000 bytes a page: about 50 pages.
		if n < 20 {
			t.Errorf("column %s has %d pages; want one per 1000 bytes of values", col, n)
		}
	}
}

func TestTableWriterEmpty(t *testing.T) {
	p := filepath.Join(t.TempDir(), "t.parquet")
	writeTable(t, p, nil, nil)
	if n, err := NumRows(p); err != nil || n != 0 {
		t.Errorf("NumRows of an empty table = %d, %v; want 0", n, err)
	}
	rows, err := ReadAll[tableRow](p)
	if err != nil || len(rows) != 0 {
		t.Errorf("ReadAll of an empty table = %d rows, %v; want none", len(rows), err)
	}
}

func TestTableWriterMisuse(t *testing.T) {
	cols := []TableColumn{
		{Path: []string{"a"}, Kind: TableString, Encoding: EncodeDict},
		{Path: []string{"b"}, Kind: TableInt64, Encoding: EncodeDelta},
	}
	tests := []struct {
		name string
		fill func(w *TableWriter)
		want string
	}{
		{"missing value", func(w *TableWriter) { w.String(0, "x") }, `column "b" has no value`},
		{"twice", func(w *TableWriter) { w.String(0, "x"); w.String(0, "y"); w.Int64(1, 1) }, `column "a" given two values`},
		{"null in a required column", func(w *TableWriter) { w.Null(0); w.Int64(1, 1) }, `column "a" is required`},
	}
	for _, tt := range tests {
		p := filepath.Join(t.TempDir(), "t.parquet")
		w, err := CreateTable(p, cols)
		if err != nil {
			t.Fatal(err)
		}
		tt.fill(w)
		if err := w.EndRow(); err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "row 1") {
			t.Errorf("%s: EndRow = %v; want an error naming row 1 and saying %s", tt.name, err, tt.want)
		}
		w.Abort()
	}
}

func TestCreateTableRejectsBadColumns(t *testing.T) {
	tests := [][]TableColumn{
		{{Path: []string{"a"}, Kind: TableString, Encoding: EncodeDelta}},
		{{Path: []string{"a"}, Kind: TableInt64, Encoding: EncodeDict}},
		{{Path: []string{"a"}, Kind: TableString}, {Path: []string{"a"}, Kind: TableString}},
		{{Path: []string{"g", "a", "b"}, Kind: TableString}},
		{{Path: []string{""}, Kind: TableString}},
	}
	for _, cols := range tests {
		p := filepath.Join(t.TempDir(), "t.parquet")
		if w, err := CreateTable(p, cols); err == nil {
			w.Abort()
			t.Errorf("CreateTable(%+v) succeeded; want an error", cols)
		}
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("CreateTable(%+v) left a file: %v", cols, err)
		}
	}
}

func TestTableWriterAbortLeavesNoFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "t.parquet")
	w, err := CreateTable(p, tableCols)
	if err != nil {
		t.Fatal(err)
	}
	w.String(0, "x")
	w.Abort()
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("files left after Abort: %v", entries)
	}
}

func TestScanColumnsReadsTableWriterFiles(t *testing.T) {
	p := filepath.Join(t.TempDir(), "t.parquet")
	want := makeTableRows(RowsPerGroup + 500)
	writeTable(t, p, want, nil)
	specs := []ColumnSpec{{Name: "name", Kind: Indexed}, {Name: "id", Kind: Strings}, {Name: "n", Kind: Int64s}, {Name: "m", Kind: Int64s}}
	for _, workers := range []int{1, 2} {
		row := 0
		err := ScanColumns(context.Background(), p, specs, workers, func(g *Columns) error {
			dict, idx := g.Indexed(0)
			for i := 0; i < g.Rows; i++ {
				w := want[row]
				if dict[idx[i]] != w.Name || g.String(1, i) != w.ID || g.Int64s(2)[i] != w.N || g.Int64s(3)[i] != w.M {
					return fmt.Errorf("row %d = %q %q %d %d; want %+v", row, dict[idx[i]], g.String(1, i), g.Int64s(2)[i], g.Int64s(3)[i], w)
				}
				row++
			}
			return nil
		})
		if err != nil || row != len(want) {
			t.Errorf("ScanColumns with %d workers: %d rows, %v; want %d rows as written", workers, row, err, len(want))
		}
	}
}

// pgRow is written by parquet-go's own writer, with its encodings.
type pgRow struct {
	Dict  string  `parquet:"dict,dict"`
	Plain string  `parquet:"plain"`
	Opt   *string `parquet:"opt,optional,dict"`
	I     int64   `parquet:"i"`
	OptI  *int64  `parquet:"opt_i,optional"`
}

func TestScanColumnsReadsParquetGoFiles(t *testing.T) {
	p := filepath.Join(t.TempDir(), "pg.parquet")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	// A small dictionary limit makes column dict switch from dictionary to plain pages in the
	// middle of a column chunk.
	w := parquet.NewGenericWriter[pgRow](f, parquet.MaxRowsPerRowGroup(40_000), parquet.PageBufferSize(4096),
		parquet.DictionaryMaxBytes(2048))
	want := make([]pgRow, 100_000)
	for i := range want {
		r := &want[i]
		r.Dict = fmt.Sprintf("value %d", i%(1+i/100))
		r.Plain = fmt.Sprint(i)
		r.I = int64(i) * 3
		if i%4 != 0 {
			s := []string{"x", "y", "zz"}[i%3]
			r.Opt = &s
			v := int64(-i)
			r.OptI = &v
		}
	}
	if _, err := w.Write(want); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	specs := []ColumnSpec{{Name: "dict", Kind: Indexed}, {Name: "plain", Kind: Indexed}, {Name: "opt", Kind: Indexed},
		{Name: "opt", Kind: Strings}, {Name: "i", Kind: Int64s}, {Name: "opt_i", Kind: Int64s}, {Name: "dict", Kind: Strings}}
	row := 0
	err = ScanColumns(context.Background(), p, specs, 2, func(g *Columns) error {
		for i := 0; i < g.Rows; i++ {
			r := want[row]
			opt, optI := "", int64(0)
			if r.Opt != nil {
				opt, optI = *r.Opt, *r.OptI
			}
			got := []any{indexed(g, 0, i), indexed(g, 1, i), indexed(g, 2, i), g.String(3, i), g.Int64s(4)[i], g.Int64s(5)[i], g.String(6, i)}
			exp := []any{r.Dict, r.Plain, opt, opt, r.I, optI, r.Dict}
			if !reflect.DeepEqual(got, exp) {
				return fmt.Errorf("row %d = %v; want %v", row, got, exp)
			}
			row++
		}
		return nil
	})
	if err != nil || row != len(want) {
		t.Errorf("ScanColumns: %d rows, %v; want %d rows as written", row, err, len(want))
	}
}

func indexed(g *Columns, c, i int) string {
	dict, idx := g.Indexed(c)
	return dict[idx[i]]
}

func TestScanColumnsErrors(t *testing.T) {
	p := filepath.Join(t.TempDir(), "t.parquet")
	writeTable(t, p, makeTableRows(10), nil)
	tests := []struct {
		spec ColumnSpec
		want string
	}{
		{ColumnSpec{Name: "nope", Kind: Indexed}, `no column "nope"`},
		{ColumnSpec{Name: "n", Kind: Strings}, `column "n" holds INT64`},
		{ColumnSpec{Name: "id", Kind: Int64s}, `column "id" holds BYTE_ARRAY`},
	}
	for _, tt := range tests {
		err := ScanColumns(context.Background(), p, []ColumnSpec{tt.spec}, 1, func(*Columns) error { return nil })
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), p) {
			t.Errorf("ScanColumns(%+v) = %v; want an error naming the file and saying %s", tt.spec, err, tt.want)
		}
	}
	stop := errors.New("stop")
	if err := ScanColumns(context.Background(), p, []ColumnSpec{{Name: "id", Kind: Strings}}, 2, func(*Columns) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("ScanColumns returned %v; want fn's error", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := ScanColumns(ctx, p, []ColumnSpec{{Name: "id", Kind: Strings}}, 2, func(*Columns) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("ScanColumns with a cancelled context = %v; want context.Canceled", err)
	}
}

func openFile(t *testing.T, path string) *parquet.File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	st, _ := f.Stat()
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	return pf
}
