package skillfind

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// word is one word of a text as the matcher sees it.
type word struct {
	key     string // normalised form: lower-case, accents stripped, plural folded
	alt     string // versionless form ("css3" -> "css"), "" when the word has no version
	kb, ab  []byte // key and alt as bytes, valid only during splitWords' call (fast path)
	start   int    // byte offset of the word in its line
	end     int    // byte offset just after the word
	capital bool   // the word starts with an upper-case letter in the text
	upper   bool   // every letter of the word is upper-case
	brk     bool   // a separator comes between this word and the previous one
}

// splitWords calls fn with each word of s, in order. Words are made of letters, digits, '+'
// and '#' (so "C++" and "C#" stay words), as in internal/tfidf; a '.' between two word
// characters stays in the word ("node.js", "asp.net"), an apostrophe inside a word is dropped
// ("client's" -> "clients"). Letters are lower-cased and stripped of accents (NFKD).
// A phrase never spans a separator: punctuation other than a hyphen, a slash, an ampersand,
// a dot or an apostrophe; a dash with a space on either side; or a full stop ending a word.
//
// With strs, the word's key and alt are strings; without, only its kb and ab are set, and
// they are valid only until fn returns (the matcher looks them up without allocating).
func splitWords(s string, buf []byte, strs bool, fn func(w word)) []byte {
	b := buf[:0]
	pendingBrk := true
	start := -1
	capital, upper, hasLetter := false, true, false
	emit := func(end int) {
		// A trailing '.' ends the word and the phrase.
		dot := false
		for len(b) > 0 && b[len(b)-1] == '.' {
			b = b[:len(b)-1]
			end--
			dot = true
		}
		if len(b) > 0 {
			n := len(b)
			allCaps := upper && hasLetter
			switch {
			case acronymPlural(s[start:end]): // "APIs", "KPIs"
				n--
			case !allCaps: // an acronym in capitals is not a plural ("BARS", "MARS")
				n = pluralLen(b)
			}
			w := word{start: start, end: end, capital: capital, upper: allCaps, brk: pendingBrk}
			a := versionLen(b)
			if strs {
				w.key = string(b[:n])
				if a > 0 {
					w.alt = string(b[:a])
				}
			} else {
				w.kb = b[:n]
				w.ab = b[:a]
			}
			fn(w)
			pendingBrk = false
		}
		if dot {
			pendingBrk = true
		}
		b = b[:0]
		start = -1
		capital, upper, hasLetter = false, true, false
	}
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		switch {
		case isWordRune(r):
			if start < 0 {
				start = i
				capital = unicode.IsUpper(r)
			}
			if unicode.IsLetter(r) {
				hasLetter = true
				if !unicode.IsUpper(r) {
					upper = false
				}
			}
			b = appendFolded(b, r)
		case r == '.' && start >= 0 && i+1 < len(s) && isWordByte(s[i+1]):
			b = append(b, '.')
		case (r == '\'' || r == '’') && start >= 0 && i+size < len(s) && isLetterByte(s[i+size]):
			// "client's": the apostrophe is dropped, the word goes on.
		default:
			fullStop := r == '.' && start >= 0 // "... in 2019. Next"
			if start >= 0 {
				emit(i)
			}
			if fullStop || isBreak(s, i, r, size) {
				pendingBrk = true
			}
		}
		i += size
	}
	if start >= 0 {
		emit(len(s))
	}
	return b
}

// isWordRune reports whether r belongs to a word.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return isWordByte(byte(r))
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// isWordByte reports whether the ASCII byte c belongs to a word.
func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '#'
}

// isLetterByte reports whether c is an ASCII letter or starts a multi-byte rune (taken as a
// letter, for the apostrophe rule).
func isLetterByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= utf8.RuneSelf
}

// isBreak reports whether the character r at s[i:i+size] separates phrases.
func isBreak(s string, i int, r rune, size int) bool {
	switch r {
	case ' ', '/', '&', '\'', '’', '.':
		return false
	case '-', '–', '—':
		// A dash inside a word ("e-commerce") joins; one next to a space separates
		// ("Python- Exprience - 24 months", "2019 – present").
		before := i > 0 && s[i-1] != ' '
		after := i+size < len(s) && s[i+size] != ' '
		return !(before && after) || r != '-'
	}
	return !unicode.IsSpace(r)
}

// appendFolded appends r lower-cased and without accents.
func appendFolded(b []byte, r rune) []byte {
	if r < utf8.RuneSelf {
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		return append(b, byte(r))
	}
	if unicode.Is(unicode.Mn, r) {
		return b
	}
	var tmp [utf8.UTFMax]byte
	n := utf8.EncodeRune(tmp[:], r)
	if !norm.NFKD.IsNormal(tmp[:n]) {
		for _, d := range norm.NFKD.String(string(r)) {
			if !unicode.Is(unicode.Mn, d) {
				b = utf8.AppendRune(b, unicode.ToLower(d))
			}
		}
		return b
	}
	return utf8.AppendRune(b, unicode.ToLower(r))
}

// foldPlural returns w without a plural 's' ("databases" -> "database"), the rule recommend's
// offline analyst uses: words longer than 3 letters ending in 's' but not "ss", "us" or "is".
// Only words of letters are folded ("node.js" stays).
func foldPlural(w string) string { return w[:pluralLen(w)] }

// pluralLen returns the length of w without a plural 's' (foldPlural).
func pluralLen[T string | []byte](w T) int {
	n := len(w)
	if n > 3 && w[n-1] == 's' && w[n-2] != 's' && w[n-2] != 'u' && w[n-2] != 'i' && allASCIILetters(w) {
		return n - 1
	}
	return n
}

func allASCIILetters[T string | []byte](w T) bool {
	for i := 0; i < len(w); i++ {
		if !isASCIILetter(w[i]) {
			return false
		}
	}
	return true
}

// acronymPlural reports whether w is an acronym in capitals with a plural 's' ("APIs",
// "KPIs").
func acronymPlural(w string) bool {
	n := len(w)
	if n < 3 || w[n-1] != 's' {
		return false
	}
	for i := 0; i < n-1; i++ {
		if !(w[i] >= 'A' && w[i] <= 'Z') {
			return false
		}
	}
	return true
}

// versionless returns the letters of a word of at least two letters followed by a version
// number ("css3" -> "css", "html5" -> "html", "python3" -> "python", "es2015" -> "es"), or ""
// when w is not such a word. Words of one letter keep their digits ("s3"), and so do words
// with letters after the digits ("log4j", "3d").
func versionless(w string) string { return w[:versionLen(w)] }

// versionLen returns the length of the letters of w when they are followed by a version
// number (versionless), else 0.
func versionLen[T string | []byte](w T) int {
	j := 0
	for j < len(w) && isASCIILetter(w[j]) {
		j++
	}
	if j < 2 || j == len(w) || !isVersionNumber(w[j:]) {
		return 0
	}
	return j
}

// isVersionNumber reports whether s is a version number: digits, with dots between them and
// an optional trailing '+' ("3", "3.11", "2+").
func isVersionNumber[T string | []byte](s T) bool {
	if len(s) > 0 && s[len(s)-1] == '+' {
		s = s[:len(s)-1]
	}
	if len(s) == 0 || s[0] == '.' || s[len(s)-1] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
			return false
		}
	}
	return true
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// words returns the words of s (splitWords), for building the vocabulary and for tests.
func words(s string) []word {
	var out []word
	splitWords(s, nil, true, func(w word) { out = append(out, w) })
	return out
}
