package tokenizer

import (
	"runtime"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Tokenizer turns texts into BERT word-piece ids. It is safe for concurrent
// use by several goroutines.
type Tokenizer struct {
	vocab        map[string]int32 // whole-word pieces
	cont         map[string]int32 // continuation pieces, keyed without their prefix
	added        map[string]int32 // added tokens
	tokens       []string         // id -> token
	maxBytes     int              // longest key of vocab, in bytes
	maxContBytes int              // longest key of cont, in bytes
	size         int

	unkID, clsID, sepID int32
	maxChars            int
	maxLen              int

	cleanText, chinese, strip, lower bool

	special      []addedToken // matched in the raw text, longest first
	specialFirst [256]bool    // first bytes of the special tokens

	asciiClass [128]uint8
	asciiLower [128]byte
	asciiPunct [128]int32

	sha  string
	pool sync.Pool
}

// Encoding is the result of encoding one text: parallel slices of ids,
// tokens, attention mask (all 1, since nothing is padded) and token type ids
// (all 0), starting with [CLS] and ending with [SEP].
type Encoding struct {
	IDs           []int64
	Tokens        []string
	AttentionMask []int64
	TypeIDs       []int64
	// Truncated reports whether word pieces were dropped to fit MaxLength.
	Truncated bool
}

// scratch holds the buffers that one Encode call reuses.
type scratch struct {
	ids  []int32
	word []byte
	norm []byte
	nfd  []byte
}

// VocabSize returns the number of tokens in the vocabulary, added tokens
// included.
func (t *Tokenizer) VocabSize() int { return t.size }

// ID returns the id of token and whether the vocabulary holds it.
func (t *Tokenizer) ID(token string) (int64, bool) {
	if id, ok := t.added[token]; ok {
		return int64(id), true
	}
	id, ok := t.vocab[token]
	return int64(id), ok
}

// SHA256 returns the hex SHA-256 of the file the tokenizer was loaded from.
func (t *Tokenizer) SHA256() string { return t.sha }

// MaxLength returns the largest number of ids in an encoding.
func (t *Tokenizer) MaxLength() int { return t.maxLen }

// Encode tokenizes text as [CLS] pieces [SEP], keeping at most MaxLength ids.
func (t *Tokenizer) Encode(text string) Encoding {
	sc, _ := t.pool.Get().(*scratch)
	if sc == nil {
		sc = &scratch{}
	}
	limit := t.maxLen - 2
	sc.ids = sc.ids[:0]
	t.encodeText(text, sc, limit)

	n := min(len(sc.ids), limit)
	total := n + 2
	nums := make([]int64, 3*total)
	enc := Encoding{
		IDs:           nums[:total:total],
		AttentionMask: nums[total : 2*total : 2*total],
		TypeIDs:       nums[2*total:],
		Tokens:        make([]string, total),
		Truncated:     len(sc.ids) > limit,
	}
	enc.IDs[0], enc.Tokens[0] = int64(t.clsID), t.tokens[t.clsID]
	for i, id := range sc.ids[:n] {
		enc.IDs[i+1], enc.Tokens[i+1] = int64(id), t.tokens[id]
	}
	enc.IDs[total-1], enc.Tokens[total-1] = int64(t.sepID), t.tokens[t.sepID]
	for i := range enc.AttentionMask {
		enc.AttentionMask[i] = 1
	}
	t.pool.Put(sc)
	return enc
}

// EncodeBatch encodes texts, in parallel when there are many; the result is
// the same as calling Encode on each text.
func (t *Tokenizer) EncodeBatch(texts []string) []Encoding {
	out := make([]Encoding, len(texts))
	workers := min(runtime.GOMAXPROCS(0), len(texts)/256)
	if workers <= 1 {
		for i, s := range texts {
			out[i] = t.Encode(s)
		}
		return out
	}
	var wg sync.WaitGroup
	chunk := (len(texts) + workers - 1) / workers
	for lo := 0; lo < len(texts); lo += chunk {
		hi := min(lo+chunk, len(texts))
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				out[i] = t.Encode(texts[i])
			}
		})
	}
	wg.Wait()
	return out
}

// encodeText appends the piece ids of text to sc.ids, stopping once there
// are more than limit of them.
func (t *Tokenizer) encodeText(text string, sc *scratch, limit int) {
	if len(t.special) == 0 {
		t.encodeSegment(text, sc, limit)
		return
	}
	start := 0
	for i := 0; i < len(text); i++ {
		if !t.specialFirst[text[i]] {
			continue
		}
		for _, a := range t.special {
			if !strings.HasPrefix(text[i:], a.content) {
				continue
			}
			if t.encodeSegment(text[start:i], sc, limit) {
				return
			}
			sc.ids = append(sc.ids, int32(a.id))
			if len(sc.ids) > limit {
				return
			}
			i += len(a.content) - 1
			start = i + 1
			break
		}
	}
	t.encodeSegment(text[start:], sc, limit)
}

// encodeSegment appends the piece ids of a text without special tokens and
// reports whether sc.ids now holds more than limit ids.
func (t *Tokenizer) encodeSegment(seg string, sc *scratch, limit int) bool {
	for i := 0; i < len(seg); i++ {
		if seg[i] >= utf8.RuneSelf {
			return t.encodeUnicode(seg, sc, limit)
		}
	}
	word := sc.word[:0]
	defer func() { sc.word = word }()
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		switch t.asciiClass[c] {
		case classChar:
			word = append(word, t.asciiLower[c])
		case classSpace:
			if len(word) > 0 {
				t.wordPiece(word, len(word), sc)
				word = word[:0]
				if len(sc.ids) > limit {
					return true
				}
			}
		case classPunct:
			if len(word) > 0 {
				t.wordPiece(word, len(word), sc)
				word = word[:0]
			}
			sc.ids = append(sc.ids, t.asciiPunct[c])
			if len(sc.ids) > limit {
				return true
			}
		}
	}
	if len(word) > 0 {
		t.wordPiece(word, len(word), sc)
	}
	return len(sc.ids) > limit
}

// encodeUnicode is encodeSegment for text with non-ASCII characters: it
// normalises the text stage by stage like BertNormalizer, then splits and
// tokenizes the words.
func (t *Tokenizer) encodeUnicode(seg string, sc *scratch, limit int) bool {
	// clean_text and handle_chinese_chars.
	nb := sc.norm[:0]
	for _, r := range seg { // invalid UTF-8 reads as U+FFFD
		if t.cleanText {
			if r == 0 || r == utf8.RuneError || isControl(r) {
				continue
			}
			if isCleanWhitespace(r) {
				r = ' '
			}
		}
		if t.chinese && isChinese(r) {
			nb = append(nb, ' ')
			nb = utf8.AppendRune(nb, r)
			nb = append(nb, ' ')
			continue
		}
		nb = utf8.AppendRune(nb, r)
	}
	sc.norm = nb
	// strip_accents: NFD, then drop non-spacing marks below.
	src := nb
	if t.strip {
		sc.nfd = norm.NFD.Append(sc.nfd[:0], nb...)
		src = sc.nfd
	}

	word := sc.word[:0]
	defer func() { sc.word = word }()
	nchars := 0
	full := false
	flush := func() {
		if len(word) > 0 {
			t.wordPiece(word, nchars, sc)
			word, nchars = word[:0], 0
			full = len(sc.ids) > limit
		}
	}
	add := func(r rune) {
		switch {
		case isSplitSpace(r):
			flush()
		case isPunct(r):
			flush()
			if !full {
				word = utf8.AppendRune(word, r)
				nchars = 1
				flush()
			}
		default:
			word = utf8.AppendRune(word, r)
			nchars++
		}
	}
	for i := 0; i < len(src) && !full; {
		r, size := utf8.DecodeRune(src[i:])
		i += size
		if t.strip && unicode.Is(unicode.Mn, r) {
			continue
		}
		if t.lower {
			if r == 'İ' { // the one unconditional multi-character lower case mapping
				add('i')
				add('\u0307')
				continue
			}
			r = unicode.ToLower(r)
		}
		add(r)
	}
	if !full {
		flush()
	}
	return full
}

// wordPiece appends the word pieces of one word (nchars characters) to
// sc.ids: greedy longest match first, or a single [UNK] when the word is too
// long or cannot be covered by the vocabulary.
func (t *Tokenizer) wordPiece(word []byte, nchars int, sc *scratch) {
	if nchars > t.maxChars {
		sc.ids = append(sc.ids, t.unkID)
		return
	}
	mark := len(sc.ids)
	for start := 0; start < len(word); {
		m, maxB := t.vocab, t.maxBytes
		if start > 0 {
			m, maxB = t.cont, t.maxContBytes
		}
		end := len(word)
		if end-start > maxB { // no piece is longer than maxB bytes
			end = start + maxB
			for end > start && !utf8.RuneStart(word[end]) {
				end--
			}
		}
		found := false
		for end > start {
			if id, ok := m[string(word[start:end])]; ok {
				sc.ids = append(sc.ids, id)
				found = true
				break
			}
			end--
			for end > start && !utf8.RuneStart(word[end]) {
				end--
			}
		}
		if !found {
			sc.ids = append(sc.ids[:mark], t.unkID)
			return
		}
		start = end
	}
}
