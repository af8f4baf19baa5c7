// Package tfidf is a corpus-fitted bag-of-terms text model: TF-IDF weights over word unigrams,
// word bigrams and character n-grams of words, learned from the pipeline's own texts.
//
// Words keep their meaning across wordings ("data analysis", "analysis of data"); character
// n-grams let versioned and inflected names meet ("CSS3" and "CSS", "HTML5" and "HTML",
// "forecasting" and "forecasts") and give a vector to words the fitting corpus never saw. The
// two blocks are weighted by TF-IDF, L2-normalised each, and joined with a configurable share
// for the character block, so a text's vector is a unit-length sparse vector and the cosine of
// two texts is their dot product.
//
// A fitted Model is an artifact: it is written with MarshalBinary, read with UnmarshalBinary,
// and named by ID, which carries the sha256 of its bytes.
package tfidf

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Version is the version of the term extraction and weighting; it is part of every model.
const Version = 1

// Options choose the terms and their weights.
type Options struct {
	// WordNgrams is the longest word n-gram (1: unigrams, 2: unigrams and bigrams; 0: no word
	// terms). Bigrams never span a phrase separator (comma, semicolon, full stop, newline, ...)
	// or a stop word.
	WordNgrams int `json:"word_ngrams"`
	// CharMin and CharMax bound the character n-grams taken inside each word padded with a space
	// on either side; CharMax 0 means no character terms.
	CharMin int `json:"char_min"`
	CharMax int `json:"char_max"`
	// CharShare is the share of the vector's squared norm given to the character block when a
	// text has both blocks (0 to 1).
	CharShare float64 `json:"char_share"`
	// Sublinear replaces a term count tf by 1 + ln(tf).
	Sublinear bool `json:"sublinear"`
	// MinDF drops terms found in fewer fitting documents (0 or 1 keeps all).
	MinDF int `json:"min_df"`
	// MaxTerms keeps at most this many terms, those in the most documents (0: no bound).
	MaxTerms int `json:"max_terms"`
}

// DefaultOptions are the options of the corpus encoder: word unigrams and bigrams, character
// 3- to 5-grams carrying a third of the weight, sublinear counts.
func DefaultOptions() Options {
	return Options{WordNgrams: 2, CharMin: 3, CharMax: 5, CharShare: 1.0 / 3, Sublinear: true, MinDF: 1, MaxTerms: 200000}
}

// WordOptions are those of the plain TF-IDF baseline: word unigrams and bigrams, sublinear
// counts, no character terms.
func WordOptions() Options {
	return Options{WordNgrams: 2, Sublinear: true, MinDF: 1}
}

// Validate checks the options.
func (o Options) Validate() error {
	switch {
	case o.WordNgrams < 0 || o.WordNgrams > 3:
		return fmt.Errorf("tfidf: word n-grams %d: want 0 to 3", o.WordNgrams)
	case o.CharMax != 0 && (o.CharMin < 1 || o.CharMin > o.CharMax || o.CharMax > 8):
		return fmt.Errorf("tfidf: character n-grams %d to %d: want 1 <= min <= max <= 8", o.CharMin, o.CharMax)
	case o.CharShare < 0 || o.CharShare > 1:
		return fmt.Errorf("tfidf: character share %g: want 0 to 1", o.CharShare)
	case o.WordNgrams == 0 && o.CharMax == 0:
		return errors.New("tfidf: no terms: set word n-grams or character n-grams")
	case o.MinDF < 0 || o.MaxTerms < 0:
		return fmt.Errorf("tfidf: min df %d, max terms %d: want 0 or more", o.MinDF, o.MaxTerms)
	}
	return nil
}

// Term kinds, the first byte of a term key.
const (
	kindWord = 'w'
	kindChar = 'c'
)

// Vector is a sparse vector: term ids in increasing order and their values.
type Vector struct {
	Indices []int32
	Values  []float32
}

// Dot returns the dot product of two sparse vectors.
func Dot(a, b Vector) float64 {
	var s float64
	i, j := 0, 0
	for i < len(a.Indices) && j < len(b.Indices) {
		switch {
		case a.Indices[i] < b.Indices[j]:
			i++
		case a.Indices[i] > b.Indices[j]:
			j++
		default:
			s += float64(a.Values[i]) * float64(b.Values[j])
			i++
			j++
		}
	}
	return s
}

// Model is a fitted TF-IDF model. It is safe for concurrent use.
type Model struct {
	opts  Options
	terms []string         // by id
	index map[string]int32 // term -> id
	isChr []bool           // by id: a character term
	idf   []float32        // by id
	docs  int
	id    string
}

// Options returns the model's options.
func (m *Model) Options() Options { return m.opts }

// Terms returns the number of terms.
func (m *Model) Terms() int { return len(m.terms) }

// Documents returns the number of documents the model was fitted on.
func (m *Model) Documents() int { return m.docs }

// ID names the model: "tfidf-v1:" and the first 12 hex digits of the sha256 of its bytes.
func (m *Model) ID() string { return m.id }

// IDF returns the inverse document frequency of a term id.
func (m *Model) IDF(id int32) float32 { return m.idf[id] }

// Term returns the key of a term id: "w:" and the words, or "c:" and the character n-gram.
func (m *Model) Term(id int32) string {
	t := m.terms[id]
	return string(t[0]) + ":" + t[1:]
}

// Fit learns the vocabulary and IDF weights from docs: idf = ln((1 + N) / (1 + df)) + 1, as
// scikit-learn's smoothed IDF.
func Fit(docs []string, opts Options) (*Model, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		return nil, errors.New("tfidf: no documents to fit on")
	}
	df := map[string]int{}
	seen := map[string]bool{}
	var ex extractor
	for _, d := range docs {
		clear(seen)
		ex.terms(d, opts, func(key string) {
			if !seen[key] {
				seen[key] = true
				df[key]++
			}
		})
	}
	keys := make([]string, 0, len(df))
	for k, n := range df {
		if n >= max(opts.MinDF, 1) {
			keys = append(keys, k)
		}
	}
	// Most documents first, then by key: deterministic whatever the map order.
	sort.Slice(keys, func(i, j int) bool {
		if df[keys[i]] != df[keys[j]] {
			return df[keys[i]] > df[keys[j]]
		}
		return keys[i] < keys[j]
	})
	if opts.MaxTerms > 0 && len(keys) > opts.MaxTerms {
		keys = keys[:opts.MaxTerms]
	}
	sort.Strings(keys)
	idf := make([]float32, len(keys))
	n := float64(len(docs))
	for i, k := range keys {
		idf[i] = float32(math.Log((1+n)/(1+float64(df[k]))) + 1)
	}
	return build(opts, keys, idf, len(docs))
}

func build(opts Options, terms []string, idf []float32, docs int) (*Model, error) {
	m := &Model{opts: opts, terms: terms, idf: idf, docs: docs, index: make(map[string]int32, len(terms)), isChr: make([]bool, len(terms))}
	for i, t := range terms {
		if t == "" {
			return nil, fmt.Errorf("tfidf: empty term %d", i)
		}
		m.index[t] = int32(i)
		m.isChr[i] = t[0] == kindChar
	}
	data, err := m.MarshalBinary()
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	m.id = fmt.Sprintf("tfidf-v%d:%s", Version, hex.EncodeToString(sum[:])[:12])
	return m, nil
}

// Transform returns the unit-length TF-IDF vector of text (empty when it has no known term).
func (m *Model) Transform(text string) Vector {
	var ex extractor
	return m.transform(&ex, text)
}

// TransformAll returns the vectors of texts.
func (m *Model) TransformAll(texts []string) []Vector {
	out := make([]Vector, len(texts))
	var ex extractor
	for i, t := range texts {
		out[i] = m.transform(&ex, t)
	}
	return out
}

func (m *Model) transform(ex *extractor, text string) Vector {
	counts := map[int32]float64{}
	ex.terms(text, m.opts, func(key string) {
		if id, ok := m.index[key]; ok {
			counts[id]++
		}
	})
	if len(counts) == 0 {
		return Vector{}
	}
	ids := make([]int32, 0, len(counts))
	for id := range counts {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	vals := make([]float64, len(ids))
	var normW, normC float64
	for i, id := range ids {
		tf := counts[id]
		if m.opts.Sublinear {
			tf = 1 + math.Log(tf)
		}
		v := tf * float64(m.idf[id])
		vals[i] = v
		if m.isChr[id] {
			normC += v * v
		} else {
			normW += v * v
		}
	}
	// Each block to unit length, then the character block scaled to its share.
	scaleW, scaleC := 0.0, 0.0
	switch {
	case normW > 0 && normC > 0:
		scaleW = math.Sqrt(1-m.opts.CharShare) / math.Sqrt(normW)
		scaleC = math.Sqrt(m.opts.CharShare) / math.Sqrt(normC)
	case normW > 0:
		scaleW = 1 / math.Sqrt(normW)
	case normC > 0:
		scaleC = 1 / math.Sqrt(normC)
	}
	out := Vector{Indices: make([]int32, 0, len(ids)), Values: make([]float32, 0, len(ids))}
	for i, id := range ids {
		s := scaleW
		if m.isChr[id] {
			s = scaleC
		}
		if v := vals[i] * s; v != 0 {
			out.Indices = append(out.Indices, id)
			out.Values = append(out.Values, float32(v))
		}
	}
	return out
}

// Words returns the normalised words of text (NFKD, accents stripped, lower-case; letters,
// digits, '+' and '#' make words, so "C++" and "C#" stay words), without stop words.
func Words(text string) []string {
	var ex extractor
	var out []string
	ex.split(text, func(w string, _ bool) {
		if !stopWords[w] {
			out = append(out, w)
		}
	})
	return out
}

// extractor turns text into term keys; it reuses its buffers between calls.
type extractor struct {
	buf   []byte
	words []string
	sb    []byte
}

// split calls fn with each word of text, and whether a phrase separator came between it and
// the previous word.
func (ex *extractor) split(text string, fn func(w string, broken bool)) {
	text = norm.NFKD.String(text)
	broken := true
	word := ex.sb[:0]
	flush := func() {
		if len(word) > 0 {
			fn(string(word), broken)
			broken = false
			word = word[:0]
		}
	}
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Mn, r):
			// accents dropped
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '+' || r == '#':
			word = append(word, string(unicode.ToLower(r))...)
		case r == '.' && len(word) > 0:
			// "node.js", "asp.net": a dot inside a word is kept by the next letter; a final dot
			// ends the word and the phrase.
			word = append(word, '.')
		default:
			endsPhrase := false
			if len(word) > 0 && word[len(word)-1] == '.' {
				word, endsPhrase = word[:len(word)-1], true
			}
			flush()
			if endsPhrase || isSeparator(r) {
				broken = true
			}
		}
	}
	if len(word) > 0 && word[len(word)-1] == '.' {
		word = word[:len(word)-1]
	}
	flush()
	ex.sb = word[:0]
}

func isSeparator(r rune) bool {
	switch r {
	case ',', ';', '.', ':', '\n', '\r', '|', '•', '·', '(', ')', '[', ']', '!', '?', '\t':
		return true
	}
	return false
}

// terms calls fn with the key of every term occurrence of text.
func (ex *extractor) terms(text string, opts Options, fn func(key string)) {
	ex.words = ex.words[:0]
	flushRun := func() {
		ws := ex.words
		for n := 2; n <= opts.WordNgrams; n++ {
			for i := 0; i+n <= len(ws); i++ {
				fn(string(kindWord) + strings.Join(ws[i:i+n], " "))
			}
		}
		ex.words = ex.words[:0]
	}
	ex.split(text, func(w string, broken bool) {
		if broken {
			flushRun()
		}
		if stopWords[w] {
			flushRun()
			return
		}
		if opts.WordNgrams >= 1 {
			fn(string(kindWord) + w)
		}
		ex.words = append(ex.words, w)
		if opts.CharMax > 0 {
			ex.buf = append(ex.buf[:0], kindChar, ' ')
			ex.buf = append(ex.buf, w...)
			ex.buf = append(ex.buf, ' ')
			padded := []rune(string(ex.buf[1:]))
			for n := opts.CharMin; n <= opts.CharMax; n++ {
				for i := 0; i+n <= len(padded); i++ {
					fn(string(kindChar) + string(padded[i:i+n]))
				}
			}
		}
	})
	flushRun()
}

// stopWords are left out of word terms and break bigrams.
var stopWords = map[string]bool{
	"a": true, "an": true, "and": true, "are": true, "as": true, "at": true, "be": true, "by": true,
	"e": true, "e.g": true, "eg": true, "i.e": true, "etc": true, "for": true, "from": true, "g": true, "i": true, "ie": true,
	"in": true, "into": true, "is": true, "it": true, "its": true, "of": true, "on": true, "or": true,
	"such": true, "that": true, "the": true, "their": true, "this": true, "to": true, "with": true,
	"&": true, "we": true, "you": true, "our": true, "will": true, "all": true, "other": true,
}

// IsStopWord reports whether w (lower-case) is left out of word terms.
func IsStopWord(w string) bool { return stopWords[w] }

const magic = "SKXTFIDF"

// header is the JSON head of the binary form.
type header struct {
	Version int     `json:"version"`
	Options Options `json:"options"`
	Terms   int     `json:"terms"`
	Docs    int     `json:"docs"`
}

// MarshalBinary encodes the model: a magic string, a JSON header, the terms (each a uvarint
// length and bytes) and the IDF weights (little-endian float32).
func (m *Model) MarshalBinary() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(magic)
	h, err := json.Marshal(header{Version: Version, Options: m.opts, Terms: len(m.terms), Docs: m.docs})
	if err != nil {
		return nil, err
	}
	b.Write(binary.AppendUvarint(nil, uint64(len(h))))
	b.Write(h)
	var tmp []byte
	for _, t := range m.terms {
		tmp = binary.AppendUvarint(tmp[:0], uint64(len(t)))
		b.Write(tmp)
		b.WriteString(t)
	}
	for _, v := range m.idf {
		tmp = binary.LittleEndian.AppendUint32(tmp[:0], math.Float32bits(v))
		b.Write(tmp)
	}
	return b.Bytes(), nil
}

// Unmarshal decodes a model written by MarshalBinary.
func Unmarshal(data []byte) (*Model, error) {
	if !bytes.HasPrefix(data, []byte(magic)) {
		return nil, errors.New("tfidf: not a model file (bad magic)")
	}
	p := data[len(magic):]
	next := func(what string) ([]byte, error) {
		n, k := binary.Uvarint(p)
		if k <= 0 || n > uint64(len(p)-k) {
			return nil, fmt.Errorf("tfidf: truncated model file (%s)", what)
		}
		out := p[k : k+int(n)]
		p = p[k+int(n):]
		return out, nil
	}
	hb, err := next("header")
	if err != nil {
		return nil, err
	}
	var h header
	if err := json.Unmarshal(hb, &h); err != nil {
		return nil, fmt.Errorf("tfidf: bad model header: %w", err)
	}
	if h.Version != Version {
		return nil, fmt.Errorf("tfidf: model version %d; this skillx reads version %d (run `skillx features --force`)", h.Version, Version)
	}
	if err := h.Options.Validate(); err != nil {
		return nil, err
	}
	if h.Terms < 0 || h.Terms > len(p) {
		return nil, fmt.Errorf("tfidf: bad term count %d", h.Terms)
	}
	terms := make([]string, h.Terms)
	for i := range terms {
		t, err := next("terms")
		if err != nil {
			return nil, err
		}
		terms[i] = string(t)
	}
	if len(p) != 4*h.Terms {
		return nil, fmt.Errorf("tfidf: model file has %d bytes of weights; want %d", len(p), 4*h.Terms)
	}
	idf := make([]float32, h.Terms)
	for i := range idf {
		idf[i] = math.Float32frombits(binary.LittleEndian.Uint32(p[4*i:]))
	}
	for i := 1; i < len(terms); i++ {
		if terms[i-1] >= terms[i] {
			return nil, errors.New("tfidf: model terms are not sorted and distinct")
		}
	}
	return build(h.Options, terms, idf, h.Docs)
}
