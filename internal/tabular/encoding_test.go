package tabular

import (
	"fmt"
	"strings"
	"testing"
)

func TestParseEncoding(t *testing.T) {
	tests := []struct {
		in   string
		want Encoding
		ok   bool
	}{
		{"auto", EncodingAuto, true},
		{"UTF-8", EncodingUTF8, true},
		{"utf8", EncodingUTF8, true},
		{"windows-1252", EncodingWindows1252, true},
		{"cp1252", EncodingWindows1252, true},
		{"latin-1", EncodingLatin1, true},
		{"ISO-8859-1", EncodingLatin1, true},
		{"utf-16", EncodingAuto, false},
	}
	for _, tt := range tests {
		got, err := ParseEncoding(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParseEncoding(%q) = %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
	for _, e := range []Encoding{EncodingAuto, EncodingUTF8, EncodingWindows1252, EncodingLatin1} {
		if got, err := ParseEncoding(e.String()); got != e || err != nil {
			t.Errorf("ParseEncoding(%q) = %v, %v; want %v", e.String(), got, err, e)
		}
	}
}

// TestEncodings reads a Windows-1252 file (0x92 is ’, 0xE9 is é) and a
// UTF-8 one under each encoding.
func TestEncodings(t *testing.T) {
	const cp1252 = "role,skills\nChef,we\x92ve caf\xe9\nPilot,ok\nNurse,\"\x93care\x94\"\n"
	const utf8Text = "role,skills\nChef,we’ve café\n"
	first := &TextPosition{Row: 1, Line: 2, Field: "skills"}
	tests := []struct {
		name     string
		in       string
		enc      Encoding
		want     []string // the skills fields
		report   TextReport
		fileType Format
	}{
		{"auto decodes Windows-1252", cp1252, EncodingAuto, []string{"we’ve café", "ok", "“care”"},
			TextReport{Encoding: "windows-1252", Decoded: 2, FirstDecoded: first}, FormatCSV},
		{"windows-1252", cp1252, EncodingWindows1252, []string{"we’ve café", "ok", "“care”"},
			TextReport{Encoding: "windows-1252", Decoded: 2, FirstDecoded: first}, FormatCSV},
		{"utf-8 replaces", cp1252, EncodingUTF8, []string{"we\uFFFDve caf\uFFFD", "ok", "\uFFFDcare\uFFFD"},
			TextReport{Encoding: "utf-8", Replaced: 2, FirstReplaced: first}, FormatCSV},
		{"latin-1", cp1252, EncodingLatin1, []string{"we\u0092ve café", "ok", "\u0093care\u0094"},
			TextReport{Encoding: "latin-1", Decoded: 2, FirstDecoded: first}, FormatCSV},
		{"auto keeps UTF-8", utf8Text, EncodingAuto, []string{"we’ve café"}, TextReport{Encoding: "utf-8"}, FormatCSV},
		{"windows-1252 on UTF-8 text", utf8Text, EncodingWindows1252, []string{"weâ€™ve cafÃ©"},
			TextReport{Encoding: "windows-1252", Decoded: 1, FirstDecoded: first}, FormatCSV},
		{"auto, undefined byte", "role,skills\nChef,a\x81b\xe9\n", EncodingAuto, []string{"a\uFFFDb\uFFFD"},
			TextReport{Encoding: "utf-8", Replaced: 1, FirstReplaced: first}, FormatCSV},
		{"windows-1252, undefined byte", "role,skills\nChef,a\x81b\xe9\n", EncodingWindows1252, []string{"a\uFFFDbé"},
			TextReport{Encoding: "windows-1252", Decoded: 1, FirstDecoded: first, Replaced: 1, FirstReplaced: first}, FormatCSV},
		{"tsv", strings.ReplaceAll(cp1252, ",", "\t"), EncodingAuto, []string{"we’ve café", "ok", "“care”"},
			TextReport{Encoding: "windows-1252", Decoded: 2, FirstDecoded: first}, FormatTSV},
	}
	for _, tt := range tests {
		for _, bs := range bufSizes {
			r, err := NewReader(strings.NewReader(tt.in), "jobs."+tt.fileType.String(), Options{Encoding: tt.enc, bufSize: bs})
			if err != nil {
				t.Fatalf("%s: NewReader error = %v", tt.name, err)
			}
			if r.Format() != tt.fileType {
				t.Errorf("%s: format %v; want %v", tt.name, r.Format(), tt.fileType)
			}
			var got []string
			for _, rc := range readAll(t, r) {
				if rc.err != "" {
					t.Fatalf("%s: record error %s", tt.name, rc.err)
				}
				got = append(got, rc.fields[1])
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("%s (buf %d): skills = %q; want %q", tt.name, bs, got, tt.want)
			}
			rep := r.(TextReporter).TextReport()
			if !sameReport(rep, tt.report) {
				t.Errorf("%s (buf %d): TextReport() = %s; want %s", tt.name, bs, reportString(rep), reportString(tt.report))
			}
			if n := r.(UTF8Counter).InvalidUTF8(); n != tt.report.Replaced {
				t.Errorf("%s: InvalidUTF8() = %d; want %d", tt.name, n, tt.report.Replaced)
			}
		}
	}
}

func TestEncodingHeader(t *testing.T) {
	r, err := NewReader(strings.NewReader("r\xf4le,skills\nChef,x\n"), "h.csv", Options{Encoding: EncodingUTF8})
	if err != nil {
		t.Fatal(err)
	}
	rep := r.(TextReporter).TextReport()
	if r.Header()[0] != "r\uFFFDle" || rep.Replaced != 1 || rep.FirstReplaced == nil || rep.FirstReplaced.String() != "the header (line 1)" {
		t.Errorf("header %q, report %s; want r\uFFFDle replaced in the header (line 1)", r.Header(), reportString(rep))
	}
}

func TestTextPositionString(t *testing.T) {
	tests := []struct {
		p    TextPosition
		want string
	}{
		{TextPosition{Row: 3, Line: 4, Field: "skills"}, `row 3 (line 4), field "skills"`},
		{TextPosition{Row: 7}, "row 7"},
		{TextPosition{Line: 1, Field: "header"}, "the header (line 1)"},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("%+v.String() = %q; want %q", tt.p, got, tt.want)
		}
	}
}

func sameReport(a, b TextReport) bool {
	return reportString(a) == reportString(b)
}

func reportString(r TextReport) string {
	pos := func(p *TextPosition) string {
		if p == nil {
			return "-"
		}
		return p.String()
	}
	return fmt.Sprintf("%s, decoded %d at %s, replaced %d at %s", r.Encoding, r.Decoded, pos(r.FirstDecoded), r.Replaced, pos(r.FirstReplaced))
}
