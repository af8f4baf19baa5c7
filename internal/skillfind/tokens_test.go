package skillfind

import (
	"strings"
	"testing"
)

func TestSplitWords(t *testing.T) {
	tests := []struct {
		in   string
		want string // keys, "|" before a word that follows a separator
	}{
		{"Node.js, C++ and C#", "node.js |c++ and c#"},
		{"CSS3/HTML5 — client’s e-commerce.", "css3 html5 |client e commerce"},
		{"Python- Exprience - 24 months", "python |exprience |24 month"},
		{"Relational databases (PostgreSQL)", "relational database |postgresql"},
		{"Développeur São Paulo", "developpeur sao paulo"},
		{"A/B testing; 5+ years", "a b testing |5+ year"},
		{"ADDRESS BARS and Mars", "address bars and mar"},
		{"APIs and KPIs", "api and kpi"},
		{"version 3.11. Next", "version 3.11 |next"},
	}
	for _, tt := range tests {
		var parts []string
		for i, w := range words(tt.in) {
			k := w.key
			if w.brk && i > 0 {
				k = "|" + k
			}
			parts = append(parts, k)
		}
		if got := strings.Join(parts, " "); got != tt.want {
			t.Errorf("words(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
	ws := words("Python and IT")
	if !ws[0].capital || ws[0].upper || ws[1].capital || !ws[2].upper {
		t.Errorf("case flags of %q: %+v", "Python and IT", ws)
	}
	if ws[2].start != 11 || ws[2].end != 13 {
		t.Errorf("offsets of IT = %d-%d; want 11-13", ws[2].start, ws[2].end)
	}
}

func TestVersionlessAndPlural(t *testing.T) {
	for in, want := range map[string]string{
		"css3": "css", "html5": "html", "python3": "python", "es2015": "es", "angular2+": "angular",
		"s3": "", "log4j": "", "3d": "", "python": "", "2019": "", "k8s": "",
	} {
		if got := versionless(in); got != want {
			t.Errorf("versionless(%q) = %q; want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"databases": "database", "skills": "skill", "analysis": "analysis", "business": "business",
		"status": "status", "aws": "aws", "apis": "apis", "kubernetes": "kubernete", "node.js": "node.js",
	} {
		if got := foldPlural(in); got != want {
			t.Errorf("foldPlural(%q) = %q; want %q", in, got, want)
		}
	}
}
