package tokenizer

import "unicode"

// Character classes of Hugging Face's BertNormalizer and BertPreTokenizer.

// isCleanWhitespace reports whether clean_text maps r to a space: tab,
// newline, carriage return and the Unicode White_Space characters that are
// not removed as control characters first.
func isCleanWhitespace(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' || unicode.Is(unicode.White_Space, r)
}

// isControl reports whether clean_text removes r as a control character:
// general category Cc, Cf or Co, except tab, newline and carriage return.
func isControl(r rune) bool {
	if r == '\t' || r == '\n' || r == '\r' {
		return false
	}
	return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Co)
}

// isChinese reports whether r is a CJK ideograph by the code-point ranges of
// Hugging Face's BertNormalizer (which leaves out Extension G and later).
func isChinese(r rune) bool {
	switch {
	case r >= 0x4E00 && r <= 0x9FFF,
		r >= 0x3400 && r <= 0x4DBF,
		r >= 0x20000 && r <= 0x2A6DF,
		r >= 0x2A700 && r <= 0x2B73F,
		r >= 0x2B740 && r <= 0x2B81F,
		r >= 0x2B920 && r <= 0x2CEAF,
		r >= 0xF900 && r <= 0xFAFF,
		r >= 0x2F800 && r <= 0x2FA1F:
		return true
	}
	return false
}

// isSplitSpace reports whether the pre-tokenizer splits on r (Rust's
// char::is_whitespace, the Unicode White_Space property).
func isSplitSpace(r rune) bool {
	return unicode.Is(unicode.White_Space, r)
}

// isASCIIPunct reports whether c is one of the ASCII characters that BERT
// treats as punctuation: 33-47, 58-64, 91-96 and 123-126.
func isASCIIPunct(c rune) bool {
	return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126)
}

// isPunct reports whether the pre-tokenizer isolates r as punctuation: an
// ASCII punctuation character or any character of the categories P*.
func isPunct(r rune) bool {
	if r < 0x80 {
		return isASCIIPunct(r)
	}
	return unicode.IsPunct(r)
}

// Classes of ASCII bytes for the fast path.
const (
	classChar  uint8 = iota // part of a word
	classSkip               // removed by clean_text
	classSpace              // ends a word
	classPunct              // a word of its own
)

// initASCII fills the tables of the ASCII fast path from the normaliser
// settings; the tables give the same result as the general path.
func (t *Tokenizer) initASCII() {
	for c := rune(0); c < 0x80; c++ {
		t.asciiLower[c] = byte(c)
		if t.lower {
			t.asciiLower[c] = byte(unicode.ToLower(c))
		}
		switch {
		case t.cleanText && (c == 0 || isControl(c)):
			t.asciiClass[c] = classSkip
		case isSplitSpace(c) || (t.cleanText && isCleanWhitespace(c)):
			t.asciiClass[c] = classSpace
		case isASCIIPunct(c):
			t.asciiClass[c] = classPunct
			id, ok := t.vocab[string([]byte{byte(c)})]
			if !ok {
				id = t.unkID
			}
			t.asciiPunct[c] = id
		default:
			t.asciiClass[c] = classChar
		}
	}
}
