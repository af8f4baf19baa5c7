package hashenc

import (
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Dim is the default number of dimensions, that of all-MiniLM-L6-v2.
const Dim = 384

// Version is the version of the algorithm; it is part of ID.
const Version = 1

// BigramWeight is the weight of a bigram feature; a unigram weighs 1.
const BigramWeight = 0.5

// Encoder is a feature-hashing encoder. It is safe for concurrent use.
type Encoder struct {
	dim  int
	pool sync.Pool
}

// New returns an encoder of dim dimensions; 0 means Dim. It panics if dim is
// negative.
func New(dim int) *Encoder {
	if dim < 0 {
		panic(fmt.Sprintf("hashenc: negative dimension %d", dim))
	}
	if dim == 0 {
		dim = Dim
	}
	return &Encoder{dim: dim}
}

// ID returns the encoder id, for example "hashing-v1-384"; it changes when the
// algorithm or the dimension changes.
func (e *Encoder) ID() string { return fmt.Sprintf("hashing-v%d-%d", Version, e.dim) }

// Dim returns the number of dimensions of the vectors.
func (e *Encoder) Dim() int { return e.dim }

// Encode writes the L2-normalised vector of text to dst[:Dim()], or zeros
// when text has no words. It panics if dst is shorter than Dim().
func (e *Encoder) Encode(text string, dst []float32) {
	if len(dst) < e.dim {
		panic(fmt.Sprintf("hashenc: Encode into %d floats; want at least %d", len(dst), e.dim))
	}
	v := dst[:e.dim]
	clear(v)
	bp, _ := e.pool.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	*bp = normalize(*bp, text)
	var prev []byte
	forEachWord(*bp, func(w []byte, joined bool) {
		h := finalize(fnv1a(fnvOffset, w))
		e.add(v, h, 1)
		if joined && prev != nil {
			h := fnv1a(fnv1a(fnvOffset, prev), nul)
			e.add(v, finalize(fnv1a(h, w)), BigramWeight)
		}
		prev = w
	})
	e.pool.Put(bp)

	var sum float64
	for _, x := range v {
		sum += float64(x) * float64(x)
	}
	if sum == 0 {
		return
	}
	inv := 1 / math.Sqrt(sum)
	for i, x := range v {
		v[i] = float32(float64(x) * inv)
	}
}

// add adds weight to the bucket of hash h, negated when bit 63 of h is set.
func (e *Encoder) add(v []float32, h uint64, weight float32) {
	if h>>63 != 0 {
		weight = -weight
	}
	v[h%uint64(e.dim)] += weight
}

// EncodeBatch returns the vectors of texts, each as Encode gives it; they
// share one backing array.
func (e *Encoder) EncodeBatch(texts []string) [][]float32 {
	out := make([][]float32, len(texts))
	backing := make([]float32, len(texts)*e.dim)
	for i := range texts {
		out[i] = backing[i*e.dim : (i+1)*e.dim : (i+1)*e.dim]
	}
	workers := min(runtime.GOMAXPROCS(0), len(texts)/512)
	if workers <= 1 {
		for i, s := range texts {
			e.Encode(s, out[i])
		}
		return out
	}
	var wg sync.WaitGroup
	chunk := (len(texts) + workers - 1) / workers
	for lo := 0; lo < len(texts); lo += chunk {
		hi := min(lo+chunk, len(texts))
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				e.Encode(texts[i], out[i])
			}
		})
	}
	wg.Wait()
	return out
}

// nul separates the two words of a bigram key.
var nul = []byte{0}

const (
	fnvOffset uint64 = 14695981039346656037
	fnvPrime  uint64 = 1099511628211
)

// fnv1a continues an FNV-1a 64 hash h over b.
func fnv1a(h uint64, b []byte) uint64 {
	for _, c := range b {
		h ^= uint64(c)
		h *= fnvPrime
	}
	return h
}

// finalize is MurmurHash3's fmix64, which spreads every input bit over all
// output bits.
func finalize(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

// normalize appends to buf[:0] the text in NFKC, lower-cased, decomposed and
// without non-spacing marks.
func normalize(buf []byte, text string) []byte {
	buf = buf[:0]
	ascii := true
	for i := 0; i < len(text); i++ {
		if text[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii { // ASCII is already NFKC and NFD
		for i := 0; i < len(text); i++ {
			c := text[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf = append(buf, c)
		}
		return buf
	}
	lower := strings.ToLower(norm.NFKC.String(text))
	for _, r := range norm.NFD.String(lower) {
		if !unicode.Is(unicode.Mn, r) {
			buf = utf8.AppendRune(buf, r)
		}
	}
	return buf
}

// isWordRune reports whether r can be part of a word.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || 'A' <= r && r <= 'Z' || r == '+' || r == '#' || r == '.'
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r)
}

// isAlnum reports whether r is a letter or a number.
func isAlnum(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || 'A' <= r && r <= 'Z'
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r)
}

// forEachWord calls fn for each word of the normalised text s, with joined
// reporting whether only white space separates it from the previous word
// (punctuation, a dropped run or a leading or trailing dot in between do
// not).
func forEachWord(s []byte, fn func(w []byte, joined bool)) {
	joined := false
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRune(s[i:])
		if !isWordRune(r) {
			if !unicode.IsSpace(r) {
				joined = false
			}
			i += n
			continue
		}
		start := i
		for i < len(s) {
			r, n := utf8.DecodeRune(s[i:])
			if !isWordRune(r) {
				break
			}
			i += n
		}
		w := s[start:i]
		trailingDot := w[len(w)-1] == '.'
		if w[0] == '.' {
			joined = false // a leading dot separates like punctuation
		}
		for len(w) > 0 && w[0] == '.' {
			w = w[1:]
		}
		for len(w) > 0 && w[len(w)-1] == '.' {
			w = w[:len(w)-1]
		}
		if !hasAlnum(w) {
			joined = false
			continue
		}
		fn(w, joined)
		joined = !trailingDot
	}
}

func hasAlnum(w []byte) bool {
	for len(w) > 0 {
		r, n := utf8.DecodeRune(w)
		if isAlnum(r) {
			return true
		}
		w = w[n:]
	}
	return false
}
