package skillfind

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

func TestFixMojibake(t *testing.T) {
	tests := []struct {
		in, want string
		fixed    int
	}{
		{"â€¢ Built pipelines", "• Built pipelines", 1},
		{"the clientâ€™s team", "the client’s team", 1},
		{"RenÃ©e Dubois", "Renée Dubois", 1},
		{"2020 â€“ present", "2020 – present", 1},
		{"ManchesterÂ·grace", "Manchester·grace", 1},
		{"Ã¢â‚¬â„¢", "’", 4}, // encoded twice: 3 characters, then 1
		{"café, Atlântico, São Paulo, Zoë", "café, Atlântico, São Paulo, Zoë", 0},
		{"plain ASCII text", "plain ASCII text", 0},
		{"Â© 2024", "© 2024", 1},
	}
	for _, tt := range tests {
		var st TextStats
		got := fixMojibake(tt.in, &st)
		if got != tt.want || st.MojibakeFixed != tt.fixed {
			t.Errorf("fixMojibake(%q) = %q, %d fixed; want %q, %d", tt.in, got, st.MojibakeFixed, tt.want, tt.fixed)
		}
	}
}

func TestCheckBinary(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		msg  string // "" when it is text
	}{
		{"pdf", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), "it is a PDF file"},
		{"docx", []byte("PK\x03\x04\x14\x00\x06\x00"), "Word .docx"},
		{"doc", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), "old Word .doc"},
		{"png", []byte("\x89PNG\r\n\x1a\n"), "an image"},
		{"nul", []byte("Python\x00SQL"), "NUL byte at offset 6"},
		{"controls", []byte(strings.Repeat("ab\x01\x02\x03", 20)), "60 of its 100 bytes"},
		{"text", []byte("Python, SQL\r\nTableau\tExcel\f"), ""},
		{"windows-1252", []byte("caf\xe9 cr\xe8me, na\xefve r\xe9sum\xe9 with enough plain text around it to be a r\xe9sum\xe9"), ""},
		{"empty", nil, ""},
	}
	for _, tt := range tests {
		err := checkBinary(tt.in)
		switch {
		case tt.msg == "" && err != nil:
			t.Errorf("%s: checkBinary = %v; want nil", tt.name, err)
		case tt.msg != "" && (!errors.Is(err, ErrBinary) || !strings.Contains(err.Error(), tt.msg)):
			t.Errorf("%s: checkBinary = %v; want ErrBinary saying %q", tt.name, err, tt.msg)
		}
	}
}

func TestCleanLines(t *testing.T) {
	in := "\ufeffSkills:\tPython,\u200b SQL\r\n" + // BOM, tab, zero-width space, CRLF
		"• Python • SQL • Tableau\r" + // bullets in the middle, a lone CR
		"  \n" +
		"Built dashboards.\n" +
		"- Built dashboards.\n" + // the same line behind another bullet
		"BUILT DASHBOARDS.\n" + // and in capitals
		"caf\xe9 menus\n" + // Windows-1252
		"\x1b[31mred\x1b[0m\n" // a terminal escape
	var st TextStats
	lines := cleanLines([]byte(in), &st)
	var got []string
	for _, l := range lines {
		d := ""
		if l.dup {
			d = " (dup)"
		}
		got = append(got, strings.Join([]string{strconv.Itoa(l.no), strconv.Itoa(l.block), l.text + d}, "|"))
	}
	want := []string{
		"1|0|Skills: Python, SQL",
		"2|0|• Python", "2|0|• SQL", "2|0|• Tableau",
		"4|1|Built dashboards.", "5|1|- Built dashboards. (dup)", "6|1|BUILT DASHBOARDS. (dup)",
		"7|1|café menus",
		"8|1|[31mred[0m",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("cleanLines =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if lines[4].repeats != 2 {
		t.Errorf("repeats of line 4 = %d; want 2", lines[4].repeats)
	}
	if st.RepeatedLines != 2 || st.Lines != 9 || st.Windows1252 != 1 || st.ControlRemoved != 4 {
		t.Errorf("stats = %+v; want 2 repeated, 9 lines, 1 Windows-1252 byte, 4 removed", st)
	}
}

func TestFindErrors(t *testing.T) {
	f := New(NewVocabulary(sampleCatalog(t), nil), Options{})
	_, err := f.FindBytes(readResume(t, "empty.txt"))
	if !errors.Is(err, ErrEmpty) {
		t.Errorf("empty.txt: err = %v; want ErrEmpty", err)
	}
	_, err = f.FindBytes(readResume(t, "binary_pdf.txt"))
	if !errors.Is(err, ErrBinary) || !strings.Contains(err.Error(), "PDF") {
		t.Errorf("binary_pdf.txt: err = %v; want ErrBinary naming a PDF", err)
	}
	// Over the limit: a real résumé repeated past 64 KiB.
	base := string(readResume(t, "priya_data_analyst.txt"))
	big := strings.Repeat(base, DefaultMaxBytes/len(base)+1)
	_, err = f.Find(big)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "the limit is 65536 bytes (64 KiB)") || !strings.Contains(err.Error(), strconv.Itoa(len(big))) {
		t.Errorf("%d bytes: err = %v; want ErrTooLarge naming the size and the limit", len(big), err)
	}
	if _, err := f.Find(big[:DefaultMaxBytes]); err != nil {
		t.Errorf("exactly %d bytes: err = %v; want nil", DefaultMaxBytes, err)
	}
	small := New(f.Vocabulary(), Options{MaxBytes: 1000})
	if _, err := small.Find(base); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "the limit is 1000 bytes") {
		t.Errorf("MaxBytes 1000: err = %v; want ErrTooLarge", err)
	}
	for _, s := range []string{"", " \n\t\r\n ", "\u200b\ufeff", "---\n***\n"} {
		if _, err := f.Find(s); !errors.Is(err, ErrEmpty) {
			t.Errorf("Find(%q): err = %v; want ErrEmpty", s, err)
		}
	}
}
