package tabular

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestCSV(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		maxRec int
		header []string
		want   []rec
	}{
		{
			name:   "simple",
			in:     "a,b\n1,2\n3,4\n",
			header: []string{"a", "b"},
			want: []rec{
				{row: 1, line: 2, fields: []string{"1", "2"}, raw: "1,2"},
				{row: 2, line: 3, fields: []string{"3", "4"}, raw: "3,4"},
			},
		},
		{
			name:   "bom and crlf",
			in:     "\xEF\xBB\xBFa,b\r\n1,2\r\n\"x\",\"y\"\r\n",
			header: []string{"a", "b"},
			want: []rec{
				{row: 1, line: 2, fields: []string{"1", "2"}, raw: "1,2"},
				{row: 2, line: 3, fields: []string{"x", "y"}, raw: `"x","y"`},
			},
		},
		{
			name:   "no final newline",
			in:     "a,b\n1,2",
			header: []string{"a", "b"},
			want:   []rec{{row: 1, line: 2, fields: []string{"1", "2"}, raw: "1,2"}},
		},
		{
			name:   "final carriage return",
			in:     "a,b\r\n1,\"2\"\r",
			header: []string{"a", "b"},
			want:   []rec{{row: 1, line: 2, fields: []string{"1", "2"}, raw: `1,"2"`}},
		},
		{
			name:   "quoted newlines",
			in:     "a,b\n\"x\ny\",2\n\"p\r\nq\r\nr\",3\n4,5\n",
			header: []string{"a", "b"},
			want: []rec{
				{row: 1, line: 2, fields: []string{"x\ny", "2"}, raw: "\"x\ny\",2"},
				{row: 2, line: 4, fields: []string{"p\r\nq\r\nr", "3"}, raw: "\"p\r\nq\r\nr\",3"},
				{row: 3, line: 7, fields: []string{"4", "5"}, raw: "4,5"},
			},
		},
		{
			name:   "escaped quotes and delimiters in quotes",
			in:     "a,b,c\n\"he said \"\"hi, there\"\"\",\"x,y\",\"\"\"\"\n",
			header: []string{"a", "b", "c"},
			want: []rec{{row: 1, line: 2, fields: []string{`he said "hi, there"`, "x,y", `"`},
				raw: `"he said ""hi, there""","x,y",""""`}},
		},
		{
			name:   "empty fields",
			in:     "a,b,c\n,,\n\"\",x,\n",
			header: []string{"a", "b", "c"},
			want: []rec{
				{row: 1, line: 2, fields: []string{"", "", ""}, raw: ",,"},
				{row: 2, line: 3, fields: []string{"", "x", ""}, raw: `"",x,`},
			},
		},
		{
			name:   "empty lines skipped",
			in:     "\n\r\na,b\n\n1,2\r\n\r\n\n3,4\n\n",
			header: []string{"a", "b"},
			want: []rec{
				{row: 1, line: 5, fields: []string{"1", "2"}, raw: "1,2"},
				{row: 2, line: 8, fields: []string{"3", "4"}, raw: "3,4"},
			},
		},
		{
			name:   "header only",
			in:     "a,b\n",
			header: []string{"a", "b"},
		},
		{
			name:   "header only without newline",
			in:     "a,b",
			header: []string{"a", "b"},
		},
		{
			name:   "quoted header with newline",
			in:     "\"a\nx\",b\n1,2\n",
			header: []string{"a\nx", "b"},
			want:   []rec{{row: 1, line: 3, fields: []string{"1", "2"}, raw: "1,2"}},
		},
		{
			name:   "wrong field count",
			in:     "a,b\n1,2,3\n4\n5,6\n",
			header: []string{"a", "b"},
			want: []rec{
				{row: 1, line: 2, raw: "1,2,3", err: "line 2: wrong number of fields: expected 2, found 3"},
				{row: 2, line: 3, raw: "4", err: "expected 2, found 1"},
				{row: 3, line: 4, fields: []string{"5", "6"}, raw: "5,6"},
			},
		},
		{
			name:   "bare quote accepted",
			in:     "h,w\nBob,5'10\"\nx\"y\"z,2\n",
			header: []string{"h", "w"},
			want: []rec{
				{row: 1, line: 2, fields: []string{"Bob", `5'10"`}, raw: `Bob,5'10"`},
				{row: 2, line: 3, fields: []string{`x"y"z`, "2"}, raw: `x"y"z,2`},
			},
		},
		{
			name:   "bare quote with wrong count",
			in:     "a,b\nx\"y,z,w\n1,2\n",
			header: []string{"a", "b"},
			want: []rec{
				{row: 1, line: 2, raw: `x"y,z,w`, err: "expected 2, found 3 (field 1 has a quote inside an unquoted field)"},
				{row: 2, line: 3, fields: []string{"1", "2"}, raw: "1,2"},
			},
		},
		{
			name:   "text after closing quote",
			in:     "a,b\n\"ab\"cd,e\n\"x\"\"y\"z\"w\n",
			header: []string{"a", "b"},
			want: []rec{
				{row: 1, line: 2, fields: []string{"abcd", "e"}, raw: `"ab"cd,e`},
				{row: 2, line: 3, raw: `"x""y"z"w`, err: "expected 2, found 1 (text follows a closing quote)"},
			},
		},
		{
			name:   "unterminated quote at end of file",
			in:     "a,b\n1,2\n\"open,3\n4,5\n6,7",
			header: []string{"a", "b"},
			want: []rec{
				{row: 1, line: 2, fields: []string{"1", "2"}, raw: "1,2"},
				{row: 2, line: 3, raw: `"open,3`, err: "line 3: unterminated quoted field starting at line 3"},
				{row: 3, line: 4, fields: []string{"4", "5"}, raw: "4,5"},
				{row: 4, line: 5, fields: []string{"6", "7"}, raw: "6,7"},
			},
		},
		{
			name:   "unterminated quote later in a multi-line record",
			in:     "a,b\n\"x\ny\",\"open\n1,2\r\n",
			header: []string{"a", "b"},
			want: []rec{
				{row: 1, line: 2, raw: `"x`, err: "unterminated quoted field starting at line 3"},
				{row: 2, line: 3, raw: `y","open`, err: "unterminated quoted field starting at line 3"},
				{row: 3, line: 4, fields: []string{"1", "2"}, raw: "1,2"},
			},
		},
		{
			name:   "stray quote resyncs at the next line",
			in:     "a,b\n\"bad\n1,\"x\"\n3,4\n",
			header: []string{"a", "b"},
			want: []rec{
				{row: 1, line: 2, raw: `"bad`, err: "bad quoting"},
				{row: 2, line: 3, fields: []string{"1", "x"}, raw: `1,"x"`},
				{row: 3, line: 4, fields: []string{"3", "4"}, raw: "3,4"},
			},
		},
		{
			name:   "nul byte",
			in:     "a,b\n1,\x002\n3,4\n",
			header: []string{"a", "b"},
			want: []rec{
				{row: 1, line: 2, raw: "1,\x002", err: "NUL byte"},
				{row: 2, line: 3, fields: []string{"3", "4"}, raw: "3,4"},
			},
		},
		{
			name: "invalid utf-8",
			// 0xE9 is é in Windows-1252 (EncodingAuto); 0x81 is undefined there.
			in:     "a,b\n\x81,\"caf\xe9\"\n",
			header: []string{"a", "b"},
			want:   []rec{{row: 1, line: 2, fields: []string{"\uFFFD", "café"}, raw: "\x81,\"caf\xe9\""}},
		},
		{
			name:   "line too long",
			in:     "a,b\n1,2\n123456789012345,x\n3,4\n",
			maxRec: 10,
			header: []string{"a", "b"},
			want: []rec{
				{row: 1, line: 2, fields: []string{"1", "2"}, raw: "1,2"},
				{row: 2, line: 3, raw: "1234567890", err: "line longer than 10 bytes"},
				{row: 3, line: 4, fields: []string{"3", "4"}, raw: "3,4"},
			},
		},
		{
			name:   "line too long at end of file",
			in:     "a,b\n123456789012345,x",
			maxRec: 10,
			header: []string{"a", "b"},
			want:   []rec{{row: 1, line: 2, raw: "1234567890", err: "line longer than 10 bytes"}},
		},
		{
			name:   "quoted field not closed within the limit",
			in:     "a,b\n\"x,1\n1,2\n1,2\n1,2\n1,2\n1,2\n\",2\n5,6\n",
			maxRec: 16,
			header: []string{"a", "b"},
			want: []rec{
				{row: 1, line: 2, raw: `"x,1`, err: "unterminated quoted field starting at line 2 (not closed within 16 bytes)"},
				{row: 2, line: 3, fields: []string{"1", "2"}, raw: "1,2"},
				{row: 3, line: 4, fields: []string{"1", "2"}, raw: "1,2"},
				{row: 4, line: 5, fields: []string{"1", "2"}, raw: "1,2"},
				{row: 5, line: 6, fields: []string{"1", "2"}, raw: "1,2"},
				{row: 6, line: 7, fields: []string{"1", "2"}, raw: "1,2"},
				{row: 7, line: 8, raw: `",2`, err: "unterminated quoted field starting at line 8"},
				{row: 8, line: 9, fields: []string{"5", "6"}, raw: "5,6"},
			},
		},
	}
	for _, tt := range tests {
		for _, bs := range bufSizes {
			t.Run(fmt.Sprintf("%s/buf%d", tt.name, bs), func(t *testing.T) {
				r, err := NewReader(strings.NewReader(tt.in), "test.csv", Options{Delimiter: ',', MaxRecordBytes: tt.maxRec, bufSize: bs})
				if err != nil {
					t.Fatalf("NewReader(%q) error = %v", tt.in, err)
				}
				defer r.Close()
				if got := r.Header(); strings.Join(got, "|") != strings.Join(tt.header, "|") {
					t.Errorf("Header(%q) = %q; want %q", tt.in, got, tt.header)
				}
				got := readAll(t, r)
				if !sameRecs(got, tt.want) {
					t.Errorf("records of %q =\n%v\nwant\n%v", tt.in, got, tt.want)
				}
			})
		}
	}
}

func TestCSVInvalidUTF8Count(t *testing.T) {
	const in = "a,\xfe\n\xff,ok\nx,\"y\xc3\"\n"
	// As UTF-8, the three fields with invalid bytes are replaced; by
	// default they decode cleanly as Windows-1252 instead.
	for _, tt := range []struct {
		enc               Encoding
		replaced, decoded int64
	}{{EncodingUTF8, 3, 0}, {EncodingAuto, 0, 3}} {
		r, err := NewReader(strings.NewReader(in), "bad.csv", Options{Encoding: tt.enc})
		if err != nil {
			t.Fatal(err)
		}
		readAll(t, r)
		if got := r.(UTF8Counter).InvalidUTF8(); got != tt.replaced {
			t.Errorf("%v: InvalidUTF8() = %d; want %d", tt.enc, got, tt.replaced)
		}
		if got := r.(TextReporter).TextReport().Decoded; got != tt.decoded {
			t.Errorf("%v: TextReport().Decoded = %d; want %d", tt.enc, got, tt.decoded)
		}
	}
}

func TestCSVHeaderErrors(t *testing.T) {
	tests := []struct {
		in   string
		want []string // substrings of the error
	}{
		{"", []string{"x.csv", "empty file"}},
		{"\n\r\n\n", []string{"empty file"}},
		{"\xEF\xBB\xBF", []string{"empty file"}},
		{"a,b,a,c,b,b\n1,2,3,4,5,6\n", []string{"x.csv", "duplicate column names", `"a" at columns 1, 3`, `"b" at columns 2, 5, 6`}},
		{"\"a,b\n1,2\n", []string{"header", "unterminated quoted field starting at line 1"}},
		{"a,\x00\n", []string{"header", "NUL"}},
	}
	for _, tt := range tests {
		_, err := NewReader(strings.NewReader(tt.in), "x.csv", Options{})
		if err == nil {
			t.Errorf("NewReader(%q) error = nil; want one containing %q", tt.in, tt.want)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("NewReader(%q) error = %q; want it to contain %q", tt.in, err, w)
			}
		}
		if empty := tt.want[len(tt.want)-1] == "empty file"; errors.Is(err, ErrEmpty) != empty {
			t.Errorf("NewReader(%q) error %q wraps ErrEmpty: %v; want %v", tt.in, err, !empty, empty)
		}
	}
}

// TestCSVStrictQuotes checks Options.StrictQuotes: the records the lenient reader keeps with
// bad quoting become ErrQuote records of their first line, reading resumes on the next line,
// and good quoting (escaped quotes, a quoted field over two lines) is read as usual.
func TestCSVStrictQuotes(t *testing.T) {
	in := "a,b,c\n" +
		"1,x\"y,z\n" + // line 2: a quote inside an unquoted field
		"2,\"x\"y,z\n" + // line 3: text after a closing quote
		"3,\"open,z\n" + // line 4: a quote that closes on line 5 into a wrong record
		"4,\"p\",z\n" +
		"5,\"two\nlines\",\"q\"\"r\"\n" + // lines 6-7: good
		"6,\"never closed\n"
	want := []rec{
		{row: 1, line: 2, raw: `1,x"y,z`, err: "field 2 has a quote inside an unquoted field"},
		{row: 2, line: 3, raw: `2,"x"y,z`, err: "text follows a closing quote"},
		{row: 3, line: 4, raw: `3,"open,z`, err: "bad quoting"},
		{row: 4, line: 5, fields: []string{"4", "p", "z"}, raw: `4,"p",z`},
		{row: 5, line: 6, fields: []string{"5", "two\nlines", `q"r`}, raw: "5,\"two\nlines\",\"q\"\"r\""},
		{row: 6, line: 8, raw: `6,"never closed`, err: "unterminated quoted field starting at line 8"},
	}
	for _, bs := range bufSizes {
		r, err := NewReader(strings.NewReader(in), "s.csv", Options{Delimiter: ',', StrictQuotes: true, bufSize: bs})
		if err != nil {
			t.Fatalf("NewReader: %v", err)
		}
		got := readAll(t, r)
		if !sameRecs(got, want) {
			t.Errorf("bufSize %d: StrictQuotes records\n got %v\nwant %v", bs, got, want)
		}
		for _, g := range got {
			if g.err != "" && !strings.HasPrefix(g.err, "s.csv line ") {
				t.Errorf("bufSize %d: error %q does not name the file and line", bs, g.err)
			}
		}
	}
	// The lenient reader keeps lines 2 and 3 as records.
	r, err := NewReader(strings.NewReader(in), "s.csv", Options{Delimiter: ','})
	if err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, r); len(got) < 2 || got[0].err != "" || got[1].err != "" {
		t.Errorf("lenient records %v; want lines 2 and 3 read as records", got)
	}
	if _, err := NewReader(strings.NewReader("a,b\"c\n1,2\n"), "h.csv", Options{StrictQuotes: true}); err == nil ||
		!strings.Contains(err.Error(), "h.csv header") || !errors.Is(err, ErrQuote) {
		t.Errorf("strict header with a bare quote: error %v; want an ErrQuote naming h.csv header", err)
	}
}

func TestCSVRecordErrorKinds(t *testing.T) {
	in := "a,b\n1,2,3\n\x00,1\n\"x\n"
	r, err := NewReader(strings.NewReader(in), "k.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	kinds := []error{ErrFieldCount, ErrBinary, ErrQuote}
	for i, want := range kinds {
		rc, err := r.Next()
		if err != nil {
			t.Fatalf("Next() #%d error = %v", i+1, err)
		}
		if !errors.Is(rc.Err, want) {
			t.Errorf("record %d Err = %v; want errors.Is(%v)", rc.Row, rc.Err, want)
		}
		var re *RecordError
		if errors.As(rc.Err, &re) && (re.File != "k.csv" || re.Line != rc.Line || re.Row != rc.Row) {
			t.Errorf("RecordError = %+v; want File k.csv, Line %d, Row %d", re, rc.Line, rc.Row)
		}
	}
}

func TestDetectDelimiter(t *testing.T) {
	tests := []struct {
		in   string
		want rune
	}{
		{"a,b,c\n1,2,3\n", ','},
		{"a\tb\tc\n1\t2\t3\n", '\t'},
		{"a;b;c\n1;\"x;y\";3\n", ';'},
		{"a|b|c\n1|2|3\n", '|'},
		{"a,b;c\n\"x;y\",\"1;2\";3\n", ','},                 // a tie: ',' is preferred
		{"name;note\nAnn;\"a, b, c\"\nBob;\"d, e\"\n", ';'}, // commas only inside quotes
		{"id,text\n1,\"semi; colon\"\n2,\"pipe | here\"\n", ','},
		{"single\nx\ny\n", ','},
		{"a\tb,c\n1\t2,3\n4\t5,6,7\n", '\t'}, // tab is consistent, comma is not
	}
	for _, tt := range tests {
		r, err := NewReader(strings.NewReader(tt.in), "d.csv", Options{})
		if err != nil {
			t.Errorf("NewReader(%q) error = %v", tt.in, err)
			continue
		}
		if got := r.Delimiter(); got != tt.want {
			t.Errorf("Delimiter() for %q = %q; want %q", tt.in, got, tt.want)
		}
		if r.Format() != FormatCSV {
			t.Errorf("Format() for %q = %v; want csv", tt.in, r.Format())
		}
	}
}

func TestFindColumn(t *testing.T) {
	header := []string{"Job Id", " role ", "Role", "skills", "SKILLS"}
	tests := []struct {
		name string
		want int
	}{
		{"Job Id", 0},
		{"Role", 2},   // the exact match wins over an earlier loose one
		{"skills", 3}, // exact
		{"ROLE", 1},   // the first loose match: case and spaces ignored
		{" job id ", 0},
		{"Contact", -1},
		{"", -1},
	}
	for _, tt := range tests {
		if got := FindColumn(header, tt.name); got != tt.want {
			t.Errorf("FindColumn(%q, %q) = %d; want %d", header, tt.name, got, tt.want)
		}
	}
}
