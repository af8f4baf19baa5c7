package tabular

import (
	"errors"
	"strings"
	"testing"
)

func TestJSONL(t *testing.T) {
	in := strings.Join([]string{
		`{"title":"Data Scientist","skills":["Python","SQL",null,3],"n":12.50,"remote":true}`,
		``,
		`  `,
		`{"skills":"Go","title":"Engineer","extra":null,"loc":{"city":"Paris", "zip": [75001]}}`,
		`{"title":"bad" "x"}`,
		`[1,2]`,
		`{"title":"esc \"q\" \u00e9\ud83d\ude00","nested":[{"a":1},2],"empty":[]}`,
		"{\"title\":\"in\xffvalid\"}",
		"{\"title\":\"crlf\"}\r",
	}, "\n")
	wantHeader := []string{"title", "skills", "n", "remote", "extra", "loc", "nested", "empty"}
	want := []rec{
		{row: 1, line: 1, fields: []string{"Data Scientist", "Python; SQL; 3", "12.50", "true"},
			raw: `{"title":"Data Scientist","skills":["Python","SQL",null,3],"n":12.50,"remote":true}`},
		{row: 2, line: 4, fields: []string{"Engineer", "Go", "", "", "", `{"city":"Paris","zip":[75001]}`},
			raw: `{"skills":"Go","title":"Engineer","extra":null,"loc":{"city":"Paris", "zip": [75001]}}`},
		{row: 3, line: 5, raw: `{"title":"bad" "x"}`, err: "line 5: invalid JSON"},
		{row: 4, line: 6, raw: `[1,2]`, err: "expected an object, found an array"},
		{row: 5, line: 7, fields: []string{"esc \"q\" é😀", "", "", "", "", "", `[{"a":1},2]`, ""},
			raw: `{"title":"esc \"q\" \u00e9\ud83d\ude00","nested":[{"a":1},2],"empty":[]}`},
		{row: 6, line: 8, fields: []string{"in\uFFFDvalid", "", "", "", "", "", "", ""}, raw: "{\"title\":\"in\xffvalid\"}"},
		{row: 7, line: 9, fields: []string{"crlf", "", "", "", "", "", "", ""}, raw: `{"title":"crlf"}`},
	}
	for _, bs := range bufSizes {
		r, err := NewReader(strings.NewReader(in), "x.jsonl", Options{bufSize: bs})
		if err != nil {
			t.Fatalf("NewReader error = %v", err)
		}
		if got := r.Header(); strings.Join(got, "|") != "title|skills|n|remote" {
			t.Errorf("Header() before Next = %q; want the first object's keys", got)
		}
		got := readAll(t, r)
		if !sameRecs(got, want) {
			t.Errorf("buf %d: records =\n%v\nwant\n%v", bs, got, want)
		}
		if got := r.Header(); strings.Join(got, "|") != strings.Join(wantHeader, "|") {
			t.Errorf("Header() at the end = %q; want %q", got, wantHeader)
		}
		if n := r.(UTF8Counter).InvalidUTF8(); n != 1 {
			t.Errorf("InvalidUTF8() = %d; want 1", n)
		}
		if r.Format() != FormatJSONL || r.Delimiter() != 0 {
			t.Errorf("Format(), Delimiter() = %v, %q; want jsonl, 0", r.Format(), r.Delimiter())
		}
	}
}

func TestJSONLErrors(t *testing.T) {
	for _, in := range []string{"", "\n \n"} {
		if _, err := NewReader(strings.NewReader(in), "e.jsonl", Options{}); err == nil || !strings.Contains(err.Error(), "empty file") {
			t.Errorf("NewReader(%q) error = %v; want empty file", in, err)
		}
	}
	// A first line that is not an object: an error record, and the header
	// comes from the first valid object.
	r, err := NewReader(strings.NewReader("oops\n{\"a\":\"1\"}\n{\"a\":\"x\x00\"}\n"), "e.jsonl", Options{MaxRecordBytes: 100})
	if err != nil {
		t.Fatal(err)
	}
	got := readAll(t, r)
	want := []rec{
		{row: 1, line: 1, raw: "oops", err: "invalid JSON"},
		{row: 2, line: 2, fields: []string{"1"}, raw: `{"a":"1"}`},
		{row: 3, line: 3, raw: "{\"a\":\"x\x00\"}", err: "NUL"},
	}
	if !sameRecs(got, want) {
		t.Errorf("records = %v; want %v", got, want)
	}
	r, err = NewReader(strings.NewReader(`{"a":"`+strings.Repeat("x", 50)+`"}`+"\n{\"a\":2}\n"), "e.jsonl", Options{MaxRecordBytes: 20})
	if err != nil {
		t.Fatal(err)
	}
	rc, err := r.Next()
	if err != nil || !errors.Is(rc.Err, ErrTooLong) || len(rc.Raw) != 20 {
		t.Errorf("Next() on a long line = %+v, %v; want ErrTooLong with 20 raw bytes", rc, err)
	}
	rc, err = r.Next()
	if err != nil || rc.Err != nil || rc.Fields[0] != "2" || rc.Line != 2 {
		t.Errorf("Next() after a long line = %+v, %v; want line 2 with a=2", rc, err)
	}
}
