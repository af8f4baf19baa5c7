package hashenc

import (
	"bytes"
	"encoding/json"
	"flag"
	"hash/fnv"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/golden.json")

func encode(e *Encoder, text string) []float32 {
	v := make([]float32, e.Dim())
	e.Encode(text, v)
	return v
}

func cosine(a, b []float32) float64 {
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	return dot / math.Sqrt(na*nb)
}

func norm2(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return math.Sqrt(s)
}

func TestFNV1aMatchesStdlib(t *testing.T) {
	for _, s := range []string{"", "a", "python", "c++", "node.js", "data\x00analysis", "数据分析"} {
		h := fnv.New64a()
		h.Write([]byte(s))
		if got, want := fnv1a(fnvOffset, []byte(s)), h.Sum64(); got != want {
			t.Errorf("fnv1a(%q) = %#x; want %#x", s, got, want)
		}
	}
}

// renderWords shows the words of text, a space between joined words and
// "|" where a bigram is broken.
func renderWords(text string) string {
	var b strings.Builder
	forEachWord(normalize(nil, text), func(w []byte, joined bool) {
		if b.Len() > 0 {
			if joined {
				b.WriteByte(' ')
			} else {
				b.WriteByte('|')
			}
		}
		b.Write(w)
	})
	return b.String()
}

func TestWords(t *testing.T) {
	tests := []struct{ text, want string }{
		{"SQL, Python, data analysis", "sql|python|data analysis"},
		{"Python; SQL; Data Analysis", "python|sql|data analysis"},
		{"C++/C#, Node.js & React.js.", "c++|c#|node.js|react.js"},
		{"Café Résumé naïve", "cafe resume naive"},
		{"ﬁnance ＰＹＴＨＯＮ ½", "finance python 1|2"},
		{"Project management. Team leadership", "project management|team leadership"},
		{".NET Core and data ...python", "net core and data|python"},
		{"3.14 v2.0.1", "3.14 v2.0.1"},
		{"数据分析 和 Python", "数据分析 和 python"},
		{"don't", "don|t"},
		{"tab\tand\nnewline", "tab and newline"},
		{"...,;!! + # ++", ""},
		{"", ""},
	}
	for _, tc := range tests {
		if got := renderWords(tc.text); got != tc.want {
			t.Errorf("words(%q) = %q; want %q", tc.text, got, tc.want)
		}
	}
}

func TestEncodeNorm(t *testing.T) {
	e := New(0)
	tests := []struct {
		text string
		want float64
	}{
		{"Python, SQL, Machine Learning", 1},
		{"nursing patient care", 1},
		{"数据分析 和 Python", 1},
		{strings.Repeat("data ", 1000), 1},
		{"", 0},
		{"   \t\n", 0},
		{"...,;!! + # ++ — “”", 0},
	}
	for _, tc := range tests {
		if got := norm2(encode(e, tc.text)); math.Abs(got-tc.want) > 1e-6 {
			t.Errorf("Encode(%q) has norm %v; want %v", tc.text, got, tc.want)
		}
	}
}

func TestDeterministic(t *testing.T) {
	texts := []string{"Python, SQL", "C++/C#, Node.js", "Café Résumé", "", "nursing patient care"}
	a, b := New(0), New(0)
	batch := a.EncodeBatch(texts)
	for i, text := range texts {
		v1, v2 := encode(a, text), encode(b, text)
		if !slices.Equal(v1, v2) || !slices.Equal(v1, encode(a, text)) {
			t.Errorf("Encode(%q) differs between calls", text)
		}
		if !slices.Equal(batch[i], v1) {
			t.Errorf("EncodeBatch: Encode(%q) = %v; want %v", text, batch[i], v1)
		}
	}
	// A large batch runs in parallel and must give the same vectors.
	many := slices.Repeat(texts, 400)
	for i, v := range a.EncodeBatch(many) {
		if !slices.Equal(v, batch[i%len(texts)]) {
			t.Fatalf("EncodeBatch(%d texts): vector %d differs from Encode", len(many), i)
		}
	}
}

func TestSimilarity(t *testing.T) {
	e := New(0)
	base := encode(e, "SQL, Python, data analysis")
	tests := []struct {
		text     string
		min, max float64
	}{
		{"Python; SQL; Data Analysis", 0.999, 1.0001},
		{"Python, SQL, Excel, data visualisation", 0.4, 0.9},
		{"nursing patient care", -0.3, 0.3},
	}
	var prev float64 = 2
	for _, tc := range tests {
		got := cosine(base, encode(e, tc.text))
		if got < tc.min || got > tc.max {
			t.Errorf("cosine(%q, %q) = %.3f; want in [%v, %v]", "SQL, Python, data analysis", tc.text, got, tc.min, tc.max)
		}
		if got >= prev {
			t.Errorf("cosine(%q) = %.3f; want below the previous case's %.3f", tc.text, got, prev)
		}
		prev = got
	}
}

func TestIDAndDim(t *testing.T) {
	tests := []struct {
		dim     int
		wantDim int
		wantID  string
	}{
		{0, Dim, "hashing-v1-384"},
		{Dim, Dim, "hashing-v1-384"},
		{128, 128, "hashing-v1-128"},
	}
	for _, tc := range tests {
		e := New(tc.dim)
		if e.Dim() != tc.wantDim || e.ID() != tc.wantID {
			t.Errorf("New(%d): Dim() = %d, ID() = %q; want %d, %q", tc.dim, e.Dim(), e.ID(), tc.wantDim, tc.wantID)
		}
		v := make([]float32, tc.wantDim+3)
		for i := range v {
			v[i] = 7
		}
		e.Encode("python sql", v)
		if math.Abs(norm2(v[:tc.wantDim])-1) > 1e-6 || !slices.Equal(v[tc.wantDim:], []float32{7, 7, 7}) {
			t.Errorf("New(%d).Encode wrote outside dst[:%d] or not a unit vector", tc.dim, tc.wantDim)
		}
	}
}

func TestEncodeShortDstPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Encode into a short dst did not panic")
		}
	}()
	New(0).Encode("python", make([]float32, Dim-1))
}

// goldenCase is one text of testdata/golden.json with the nonzero entries of
// its vector.
type goldenCase struct {
	Text    string       `json:"text"`
	Nonzero [][2]float64 `json:"nonzero"` // [index, value]
}

// TestGolden pins the vectors of a few texts, so that any change to the
// algorithm shows (and must come with a new Version). Refresh with
// go test ./internal/hashenc/ -run Golden -update.
func TestGolden(t *testing.T) {
	path := filepath.Join("testdata", "golden.json")
	texts := []string{"Python, SQL, Machine Learning", "C++/C#, Node.js & React.js", "Café Résumé naïve", "数据分析 和 Python"}
	e := New(0)
	var got []goldenCase
	for _, text := range texts {
		g := goldenCase{Text: text}
		for i, x := range encode(e, text) {
			if x != 0 {
				g.Nonzero = append(g.Nonzero, [2]float64{float64(i), float64(x)})
			}
		}
		got = append(got, g)
	}
	if *update {
		// One case a line, so that a diff shows which text changed.
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		buf.WriteString("[\n")
		for i, g := range got {
			if err := enc.Encode(g); err != nil {
				t.Fatal(err)
			}
			if i < len(got)-1 {
				buf.Truncate(buf.Len() - 1)
				buf.WriteString(",\n")
			}
		}
		buf.WriteString("]\n")
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (refresh with -update): %v", err)
	}
	var want []goldenCase
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	if len(want) != len(got) {
		t.Fatalf("golden file has %d cases; want %d (refresh with -update)", len(want), len(got))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Text != w.Text || len(g.Nonzero) != len(w.Nonzero) {
			t.Errorf("Encode(%q) has %d nonzero entries; golden %q has %d", g.Text, len(g.Nonzero), w.Text, len(w.Nonzero))
			continue
		}
		for j := range g.Nonzero {
			if g.Nonzero[j][0] != w.Nonzero[j][0] || math.Abs(g.Nonzero[j][1]-w.Nonzero[j][1]) > 1e-6 {
				t.Errorf("Encode(%q) entry %v; want %v", g.Text, g.Nonzero[j], w.Nonzero[j])
			}
		}
	}
}

var benchTexts = []string{
	"Python, SQL, Machine Learning",
	"Excel, Recruiting",
	"Content writing, Hadoop, Git",
	"PyTorch, Power BI",
	"Contract drafting, Excel, Team leadership",
	"Customer service, Salesforce CRM, Negotiation, Public speaking",
	"Café management, Résumé writing",
	"数据分析 和 Python",
}

// BenchmarkEncode encodes short skill lists one at a time and reports texts
// per second.
func BenchmarkEncode(b *testing.B) {
	e := New(0)
	v := make([]float32, e.Dim())
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		e.Encode(benchTexts[i%len(benchTexts)], v)
		i++
	}
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "texts/s")
}
