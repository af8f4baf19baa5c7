package recommend

import (
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSafeName(t *testing.T) {
	tests := []struct {
		id, want string
		exact    bool
	}{
		{"priya.s", "priya.s", true},
		{"tom_baker", "tom_baker", true},
		{"ana/../maria", "ana_maria", false},
		{"../../etc/passwd", "etc_passwd", false},
		{".hidden", "hidden", false},
		{"a..b", "a_b", false},
		{"a./b", "a_b", false},
		{"x\\y", "x_y", false},
		{"Jean Dupont", "Jean_Dupont", false},
		{"josé", "josé", true},
		{"", "user", false},
		{"///", "user", false},
		{"CON", "CON_", false},
		{"nul.txt", "nul.txt_", false},
		{"tab\there\x00", "tab_here", false},
		{strings.Repeat("é", 40), strings.Repeat("é", 32), false},
	}
	for _, tt := range tests {
		got, exact := safeName(tt.id)
		if got != tt.want || exact != tt.exact {
			t.Errorf("safeName(%q) = %q, %v; want %q, %v", tt.id, got, exact, tt.want, tt.exact)
		}
		if len(got) > maxNameBytes || !utf8.ValidString(got) || strings.Contains(got, "..") || strings.ContainsAny(got, `/\`) || strings.HasPrefix(got, ".") {
			t.Errorf("safeName(%q) = %q is not a safe name", tt.id, got)
		}
	}
}

func TestFileNames(t *testing.T) {
	ids := []string{"ana/../maria", "ana_maria", "Bob", "bob", "priya.s", "a/b", "a_b", strings.Repeat("x", 300), strings.Repeat("x", 299)}
	names := fileNames(ids)
	seen := map[string]string{}
	for _, id := range ids {
		n := names[id]
		k := strings.ToLower(n)
		if other, dup := seen[k]; dup {
			t.Errorf("%q and %q share the file name %q", id, other, n)
		}
		seen[k] = id
		if filepath.Base(n) != n || strings.HasPrefix(n, ".") || strings.Contains(n, "..") || len(n) > maxNameBytes+9 {
			t.Errorf("fileNames[%q] = %q is not a safe name", id, n)
		}
	}
	if names["priya.s"] != "priya.s" || names["ana_maria"] != "ana_maria" {
		t.Errorf("safe ids changed: %q, %q", names["priya.s"], names["ana_maria"])
	}
	if !strings.HasPrefix(names["ana/../maria"], "ana_maria-") || !strings.HasPrefix(names["Bob"], "Bob-") {
		t.Errorf("names = %v; want hash suffixes on the unsafe and the case-colliding ids", names)
	}
	// The same ids in another order give the same names.
	rev := append([]string(nil), ids...)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	for id, n := range fileNames(rev) {
		if names[id] != n {
			t.Errorf("fileNames depends on order: %q -> %q and %q", id, names[id], n)
		}
	}
}
