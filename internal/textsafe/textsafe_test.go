package textsafe

import (
	"strings"
	"testing"
)

func TestProblem(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Data Analyst", ""},
		{"Développeur", ""},
		{"Data\x1b]0;pwned\x07 Analyst", "holds the control character U+001B (ESC) at character 5"},
		{"a\x00b", "holds the control character U+0000 (NUL) at character 2"},
		{"\x07", "holds the control character U+0007 (BEL) at character 1"},
		{"x\x7f", "holds the control character U+007F (DEL) at character 2"},
		{"é\u009b31m", "holds the control character U+009B (CSI) at character 2"},
		{"a\x01", "holds the control character U+0001 at character 2"},
		{"invoice\u202Etxt.exe", "holds the control character U+202E (RLO) at character 8"},
		{"\u2067x", "holds the control character U+2067 (RLI) at character 1"},
		{"\u05e9\u05dc\u05d5\u05dd\u200F Analyst", ""}, // a right-to-left mark reorders nothing by itself
	}
	for _, tt := range tests {
		if got := Problem(tt.in); got != tt.want {
			t.Errorf("Problem(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain é", "plain é"},
		{"Data\x1b]0;pwned\x07 Analyst", `Data\x1b]0;pwned\x07 Analyst`},
		{"a\u009bb", `a\u009bb`},
		{"bad\xffbyte", `bad\xffbyte`},
		{"tab\there", `tab\x09here`},
		{"report\u202Efdp.exe", `report\u202efdp.exe`},
	}
	for _, tt := range tests {
		got := Escape(tt.in)
		if got != tt.want {
			t.Errorf("Escape(%q) = %q; want %q", tt.in, got, tt.want)
		}
		if _, _, ok := FirstControl(got); ok {
			t.Errorf("Escape(%q) = %q still holds a control character", tt.in, got)
		}
	}
}

func TestStrip(t *testing.T) {
	tests := []struct{ in, want string }{
		{"A role.\nNext line\tok", "A role.\nNext line\tok"},
		{"Data\x1b]0;pwned\x07 Analyst", "Data]0;pwned Analyst"},
		{"over\rwrite", "overwrite"},
		{"c1\u009d here", "c1 here"},
		{"bad\xff", "bad\uFFFD"},
		{"Data \u202Etsylana\u202C Analyst", "Data tsylana Analyst"},
	}
	for _, tt := range tests {
		if got := Strip(tt.in); got != tt.want {
			t.Errorf("Strip(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestClipAndDisplay(t *testing.T) {
	long := strings.Repeat("x", 10240)
	if got, want := Clip(long, 200), strings.Repeat("x", 200)+"…(10240 bytes)"; got != want {
		t.Errorf("Clip(10240 x, 200) = %q...; want 200 x and …(10240 bytes)", got[:20])
	}
	if got := Clip("short", 200); got != "short" {
		t.Errorf("Clip(short) = %q", got)
	}
	if got, want := Clip("ééé", 2), "éé…(6 bytes)"; got != want {
		t.Errorf("Clip(ééé, 2) = %q; want %q", got, want)
	}
	if got, want := Display("\x1b[31m"+strings.Repeat("y", 300), 10), `\x1b[31myy…(305 bytes)`; got != want {
		t.Errorf("Display = %q; want %q", got, want)
	}
}
