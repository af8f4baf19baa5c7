package skillfind

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/skillx/skillx/internal/textnorm"
)

// DefaultMaxBytes is the largest résumé Find accepts when Options.MaxBytes is 0: 64 KiB, about
// 25 pages of plain text.
const DefaultMaxBytes = 64 << 10

// Errors of Find, for errors.Is: each is a failure of one person's résumé, not of a run.
var (
	// ErrEmpty is returned for a text with nothing but white space and control characters.
	ErrEmpty = errors.New("résumé is empty")
	// ErrTooLarge is returned for a text over the size limit.
	ErrTooLarge = errors.New("résumé is too large")
	// ErrBinary is returned for bytes that are not text (a PDF, a Word file, an image).
	ErrBinary = errors.New("résumé is not plain text")
)

// TextStats says what cleaning the text did.
type TextStats struct {
	// Bytes is the size of the text as given.
	Bytes int `json:"bytes"`
	// Lines is the number of non-blank lines (a line with bullets in the middle counts once per
	// bullet).
	Lines int `json:"lines"`
	// RepeatedLines is the number of lines that repeat an earlier line: they are matched once.
	RepeatedLines int `json:"repeated_lines"`
	// MojibakeFixed is the number of characters repaired from UTF-8 read as Windows-1252
	// ("â€¢" -> "•", "â€™" -> "’", "Ã©" -> "é").
	MojibakeFixed int `json:"mojibake_fixed"`
	// ControlRemoved is the number of control and invisible characters removed.
	ControlRemoved int `json:"control_removed"`
	// Windows1252 is the number of bytes that were not UTF-8 and were read as Windows-1252.
	Windows1252 int `json:"windows1252_bytes"`
}

// line is one line (or bulleted piece of a line) of cleaned text.
type line struct {
	no      int    // 1-based line number in the text
	block   int    // blank lines before it: lines of one block share it
	text    string // cleaned (NormalizeText)
	dup     bool   // repeats an earlier line
	joined  bool   // continues the line before it, and is matched with it (joinWrapped)
	repeats int    // later copies of this line
}

// checkSize returns ErrTooLarge when n is over max.
func checkSize(n, max int) error {
	if n > max {
		return fmt.Errorf("%w: %d bytes; the limit is %d bytes (%s): shorten it to its recent roles and skills", ErrTooLarge, n, max, kib(max))
	}
	return nil
}

func kib(n int) string {
	if n%1024 == 0 {
		return fmt.Sprintf("%d KiB", n/1024)
	}
	return fmt.Sprintf("%d bytes", n)
}

// checkBinary returns ErrBinary when b is not text: it has a NUL byte, the signature of a
// PDF, Word or zip file, or more than 1 byte in 20 (and at least 8) that are control
// characters or not UTF-8.
func checkBinary(b []byte) error {
	kind := ""
	switch {
	case bytes.HasPrefix(b, []byte("%PDF-")):
		kind = " (it is a PDF file)"
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		kind = " (it is a zip file: a Word .docx, an OpenDocument file?)"
	case bytes.HasPrefix(b, []byte("\xD0\xCF\x11\xE0")):
		kind = " (it is an old Word .doc file)"
	case bytes.HasPrefix(b, []byte("\x89PNG")) || bytes.HasPrefix(b, []byte("\xFF\xD8\xFF")) || bytes.HasPrefix(b, []byte("GIF8")):
		kind = " (it is an image)"
	}
	if kind != "" {
		return fmt.Errorf("%w%s: save it as plain text (.txt) and try again", ErrBinary, kind)
	}
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return fmt.Errorf("%w: it holds a NUL byte at offset %d: save it as plain text (.txt) and try again", ErrBinary, i)
	}
	bad := 0
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' || c == 0x7f {
				bad++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			bad++
		}
		i += size
	}
	if bad >= 8 && bad*20 > len(b) {
		return fmt.Errorf("%w: %d of its %d bytes are control characters or not UTF-8: save it as plain text (.txt) and try again", ErrBinary, bad, len(b))
	}
	return nil
}

// cleanLines repairs and splits text into lines: bytes that are not UTF-8 are read as
// Windows-1252, mojibake is repaired, control and invisible characters are removed, a line is
// cut at bullets in its middle, each piece is normalised as clean normalises text (NFC, white
// space collapsed), and a piece that repeats an earlier one is marked.
func cleanLines(b []byte, st *TextStats) []line {
	s := decodeUTF8(b, st)
	s = fixMojibake(s, st)
	s = removeControls(s, st)
	var out []line
	seen := map[string]int{}
	no, block := 0, 0
	for rest := s; len(rest) > 0 || no == 0; {
		var ln string
		ln, rest, _ = strings.Cut(rest, "\n")
		no++
		if strings.TrimSpace(ln) == "" {
			block++
		}
		for _, piece := range splitBullets(ln) {
			t := textnorm.NormalizeText(markColumns(piece))
			if !hasWordRune(t) {
				continue
			}
			l := line{no: no, block: block, text: t}
			key := dedupeKey(t)
			if i, ok := seen[key]; ok {
				out[i].repeats++
				l.dup = true
				st.RepeatedLines++
			} else {
				seen[key] = len(out)
			}
			out = append(out, l)
			st.Lines++
		}
		if len(rest) == 0 {
			break
		}
	}
	return out
}

// hasWordRune reports whether s has a letter or digit.
func hasWordRune(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// dedupeKey is the key under which two lines are the same line: lower-case, without leading
// bullets and punctuation.
func dedupeKey(s string) string {
	s = strings.TrimLeftFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	return strings.ToLower(s)
}

// decodeUTF8 returns b as a string, reading each byte that is not part of valid UTF-8 as
// Windows-1252 (a résumé saved by an old editor).
func decodeUTF8(b []byte, st *TextStats) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var sb strings.Builder
	sb.Grow(len(b) + 16)
	dec := charmap.Windows1252
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			sb.WriteRune(dec.DecodeByte(b[i]))
			st.Windows1252++
			i++
			continue
		}
		sb.WriteRune(r)
		i += size
	}
	return sb.String()
}

// cp1252Specials maps the characters Windows-1252 puts at 0x80-0x9F back to their byte.
var cp1252Specials = func() map[rune]byte {
	m := make(map[rune]byte, 32)
	for c := 0x80; c <= 0x9F; c++ {
		if r := charmap.Windows1252.DecodeByte(byte(c)); r != utf8.RuneError && r != rune(c) {
			m[r] = byte(c)
		}
	}
	return m
}()

// cp1252Byte returns the byte of r in Windows-1252's upper half (or Latin-1 and the C1
// controls, which some decoders give for its five undefined bytes); ok is false for any other
// character.
func cp1252Byte(r rune) (byte, bool) {
	if r >= 0x80 && r <= 0xFF {
		return byte(r), true
	}
	if r < 0x152 || r > 0x2122 {
		return 0, false
	}
	b, ok := cp1252Specials[r]
	return b, ok
}

// fixMojibake repairs UTF-8 text that was decoded as Windows-1252 (or Latin-1) somewhere on
// its way: each run of characters of Windows-1252's upper half is turned back into bytes, and
// every valid multi-byte UTF-8 sequence among them replaces the characters it came from
// ("â€¢" -> "•", "â€™" -> "’", "Ã©" -> "é", "Â·" -> "·"). A run that is not UTF-8 ("é" alone,
// "Atlântico") is left as it is. Text that was encoded twice is repaired twice.
func fixMojibake(s string, st *TextStats) string {
	for pass := 0; pass < 2; pass++ {
		out, n := fixMojibakeOnce(s)
		if n == 0 {
			break
		}
		st.MojibakeFixed += n
		s = out
	}
	return s
}

func fixMojibakeOnce(s string) (string, int) {
	if !mayHaveMojibake(s) {
		return s, 0
	}
	var sb strings.Builder
	sb.Grow(len(s))
	fixed := 0
	var run []rune
	var raw []byte
	flush := func() {
		if len(run) >= 2 {
			raw = raw[:0]
			for _, r := range run {
				c, _ := cp1252Byte(r)
				raw = append(raw, c)
			}
			for k := 0; k < len(raw); {
				if raw[k] >= 0xC2 && raw[k] <= 0xF4 {
					if r, size := utf8.DecodeRune(raw[k:]); r != utf8.RuneError && size >= 2 {
						sb.WriteRune(r)
						fixed++
						k += size
						continue
					}
				}
				sb.WriteRune(run[k])
				k++
			}
		} else {
			for _, r := range run {
				sb.WriteRune(r)
			}
		}
		run = run[:0]
	}
	for _, r := range s {
		if _, ok := cp1252Byte(r); ok {
			run = append(run, r)
			continue
		}
		flush()
		sb.WriteRune(r)
	}
	flush()
	if fixed == 0 {
		return s, 0
	}
	return sb.String(), fixed
}

// mayHaveMojibake reports whether s has a character that starts a UTF-8 sequence read as
// Windows-1252 (Â to ô) followed by one of Windows-1252's upper half.
func mayHaveMojibake(s string) bool {
	prevLead := false
	for i := 0; i < len(s); i++ {
		if s[i] < utf8.RuneSelf {
			prevLead = false
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size - 1
		_, high := cp1252Byte(r)
		if prevLead && high {
			return true
		}
		prevLead = r >= 0xC2 && r <= 0xF4
	}
	return false
}

// removeControls turns line ends into '\n' and tabs into spaces, and removes the other
// control characters and the invisible ones (zero-width spaces and joiners, direction marks,
// the byte-order mark, the soft hyphen, U+FFFD).
func removeControls(s string, st *TextStats) string {
	clean := true
	for _, r := range s {
		if r < 0x20 && r != '\n' || r >= 0x7F && needsControlWork(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var sb strings.Builder
	sb.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '\r':
			sb.WriteByte('\n')
			if i < len(s) && s[i] == '\n' {
				i++
			}
		case r == '\n' || r == '\f' || r == '\v' || r == 0x85 || r == 0x2028 || r == 0x2029:
			sb.WriteByte('\n')
		case r == '\t':
			sb.WriteByte(' ')
		case unicode.IsControl(r) || isInvisible(r):
			st.ControlRemoved++
		default:
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

func needsControlWork(r rune) bool {
	return unicode.IsControl(r) || isInvisible(r) || r == 0x2028 || r == 0x2029
}

// isInvisible reports whether r is a character that shows nothing and carries no meaning
// here.
func isInvisible(r rune) bool {
	switch {
	case r == 0xAD, r == 0xFEFF, r == utf8.RuneError:
		return true
	case r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E, r >= 0x2060 && r <= 0x2064:
		return true
	}
	return false
}

// bullets mark list items; one in the middle of a line starts a new piece. U+F0B7 and U+F0A7
// are the bullets of Word's Symbol font, as they come out in a copied text.
const bullets = "•▪●■◦‣\uf0b7\uf0a7➢►✓✔"

// columnGap is the least run of spaces inside a line that separates columns.
const columnGap = "   "

// markColumns puts a separator (" | ") where a run of three or more spaces inside ln
// separates two columns ("Menu development        Food cost control": a list laid out in two
// columns, or a job line with its dates on the right), so that a phrase never spans them.
// White space before and after the text is left alone.
func markColumns(ln string) string {
	t := strings.TrimSpace(ln)
	if !strings.Contains(t, columnGap) {
		return ln
	}
	var sb strings.Builder
	for i := 0; i < len(t); {
		if t[i] != ' ' {
			sb.WriteByte(t[i])
			i++
			continue
		}
		j := i
		for j < len(t) && t[j] == ' ' {
			j++
		}
		if j-i >= len(columnGap) {
			sb.WriteString(" | ")
		} else {
			sb.WriteString(t[i:j])
		}
		i = j
	}
	return sb.String()
}

// splitBullets cuts ln before each bullet that follows other text.
func splitBullets(ln string) []string {
	if !strings.ContainsAny(ln, bullets) {
		return []string{ln}
	}
	var out []string
	start := 0
	for i, r := range ln {
		if strings.ContainsRune(bullets, r) && strings.TrimSpace(ln[start:i]) != "" {
			out = append(out, ln[start:i])
			start = i
		}
	}
	return append(out, ln[start:])
}
