package tokenizer

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"github.com/skillx/skillx/internal/testenv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// realVocab reads model.vocab of the real tokenizer.json with encoding/json,
// independently of Load, so that tests check the id mapping on their own.
func realVocab(t testing.TB) map[string]int64 {
	t.Helper()
	data, err := os.ReadFile(sharedFile(t, "models/all-MiniLM-L6-v2/tokenizer.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Model struct {
			Vocab map[string]int64 `json:"vocab"`
		} `json:"model"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	return f.Model.Vocab
}

// skills returns the lines of the shared skills1000.txt.
func skills(t testing.TB) []string {
	t.Helper()
	data, err := os.ReadFile(sharedFile(t, "anchors/skills1000.txt"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.FieldsFunc(string(data), func(r rune) bool { return r == '\n' })
}

// short shortens a long text for a failure message.
func short(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// handCases are expected word pieces derived by hand from Hugging Face's
// algorithm; absent lists strings that are not in the vocabulary, which is
// why a word becomes [UNK] or is split further.
var handCases = []struct {
	name   string
	text   string
	pieces []string
	absent []string
}{
	{"skills", "Python, SQL, Machine Learning", []string{"python", ",", "sql", ",", "machine", "learning"}, nil},
	{"accents stripped", "Café Résumé naïve", []string{"cafe", "resume", "naive"}, nil},
	{"combining marks stripped", "nai\u0308ve", []string{"naive"}, nil},
	{"CJK ideographs split", "数据分析 和 Python", []string{"[UNK]", "[UNK]", "分", "[UNK]", "和", "python"}, []string{"数", "据", "析"}},
	{"supplementary ideograph split", "a\U00020000b", []string{"a", "[UNK]", "b"}, []string{"\U00020000"}},
	{"emoji", "I ❤️ SQL 🚀", []string{"i", "[UNK]", "sql", "[UNK]"}, []string{"❤", "🚀"}},
	{"300-character word", strings.Repeat("supercalifragilistic", 15), []string{"[UNK]"}, nil},
	{"empty", "", nil, nil},
	{"white space only", " \t\r\n\u00a0 ", nil, nil},
	{"mixed punctuation", "C++/C#, Node.js & React.js", []string{"c", "+", "+", "/", "c", "#", ",", "node", ".", "j", "##s", "&", "react", ".", "j", "##s"}, []string{"js"}},
	{"control characters and tabs", "Excel\tWord\nPowerPoint\r\nAccess\x00 Visio\x07\x1b[0m",
		[]string{"excel", "word", "power", "##point", "access", "vis", "##io", "[", "0", "##m"}, []string{"powerpoint", "visio", "0m"}},
	{"vertical tab and form feed removed", "tab\vvertical\fform", []string{"tab", "##vert", "##ical", "##form"}, []string{"tabverticalform"}},
	{"format character removed", "zero\u200bwidth", []string{"zero", "##wi", "##dt", "##h"}, []string{"zerowidth"}},
	{"unicode spaces", "non\u00a0breaking\u3000space", []string{"non", "breaking", "space"}, nil},
	{"special tokens in text", "[CLS] x [SEP]y", []string{"[CLS]", "x", "[SEP]", "y"}, nil},
	{"lower-case special token is text", "[cls]", []string{"[", "cl", "##s", "]"}, []string{"cls"}},
	{"sigma lower-cased char by char", "ΟΔΟΣ", []string{"ο", "##δ", "##ο", "##σ"}, nil},
	{"dotted capital I", "İstanbul", []string{"istanbul"}, nil},
}

func TestEncodeHandDerived(t *testing.T) {
	tok := realTokenizer(t)
	vocab := realVocab(t)
	for _, tc := range handCases {
		t.Run(tc.name, func(t *testing.T) {
			for _, s := range tc.absent {
				if _, ok := vocab[s]; ok {
					t.Fatalf("%q is in the vocabulary; the expected pieces assume it is not", s)
				}
			}
			wantTokens := append(append([]string{"[CLS]"}, tc.pieces...), "[SEP]")
			var wantIDs []int64
			for _, p := range wantTokens {
				id, ok := vocab[p]
				if !ok {
					t.Fatalf("expected piece %q is not in the vocabulary", p)
				}
				wantIDs = append(wantIDs, id)
			}
			got := tok.Encode(tc.text)
			if !slices.Equal(got.Tokens, wantTokens) {
				t.Errorf("Encode(%q).Tokens = %q; want %q", short(tc.text), got.Tokens, wantTokens)
			}
			if !slices.Equal(got.IDs, wantIDs) {
				t.Errorf("Encode(%q).IDs = %v; want %v", short(tc.text), got.IDs, wantIDs)
			}
			if got.Truncated {
				t.Errorf("Encode(%q).Truncated = true; want false", short(tc.text))
			}
		})
	}
}

// TestEncodeKnownIDs checks the ids that datasets/README.md records for the
// real model.
func TestEncodeKnownIDs(t *testing.T) {
	tok := realTokenizer(t)
	text := "Python, SQL, Machine Learning"
	want := []int64{101, 18750, 1010, 29296, 1010, 3698, 4083, 102}
	if got := tok.Encode(text).IDs; !slices.Equal(got, want) {
		t.Errorf("Encode(%q) = %v; want %v", text, got, want)
	}
}

func TestEncodeTruncation(t *testing.T) {
	tok := realTokenizer(t)
	full, err := Load(sharedFile(t, "models/all-MiniLM-L6-v2/tokenizer.json"), Config{MaxLength: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := tok.ID("a")
	long := strings.Repeat("Data analysis, Python, SQL; stakeholder management. ", 200)[:10000]
	tests := []struct {
		name          string
		text          string
		wantLen       int
		wantTruncated bool
	}{
		{"10,000 characters", long, 256, true},
		{"254 pieces fit", strings.Repeat("a ", 254), 256, false},
		{"255 pieces do not", strings.Repeat("a ", 255), 256, true},
		{"a few pieces", "a a a", 5, false},
	}
	for _, tc := range tests {
		got := tok.Encode(tc.text)
		if len(got.IDs) != tc.wantLen || got.Truncated != tc.wantTruncated {
			t.Errorf("Encode(%q): %d ids, truncated %v; want %d, %v", short(tc.text), len(got.IDs), got.Truncated, tc.wantLen, tc.wantTruncated)
			continue
		}
		if got.IDs[0] != int64(tok.clsID) || got.IDs[len(got.IDs)-1] != int64(tok.sepID) {
			t.Errorf("Encode(%q) = %v; want [CLS] first and [SEP] last", short(tc.text), got.IDs)
		}
		// Truncation keeps the first pieces of the untruncated encoding.
		f := full.Encode(tc.text).IDs
		if n := len(got.IDs) - 1; !slices.Equal(got.IDs[:n], f[:n]) {
			t.Errorf("Encode(%q) = %v; want a prefix of %v", short(tc.text), got.IDs[:n], f[:n])
		}
		if strings.HasPrefix(tc.text, "a ") && got.IDs[1] != a {
			t.Errorf("Encode(%q).IDs[1] = %d; want %d (a)", short(tc.text), got.IDs[1], a)
		}
	}
}

func TestEncodingFields(t *testing.T) {
	tok := realTokenizer(t)
	for _, text := range append(skills(t)[:50], "", "[SEP]", "数据 ❤️") {
		e := tok.Encode(text)
		if len(e.Tokens) != len(e.IDs) || len(e.AttentionMask) != len(e.IDs) || len(e.TypeIDs) != len(e.IDs) {
			t.Fatalf("Encode(%q): lengths ids %d tokens %d mask %d types %d; want equal", text, len(e.IDs), len(e.Tokens), len(e.AttentionMask), len(e.TypeIDs))
		}
		for i, tk := range e.Tokens {
			if id, ok := tok.ID(tk); !ok || id != e.IDs[i] {
				t.Errorf("Encode(%q): token %q has id %d; ID gives %d, %v", text, tk, e.IDs[i], id, ok)
			}
			if e.AttentionMask[i] != 1 || e.TypeIDs[i] != 0 {
				t.Errorf("Encode(%q): mask %d type %d at %d; want 1, 0", text, e.AttentionMask[i], e.TypeIDs[i], i)
			}
		}
	}
}

func TestEncodeBatch(t *testing.T) {
	tok := realTokenizer(t)
	texts := skills(t)
	for _, n := range []int{0, 3, len(texts)} {
		got := tok.EncodeBatch(texts[:n])
		if len(got) != n {
			t.Fatalf("EncodeBatch(%d texts) gave %d encodings", n, len(got))
		}
		for i, e := range got {
			if want := tok.Encode(texts[i]); !slices.Equal(e.IDs, want.IDs) || !slices.Equal(e.Tokens, want.Tokens) {
				t.Errorf("EncodeBatch: Encode(%q) = %v; want %v", texts[i], e.IDs, want.IDs)
			}
		}
	}
}

func TestIDVocabSizeSHA256(t *testing.T) {
	tok := realTokenizer(t)
	vocab := realVocab(t)
	if got := tok.VocabSize(); got != len(vocab) {
		t.Errorf("VocabSize() = %d; want %d", got, len(vocab))
	}
	for _, tk := range []string{"[CLS]", "[SEP]", "[UNK]", "python", "##s", "分"} {
		if got, ok := tok.ID(tk); !ok || got != vocab[tk] {
			t.Errorf("ID(%q) = %d, %v; want %d, true", tk, got, ok, vocab[tk])
		}
	}
	if _, ok := tok.ID("no such token"); ok {
		t.Errorf("ID(%q) reports true; want false", "no such token")
	}
	data, err := os.ReadFile(sharedFile(t, "models/all-MiniLM-L6-v2/tokenizer.json"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if got, want := tok.SHA256(), hex.EncodeToString(sum[:]); got != want {
		t.Errorf("SHA256() = %s; want %s", got, want)
	}
}

// TestVocabTxtMatchesJSON writes the real vocabulary as a vocab.txt and
// checks that it tokenizes like the tokenizer.json (same BERT defaults).
func TestVocabTxtMatchesJSON(t *testing.T) {
	tok := realTokenizer(t)
	vocab := realVocab(t)
	lines := make([]string, len(vocab))
	for tk, id := range vocab {
		lines[id] = tk
	}
	path := filepath.Join(t.TempDir(), "vocab.txt")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	txt, err := Load(path, Config{})
	if err != nil {
		t.Fatal(err)
	}
	texts := skills(t)
	for _, tc := range handCases {
		texts = append(texts, tc.text)
	}
	for _, text := range texts {
		if got, want := txt.Encode(text).IDs, tok.Encode(text).IDs; !slices.Equal(got, want) {
			t.Errorf("vocab.txt Encode(%q) = %v; want %v", short(text), got, want)
		}
	}
}

// tinyVocab reads testdata/tiny_vocab.txt into token -> line number.
func tinyVocab(t *testing.T) map[string]int64 {
	t.Helper()
	f, err := os.Open("testdata/tiny_vocab.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string]int64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m[sc.Text()] = int64(len(m))
	}
	return m
}

// TestTinyVocab runs without the shared folder, on a vocabulary small enough
// to derive every piece by hand.
func TestTinyVocab(t *testing.T) {
	vocab := tinyVocab(t)
	tests := []struct {
		text      string
		maxLength int
		want      []string
		truncated bool
	}{
		{"Unaffable worlds, hello.", 0, []string{"un", "##aff", "##able", "world", "##s", ",", "hello", "."}, false},
		{"unknown hello", 0, []string{"[UNK]", "hello"}, false},
		{"HELLO\u00a0World", 0, []string{"hello", "world"}, false},
		{"hello world, hello", 5, []string{"hello", "world", ","}, true},
		{"hello world, hello", 2, nil, true},
		{strings.Repeat("a", 100), 200, append([]string{"a"}, slices.Repeat([]string{"##a"}, 99)...), false},
		{strings.Repeat("a", 101), 200, []string{"[UNK]"}, false},
		{"b[SEP]a", 0, []string{"b", "[SEP]", "a"}, false},
	}
	for _, tc := range tests {
		tok, err := Load("testdata/tiny_vocab.txt", Config{MaxLength: tc.maxLength})
		if err != nil {
			t.Fatal(err)
		}
		want := append(append([]string{"[CLS]"}, tc.want...), "[SEP]")
		var wantIDs []int64
		for _, p := range want {
			wantIDs = append(wantIDs, vocab[p])
		}
		got := tok.Encode(tc.text)
		if !slices.Equal(got.IDs, wantIDs) || got.Truncated != tc.truncated {
			t.Errorf("Encode(%q) = %v (truncated %v); want %v (%v)", short(tc.text), got.IDs, got.Truncated, wantIDs, tc.truncated)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const pre = `"pre_tokenizer": {"type": "BertPreTokenizer"}, "post_processor": {"type": "BertProcessing", "cls": ["[CLS]", 1], "sep": ["[SEP]", 2]}`
	const vocab = `{"[UNK]": 0, "[CLS]": 1, "[SEP]": 2}`
	tests := []struct {
		name, path string
		cfg        Config
		wantErr    string
	}{
		{"missing file", filepath.Join(dir, "nope.json"), Config{}, "nope.json"},
		{"bad json", write("bad.json", `{"model": `), Config{}, "bad.json"},
		{"bpe model", write("bpe.json", `{"model": {"type": "BPE", "vocab": `+vocab+`}, `+pre+`}`), Config{}, "not WordPiece"},
		{"other normalizer", write("norm.json", `{"normalizer": {"type": "Lowercase"}, "model": {"vocab": `+vocab+`}, `+pre+`}`), Config{}, "normalizer"},
		{"no unk", write("unk.json", `{"model": {"vocab": {"[CLS]": 1, "[SEP]": 2}}, `+pre+`}`), Config{}, "[UNK]"},
		{"no post processor", write("post.json", `{"model": {"vocab": `+vocab+`}, "pre_tokenizer": {"type": "BertPreTokenizer"}}`), Config{}, "post_processor"},
		{"max length 1", "testdata/tiny_vocab.txt", Config{MaxLength: 1}, "max length"},
		{"empty vocab.txt", write("vocab.txt", ""), Config{}, "empty"},
	}
	for _, tc := range tests {
		_, err := Load(tc.path, tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), filepath.Base(tc.path)) {
			t.Errorf("%s: Load(%s) error = %v; want one naming the file and containing %q", tc.name, tc.path, err, tc.wantErr)
		}
	}
	// A minimal valid tokenizer.json loads.
	ok := write("ok.json", `{"model": {"vocab": `+vocab+`}, `+pre+`}`)
	if _, err := Load(ok, Config{}); err != nil {
		t.Errorf("Load(%s) = %v; want no error", ok, err)
	}
}

// FuzzEncode checks invariants on arbitrary text: no panic, at most
// MaxLength ids, [CLS] first and [SEP] last, tokens and ids agreeing, and
// truncation keeping a prefix of the untruncated encoding.
func FuzzEncode(f *testing.F) {
	for _, tc := range handCases {
		f.Add(tc.text)
	}
	f.Add("hello world, hello unaffable a[SEP]b\xff\xfe")
	type pair struct{ short, long *Tokenizer }
	var pairs []pair
	load := func(path string) {
		s, err1 := Load(path, Config{MaxLength: 8})
		l, err2 := Load(path, Config{MaxLength: 1 << 20})
		if err1 != nil || err2 != nil {
			f.Fatal(err1, err2)
		}
		pairs = append(pairs, pair{s, l})
	}
	load("testdata/tiny_vocab.txt")
	if p := filepath.Join(testenv.SharedDir(), "models/all-MiniLM-L6-v2/tokenizer.json"); testenv.SharedDir() != "" && fileExists(p) {
		load(p)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, p := range pairs {
			e := p.short.Encode(text)
			n := len(e.IDs)
			if n < 2 || n > 8 || e.IDs[0] != int64(p.short.clsID) || e.IDs[n-1] != int64(p.short.sepID) {
				t.Fatalf("Encode(%q) = %v; want 2 to 8 ids, [CLS] first, [SEP] last", text, e.IDs)
			}
			if len(e.Tokens) != n {
				t.Fatalf("Encode(%q): %d tokens for %d ids", text, len(e.Tokens), n)
			}
			for i, tk := range e.Tokens {
				if id, ok := p.short.ID(tk); !ok || id != e.IDs[i] {
					t.Fatalf("Encode(%q): token %q with id %d; ID gives %d, %v", text, tk, e.IDs[i], id, ok)
				}
			}
			full := p.long.Encode(text).IDs
			switch {
			case !e.Truncated && !slices.Equal(e.IDs, full):
				t.Fatalf("Encode(%q) = %v; untruncated %v", text, e.IDs, full)
			case e.Truncated && (len(full) <= n || !slices.Equal(e.IDs[:n-1], full[:n-1])):
				t.Fatalf("Encode(%q) = %v truncated; want a prefix of %v", text, e.IDs, full)
			}
		}
	})
}

// BenchmarkEncode encodes the lines of skills1000.txt one at a time on one
// goroutine and reports texts per second.
func BenchmarkEncode(b *testing.B) {
	tok := realTokenizer(b)
	texts := skills(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		tok.Encode(texts[i%len(texts)])
		i++
	}
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "texts/s")
}

// BenchmarkEncodeBatch encodes all of skills1000.txt as one batch.
func BenchmarkEncodeBatch(b *testing.B) {
	tok := realTokenizer(b)
	texts := skills(b)
	n := 0
	for b.Loop() {
		tok.EncodeBatch(texts)
		n += len(texts)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "texts/s")
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
