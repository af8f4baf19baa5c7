package tabular

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
)

func gzipBytes(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestParseFormat(t *testing.T) {
	tests := []struct {
		in   string
		want Format
		ok   bool
	}{
		{"auto", FormatAuto, true},
		{"CSV", FormatCSV, true},
		{"tsv", FormatTSV, true},
		{"jsonl", FormatJSONL, true},
		{"ndjson", FormatJSONL, true},
		{" parquet ", FormatParquet, true},
		{"xlsx", FormatAuto, false},
	}
	for _, tt := range tests {
		got, err := ParseFormat(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParseFormat(%q) = %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
		if tt.ok && tt.in == strings.ToLower(strings.TrimSpace(tt.in)) && tt.in != "ndjson" && got.String() != tt.in {
			t.Errorf("%v.String() = %q; want %q", got, got.String(), tt.in)
		}
	}
	if got := Format(42).String(); got != "Format(42)" {
		t.Errorf("Format(42).String() = %q; want %q", got, "Format(42)")
	}
}

func TestFormatDetection(t *testing.T) {
	tests := []struct {
		name  string
		data  string
		want  Format
		delim rune
	}{
		{"a.csv", "a;b\n1;2\n", FormatCSV, ';'},
		{"a.CSV.gz", "a,b\n1,2\n", FormatCSV, ','},
		{"a.tsv", "a\tb\n1\t\"2\n", FormatTSV, '\t'},
		{"Occupation Data.txt", "a\tb\r\n1\t2\r\n", FormatTSV, '\t'},
		{"notes.txt", "a,b\n1,2\n", FormatCSV, ','},
		{"x.jsonl", `{"a":1}` + "\n", FormatJSONL, 0},
		{"x.ndjson", `{"a":1}` + "\n", FormatJSONL, 0},
		{"noext", "  {\"a\":1}\n", FormatJSONL, 0},
		{"noext", "a|b\n1|2\n", FormatCSV, '|'},
		{"stdin", "a\tb\n1\t2\n", FormatCSV, '\t'},
	}
	for _, tt := range tests {
		for _, gz := range []bool{false, true} {
			data := []byte(tt.data)
			if gz {
				data = gzipBytes(t, data)
			}
			r, err := NewReader(bytes.NewReader(data), tt.name, Options{})
			if err != nil {
				t.Errorf("NewReader(%q, gzip %v) error = %v", tt.name, gz, err)
				continue
			}
			if r.Format() != tt.want || r.Delimiter() != tt.delim {
				t.Errorf("NewReader(%q, gzip %v) = %v %q; want %v %q", tt.name, gz, r.Format(), r.Delimiter(), tt.want, tt.delim)
			}
			if recs := readAll(t, r); len(recs) != 1 || recs[0].err != "" {
				t.Errorf("records of %q (gzip %v) = %v; want one good record", tt.name, gz, recs)
			}
			r.Close()
		}
	}
}

func TestOpenGzipByMagic(t *testing.T) {
	dir := t.TempDir()
	in := "a,b\n1,2\n3,4\n"
	// No .gz extension: detected by magic bytes.
	path := filepath.Join(dir, "data.csv")
	if err := os.WriteFile(path, gzipBytes(t, []byte(in)), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("Open(%q) error = %v", path, err)
	}
	got := readAll(t, r)
	want := []rec{
		{row: 1, line: 2, fields: []string{"1", "2"}, raw: "1,2"},
		{row: 2, line: 3, fields: []string{"3", "4"}, raw: "3,4"},
	}
	if !sameRecs(got, want) {
		t.Errorf("records = %v; want %v", got, want)
	}
	if off := r.(Progresser).InputOffset(); off != int64(len(gzipBytes(t, []byte(in)))) {
		t.Errorf("InputOffset() = %d; want the compressed size %d", off, len(gzipBytes(t, []byte(in))))
	}
	if err := r.Close(); err != nil {
		t.Errorf("Close() = %v", err)
	}
}

func TestTruncatedGzip(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,text\n")
	for i := 0; i < 20000; i++ {
		b.WriteString("1234,\"some text, with a comma\"\n")
	}
	full := gzipBytes(t, []byte(b.String()))
	for _, cut := range []int{len(full) / 2, len(full) - 4, len(full) - 9} {
		for _, bs := range []int{0, 64} {
			path := filepath.Join(t.TempDir(), "cut.csv.gz")
			if err := os.WriteFile(path, full[:cut], 0o644); err != nil {
				t.Fatal(err)
			}
			r, err := Open(path, Options{bufSize: bs})
			if err != nil {
				t.Fatalf("Open(cut at %d) error = %v", cut, err)
			}
			n := 0
			for {
				rc, err := r.Next()
				if err == io.EOF {
					t.Errorf("cut at %d of %d (buf %d): io.EOF after %d records; want a fatal error", cut, len(full), bs, n)
					break
				}
				if err != nil {
					if !strings.Contains(err.Error(), path) {
						t.Errorf("truncated gzip error = %q; want it to name %s", err, path)
					}
					if !errors.Is(err, io.ErrUnexpectedEOF) {
						t.Errorf("truncated gzip error = %v; want io.ErrUnexpectedEOF", err)
					}
					if _, err2 := r.Next(); err2 == nil || err2 == io.EOF {
						t.Errorf("Next() after a fatal error = %v; want the same error again", err2)
					}
					break
				}
				if rc.Err != nil {
					t.Errorf("record %d error %v before the truncation", rc.Row, rc.Err)
				}
				n++
			}
			r.Close()
		}
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(filepath.Join(dir, "missing.csv"), Options{}); err == nil || !strings.Contains(err.Error(), "missing.csv") {
		t.Errorf("Open(missing) error = %v; want one naming the file", err)
	}
	pq := filepath.Join(dir, "x.parquet.gz")
	if err := os.WriteFile(pq, gzipBytes(t, []byte("PAR1....")), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(pq, Options{}); err == nil || !strings.Contains(err.Error(), "gzip") {
		t.Errorf("Open(gzipped parquet) error = %v; want one about gzip", err)
	}
	if _, err := NewReader(strings.NewReader("PAR1"), "x.parquet", Options{}); err == nil || !strings.Contains(err.Error(), "Open") {
		t.Errorf("NewReader(parquet) error = %v; want one pointing to Open", err)
	}
	if _, err := NewReader(strings.NewReader("a,b\n"), "x.csv", Options{Delimiter: '"'}); err == nil {
		t.Errorf("NewReader(delimiter '\"') error = nil; want an error")
	}
	if _, err := NewReader(bytes.NewReader([]byte{0x1f, 0x8b, 0, 0}), "x.csv", Options{}); err == nil || !strings.Contains(err.Error(), "gzip") {
		t.Errorf("NewReader(bad gzip header) error = %v; want one about gzip", err)
	}
}

func TestTSV(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		maxRec int
		header []string
		want   []rec
	}{
		{
			name:   "onet style",
			in:     "Code\tTitle\tDescription\r\n11-1011.00\tChief \"Executives\"\tDetermine, plan\r\n\r\n11-1011.03\tChief Sustainability Officers\t\"Communicate\r\n",
			header: []string{"Code", "Title", "Description"},
			want: []rec{
				{row: 1, line: 2, fields: []string{"11-1011.00", `Chief "Executives"`, "Determine, plan"}, raw: "11-1011.00\tChief \"Executives\"\tDetermine, plan"},
				{row: 2, line: 4, fields: []string{"11-1011.03", "Chief Sustainability Officers", `"Communicate`}, raw: "11-1011.03\tChief Sustainability Officers\t\"Communicate"},
			},
		},
		{
			name:   "bom, errors and empty fields",
			in:     "\xEF\xBB\xBFa\tb\n1\t2\t3\n\t\n\x00\tx\n\xff\ty",
			header: []string{"a", "b"},
			want: []rec{
				{row: 1, line: 2, raw: "1\t2\t3", err: "line 2: wrong number of fields: expected 2, found 3"},
				{row: 2, line: 3, fields: []string{"", ""}, raw: "\t"},
				{row: 3, line: 4, raw: "\x00\tx", err: "NUL"},
				// 0xFF is not UTF-8: read as Windows-1252 (EncodingAuto).
				{row: 4, line: 5, fields: []string{"ÿ", "y"}, raw: "\xff\ty"},
			},
		},
		{
			name:   "too long",
			in:     "a\tb\n1\t2\n0123456789abc\tx\n3\t4",
			maxRec: 8,
			header: []string{"a", "b"},
			want: []rec{
				{row: 1, line: 2, fields: []string{"1", "2"}, raw: "1\t2"},
				{row: 2, line: 3, raw: "01234567", err: "longer than 8 bytes"},
				{row: 3, line: 4, fields: []string{"3", "4"}, raw: "3\t4"},
			},
		},
		{name: "header only", in: "a\tb\r\n", header: []string{"a", "b"}},
	}
	for _, tt := range tests {
		for _, bs := range bufSizes {
			r, err := NewReader(strings.NewReader(tt.in), "t.tsv", Options{MaxRecordBytes: tt.maxRec, bufSize: bs})
			if err != nil {
				t.Fatalf("%s: NewReader error = %v", tt.name, err)
			}
			if r.Format() != FormatTSV || r.Delimiter() != '\t' {
				t.Errorf("%s: format %v %q; want tsv tab", tt.name, r.Format(), r.Delimiter())
			}
			if got := r.Header(); strings.Join(got, "|") != strings.Join(tt.header, "|") {
				t.Errorf("%s: Header() = %q; want %q", tt.name, got, tt.header)
			}
			if got := readAll(t, r); !sameRecs(got, tt.want) {
				t.Errorf("%s (buf %d): records =\n%v\nwant\n%v", tt.name, bs, got, tt.want)
			}
		}
	}
	for _, in := range []string{"", "\r\n\n", "a\tb\ta\n"} {
		if _, err := NewReader(strings.NewReader(in), "t.tsv", Options{}); err == nil {
			t.Errorf("NewReader(%q) error = nil; want an error", in)
		}
	}
}

// TestGzipGoroutineEnds checks that the decompressing goroutine ends on
// Close, on a header error, and after a fatal error.
func TestGzipGoroutineEnds(t *testing.T) {
	var b strings.Builder
	b.WriteString("a,b\n")
	for i := 0; i < 200000; i++ {
		b.WriteString("1,2\n")
	}
	big := gzipBytes(t, []byte(b.String()))
	base := runtime.NumGoroutine()

	r, err := NewReader(bytes.NewReader(big), "big.csv.gz", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Errorf("Close() = %v", err)
	}
	if _, err := r.Next(); err == nil {
		t.Errorf("Next() after Close = nil error; want one")
	}
	if _, err := NewReader(bytes.NewReader(gzipBytes(t, []byte("a,a\n1,2\n"))), "dup.csv.gz", Options{}); err == nil {
		t.Errorf("NewReader(duplicate header) error = nil")
	}
	path := filepath.Join(t.TempDir(), "cut.csv.gz")
	if err := os.WriteFile(path, big[:len(big)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	r, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := r.Next(); err != nil {
			break
		}
	}
	r.Close()

	// The goroutine ends soon after Close, but "soon" is not a bound a loaded machine keeps:
	// wait for it, giving up only after 30 s (a safety net against a leak).
	deadline := time.Now().Add(30 * time.Second)
	for runtime.NumGoroutine() > base && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > base {
		t.Errorf("%d goroutines after closing; want %d", n, base)
	}
}

// TestInputOffsetDuringGzip calls InputOffset while the read-ahead
// goroutine decompresses (run with -race).
func TestInputOffsetDuringGzip(t *testing.T) {
	var b strings.Builder
	b.WriteString("a,b\n")
	for i := 0; i < 100000; i++ {
		b.WriteString("10,20\n")
	}
	gz := gzipBytes(t, []byte(b.String()))
	r, err := NewReader(bytes.NewReader(gz), "x.csv.gz", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	p := r.(Progresser)
	last := int64(0)
	for {
		_, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		off := p.InputOffset()
		if off < last || off > int64(len(gz)) {
			t.Fatalf("InputOffset() = %d after %d; want non-decreasing and at most %d", off, last, len(gz))
		}
		last = off
	}
	if last != int64(len(gz)) {
		t.Errorf("InputOffset() at the end = %d; want %d", last, len(gz))
	}
}
