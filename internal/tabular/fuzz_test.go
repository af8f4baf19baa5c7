package tabular

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCSV checks, for any input, that the CSV and TSV readers do not panic
// and that every line of the input is accounted for exactly once: by the
// header, by one record (good or not) whose Raw is exactly those lines, or by
// being empty. Where encoding/csv reads the input without complaint, both
// readers must agree on every field, with and without StrictQuotes.
func FuzzCSV(f *testing.F) {
	seeds := []string{
		"a,b\n1,2\n",
		"\xEF\xBB\xBFa,b\r\n\"x\r\ny\",\"q\"\"q\"\r\n\r\n3,4",
		"a,b\n\"open,1\n2,3\n",
		"a;b\n\"x;\"\"y\"\"\";2\n\n\n1;\x00\n",
		"a,b\n\"ab\"cd,e\nx\"y,z\n\"bad\n1,\"x\"\n",
		"a\tb\n\"Green\" jobs\tx\n\"open\tq\n1\t\"multi\n2\"\t3\t4\nz\tw\n",
		"id\tskills\n1\t\"SQL\nExcel\"\n2\t\"a \"\"b\"\"\tc\"\n",
	}
	for i, s := range seeds {
		f.Add([]byte(s), uint8(i), uint8(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, buf, maxRec uint8) {
		opts := Options{bufSize: int(buf), MaxRecordBytes: int(maxRec), StrictQuotes: buf&2 != 0}
		if buf%2 == 0 {
			opts.Delimiter = ','
		}
		checkAccounting(t, data, opts, "fuzz.csv")
		tsv := opts
		tsv.Delimiter = 0
		checkAccounting(t, data, tsv, "fuzz.tsv")
		if opts.Delimiter == ',' && opts.MaxRecordBytes == 0 {
			compareEncodingCSV(t, data, opts)
		}
	})
}

func checkAccounting(t *testing.T, data []byte, opts Options, name string) {
	r, err := NewReader(bytes.NewReader(data), name, opts)
	if err != nil {
		return // a header problem: reported, nothing to account for
	}
	c := r.(*csvReader)
	maxRec := opts.MaxRecordBytes
	if maxRec == 0 {
		maxRec = DefaultMaxRecordBytes
	}

	// The file's lines as the reader sees them: split on '\n', the BOM
	// stripped from the first, no empty element after a final '\n'.
	lines := bytes.Split(bytes.TrimPrefix(data, utf8BOM), []byte("\n"))
	if len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	covered := make([]bool, len(lines))
	coverLines := func(what string, first, n int64) {
		if first < 1 || n < 1 || first+n-1 > int64(len(lines)) {
			t.Fatalf("%s covers lines %d..%d of %d", what, first, first+n-1, len(lines))
		}
		for l := first; l < first+n; l++ {
			if covered[l-1] {
				t.Fatalf("%s covers line %d twice", what, l)
			}
			covered[l-1] = true
		}
	}
	cover := func(what string, first, n int64, raw []byte, truncated bool) {
		coverLines(what, first, n)
		want := bytes.TrimSuffix(bytes.Join(lines[first-1:first-1+n], []byte("\n")), []byte("\r"))
		if truncated {
			if len(raw) != maxRec || !bytes.HasPrefix(want, raw) {
				t.Fatalf("%s: truncated Raw %q is not the first %d bytes of %q", what, raw, maxRec, want)
			}
		} else if !bytes.Equal(raw, want) {
			t.Fatalf("%s: Raw = %q; want lines %d..%d = %q", what, raw, first, first+n-1, want)
		}
	}
	coverLines("header", c.headerLine, c.headerLines)
	var prevLine int64
	var rows int64
	for {
		rc, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("Next() fatal error %v on in-memory input", err)
		}
		rows++
		if rc.Row != rows || rc.Line <= prevLine {
			t.Fatalf("record Row %d Line %d after line %d; want Row %d and increasing lines", rc.Row, rc.Line, prevLine, rows)
		}
		prevLine = rc.Line
		tooLong := errors.Is(rc.Err, ErrTooLong)
		n := int64(bytes.Count(rc.Raw, []byte("\n"))) + 1
		if tooLong {
			n = 1
		}
		cover("record", rc.Line, n, rc.Raw, tooLong)
		if rc.Err == nil {
			if len(rc.Fields) != len(r.Header()) {
				t.Fatalf("record %d has %d fields; header has %d", rc.Row, len(rc.Fields), len(r.Header()))
			}
			for _, fv := range rc.Fields {
				if !utf8.ValidString(fv) {
					t.Fatalf("record %d field %q is not valid UTF-8", rc.Row, fv)
				}
			}
		}
	}
	for i, ok := range covered {
		if !ok && len(bytes.TrimSuffix(lines[i], []byte("\r"))) != 0 {
			t.Fatalf("line %d %q is in no record and is not empty", i+1, lines[i])
		}
	}
}

// compareEncodingCSV compares with encoding/csv on inputs both should read
// the same way: no '\r' (encoding/csv rewrites "\r\n" inside quotes), no
// BOM, no NUL, valid UTF-8, and no error from encoding/csv.
func compareEncodingCSV(t *testing.T, data []byte, opts Options) {
	if bytes.ContainsAny(data, "\r\x00") || bytes.HasPrefix(data, utf8BOM) || !utf8.Valid(data) {
		return
	}
	want, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil || len(want) == 0 {
		return
	}
	r, err := NewReader(bytes.NewReader(data), "fuzz.csv", opts)
	if err != nil {
		if hasDuplicate(want[0]) || errors.Is(err, ErrNotText) {
			return // encoding/csv has no header checks, and reads control bytes
		}
		t.Fatalf("NewReader error %v; encoding/csv read %q", err, want)
	}
	if strings.Join(r.Header(), "\x00") != strings.Join(want[0], "\x00") {
		t.Fatalf("Header() = %q; encoding/csv read %q", r.Header(), want[0])
	}
	for i, w := range want[1:] {
		rc, err := r.Next()
		if err != nil {
			t.Fatalf("record %d: Next() error %v; encoding/csv read %q", i+1, err, w)
		}
		if rc.Err != nil {
			t.Fatalf("record %d: %v; encoding/csv read %q", i+1, rc.Err, w)
		}
		if strings.Join(rc.Fields, "\x00") != strings.Join(w, "\x00") || len(rc.Fields) != len(w) {
			t.Fatalf("record %d = %q; encoding/csv read %q", i+1, rc.Fields, w)
		}
	}
	if rc, err := r.Next(); err != io.EOF {
		t.Fatalf("after %d records: Next() = %+v, %v; want io.EOF", len(want)-1, rc, err)
	}
}

func hasDuplicate(h []string) bool {
	seen := map[string]bool{}
	for _, s := range h {
		if seen[s] {
			return true
		}
		seen[s] = true
	}
	return false
}

// FuzzJSONL checks that the JSON Lines reader does not panic, that it
// accepts exactly the lines encoding/json accepts as objects, and that
// string values come out as encoding/json decodes them.
func FuzzJSONL(f *testing.F) {
	for _, s := range []string{
		`{"a":"x","b":[1,"y",null,true],"c":{"d":[{}]}}`,
		`{"k\u00e9y":"v\"\\","n":-1.5e3}` + "\n\n" + `[1]`,
		`{"a":1}` + "\n" + `{"a":"` + "\xff" + `","b":null}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if bytes.IndexByte(data, '{') < 0 {
			data = append([]byte("{}\n"), data...) // keep it from sniffing as something else
		}
		r, err := NewReader(bytes.NewReader(data), "fuzz.jsonl", Options{Format: FormatJSONL})
		if err != nil {
			return
		}
		for {
			rc, err := r.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatalf("Next() fatal error %v on in-memory input", err)
			}
			var obj map[string]any
			line := bytes.TrimSpace(bytes.TrimSuffix(rc.Raw, []byte("\r")))
			isObj := bytes.IndexByte(line, 0) < 0 && json.Unmarshal(bytes.ToValidUTF8(line, []byte("\uFFFD")), &obj) == nil &&
				obj != nil && line[0] == '{'
			if isObj != (rc.Err == nil) {
				t.Fatalf("line %d %q: record error %v; encoding/json object: %v", rc.Line, rc.Raw, rc.Err, isObj)
			}
			if rc.Err != nil {
				continue
			}
			h := r.Header()
			for i, v := range rc.Fields {
				if s, ok := obj[h[i]].(string); ok && s != v {
					t.Fatalf("line %d key %q = %q; encoding/json decodes %q", rc.Line, h[i], v, s)
				}
			}
		}
	})
}
