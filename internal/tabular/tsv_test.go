package tabular

import (
	"bytes"
	"strings"
	"testing"
)

// pandasTSV is what pandas' DataFrame.to_csv(sep="\t", index=False) (and
// Python's csv.writer with a tab delimiter) writes: fields holding a tab, a
// line break or a quote are quoted, and quotes are doubled.
const pandasTSV = "id\ttitle\tskills\tdescription\n" +
	"1\tData Analyst\t\"SQL\nExcel\nTableau\"\t\"Analyses \"\"sales\"\" data.\tReports weekly.\"\n" +
	"2\tNurse\tPatient care, BLS\tCares for patients.\n" +
	"3\t\"Chef \"\"Head\"\"\"\t\"Cooking\n\nMenu planning\"\t\"Line 1\r\nLine 2\"\n" +
	"4\tPilot\t\tFlies.\n"

func TestTSVQuoted(t *testing.T) {
	want := []rec{
		{row: 1, line: 2, fields: []string{"1", "Data Analyst", "SQL\nExcel\nTableau", "Analyses \"sales\" data.\tReports weekly."},
			raw: "1\tData Analyst\t\"SQL\nExcel\nTableau\"\t\"Analyses \"\"sales\"\" data.\tReports weekly.\""},
		{row: 2, line: 5, fields: []string{"2", "Nurse", "Patient care, BLS", "Cares for patients."},
			raw: "2\tNurse\tPatient care, BLS\tCares for patients."},
		{row: 3, line: 6, fields: []string{"3", `Chef "Head"`, "Cooking\n\nMenu planning", "Line 1\r\nLine 2"},
			raw: "3\t\"Chef \"\"Head\"\"\"\t\"Cooking\n\nMenu planning\"\t\"Line 1\r\nLine 2\""},
		{row: 4, line: 10, fields: []string{"4", "Pilot", "", "Flies."}, raw: "4\tPilot\t\tFlies."},
	}
	for _, gz := range []bool{false, true} {
		for _, bs := range bufSizes {
			data := []byte(pandasTSV)
			if gz {
				data = gzipBytes(t, data)
			}
			r, err := NewReader(bytes.NewReader(data), "jobs.tsv", Options{bufSize: bs})
			if err != nil {
				t.Fatalf("NewReader error = %v", err)
			}
			if r.Format() != FormatTSV || r.Delimiter() != '\t' {
				t.Errorf("format %v %q; want tsv tab", r.Format(), r.Delimiter())
			}
			if got, want := strings.Join(r.Header(), "|"), "id|title|skills|description"; got != want {
				t.Errorf("Header() = %q; want %q", got, want)
			}
			if got := readAll(t, r); !sameRecs(got, want) {
				t.Errorf("pandas TSV (gzip %v, buf %d): records =\n%v\nwant\n%v", gz, bs, got, want)
			}
			r.Close()
		}
	}
}

// TestTSVQuotingFallsBack checks that quotes that do not quote a field (as
// in O*NET's files, where '"' is an ordinary character) leave the line as
// it stands rather than swallowing the lines after it.
func TestTSVQuotingFallsBack(t *testing.T) {
	in := "a\tb\n" +
		"\"Green\" jobs\tx\n" + // text after the closing quote
		"\"open\tq\n" + // the quote closes on the next line, before text
		"1\t\"multi\n" + // quoted across lines, but then 4 fields
		"2\"\t3\t4\n" +
		"z\tw\n" +
		"\"never closes\tv\n"
	want := []rec{
		{row: 1, line: 2, fields: []string{`"Green" jobs`, "x"}, raw: "\"Green\" jobs\tx"},
		{row: 2, line: 3, fields: []string{`"open`, "q"}, raw: "\"open\tq"},
		{row: 3, line: 4, fields: []string{"1", `"multi`}, raw: "1\t\"multi"},
		{row: 4, line: 5, raw: "2\"\t3\t4", err: "wrong number of fields: expected 2, found 3"},
		{row: 5, line: 6, fields: []string{"z", "w"}, raw: "z\tw"},
		{row: 6, line: 7, fields: []string{`"never closes`, "v"}, raw: "\"never closes\tv"},
	}
	for _, bs := range bufSizes {
		r, err := NewReader(strings.NewReader(in), "t.tsv", Options{bufSize: bs})
		if err != nil {
			t.Fatalf("NewReader error = %v", err)
		}
		if got := readAll(t, r); !sameRecs(got, want) {
			t.Errorf("buf %d: records =\n%v\nwant\n%v", bs, got, want)
		}
	}
	// A quoted header name.
	r, err := NewReader(strings.NewReader("\"a\tb\"\tc\n1\t2\n"), "h.tsv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(r.Header(), "|"); got != "a\tb|c" {
		t.Errorf("Header() = %q; want %q", got, "a\tb|c")
	}
}
