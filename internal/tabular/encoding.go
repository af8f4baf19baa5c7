package tabular

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Encoding is the character encoding of a text file (CSV, TSV).
type Encoding int

// The encodings a CSV or TSV reader decodes. EncodingAuto reads each field
// as UTF-8 when it is valid UTF-8, and otherwise as Windows-1252 when it
// decodes cleanly as Windows-1252 (see Options.Encoding).
const (
	EncodingAuto Encoding = iota
	EncodingUTF8
	EncodingWindows1252
	EncodingLatin1
)

var encodingNames = [...]string{
	EncodingAuto:        "auto",
	EncodingUTF8:        "utf-8",
	EncodingWindows1252: "windows-1252",
	EncodingLatin1:      "latin-1",
}

// ParseEncoding returns the Encoding named by s, in any case: "auto",
// "utf-8" (or "utf8"), "windows-1252" (or "cp1252"), "latin-1" (or
// "latin1", "iso-8859-1").
func ParseEncoding(s string) (Encoding, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "auto", "":
		return EncodingAuto, nil
	case "utf-8", "utf8":
		return EncodingUTF8, nil
	case "windows-1252", "cp1252", "win-1252":
		return EncodingWindows1252, nil
	case "latin-1", "latin1", "iso-8859-1", "iso8859-1":
		return EncodingLatin1, nil
	}
	return EncodingAuto, fmt.Errorf("unknown encoding %q; encodings are: %s", s, strings.Join(encodingNames[:], ", "))
}

// String returns the name of e as ParseEncoding accepts it.
func (e Encoding) String() string {
	if e >= 0 && int(e) < len(encodingNames) {
		return encodingNames[e]
	}
	return fmt.Sprintf("Encoding(%d)", int(e))
}

// TextPosition locates a field in a file, for reports.
type TextPosition struct {
	// Row is the record's Row (0 for a header name).
	Row int64 `json:"row"`
	// Line is the line where the record starts (0 for Parquet).
	Line int64 `json:"line,omitempty"`
	// Field is the column name, or "header" for a header name, or "" when
	// the reader does not know it.
	Field string `json:"field,omitempty"`
}

// String returns "row 3 (line 4), field "skills"", leaving out what is
// not known.
func (p TextPosition) String() string {
	var b strings.Builder
	if p.Field == "header" {
		b.WriteString("the header")
	} else {
		fmt.Fprintf(&b, "row %d", p.Row)
	}
	if p.Line > 0 {
		fmt.Fprintf(&b, " (line %d)", p.Line)
	}
	if p.Field != "" && p.Field != "header" {
		fmt.Fprintf(&b, ", field %q", p.Field)
	}
	return b.String()
}

// TextReport says how a reader turned the bytes of a file into text.
type TextReport struct {
	// Encoding is how the fields that were not plain ASCII were read:
	// "utf-8", or "windows-1252" or "latin-1" when Options.Encoding chose
	// it or when, in auto mode, at least one field was not UTF-8 and was
	// read as Windows-1252 (the other fields were then read as UTF-8).
	Encoding string `json:"encoding"`
	// Decoded counts the fields read from Windows-1252 or Latin-1.
	Decoded int64 `json:"decoded,omitempty"`
	// FirstDecoded is where the first decoded field is.
	FirstDecoded *TextPosition `json:"first_decoded,omitempty"`
	// Replaced counts the fields (or header names) in which bytes that are
	// not valid in the encoding were replaced with U+FFFD.
	Replaced int64 `json:"replaced,omitempty"`
	// FirstReplaced is where the first field with a replacement is.
	FirstReplaced *TextPosition `json:"first_replaced,omitempty"`
}

// TextReporter is implemented by every Reader this package returns.
// TextReport says how the text read so far was decoded.
type TextReporter interface {
	TextReport() TextReport
}

// textDecoder turns the bytes of fields into valid UTF-8 text by the
// reader's encoding, and keeps the TextReport.
type textDecoder struct {
	enc    Encoding
	report TextReport
}

func newTextDecoder(enc Encoding) *textDecoder {
	d := &textDecoder{enc: enc}
	switch enc {
	case EncodingWindows1252, EncodingLatin1:
		d.report.Encoding = enc.String()
	default:
		d.report.Encoding = EncodingUTF8.String()
	}
	return d
}

// legacy reports whether every non-ASCII field must be decoded (the
// encoding is an 8-bit one given by the caller), rather than only those
// that are not valid UTF-8.
func (d *textDecoder) legacy() bool {
	return d.enc == EncodingWindows1252 || d.enc == EncodingLatin1
}

// decode returns v as valid UTF-8. It is called for fields that hold a
// byte >= 0x80 and, unless d.legacy(), are not valid UTF-8.
func (d *textDecoder) decode(v string, pos TextPosition) string {
	switch d.enc {
	case EncodingLatin1:
		d.decoded(pos)
		return decodeLatin1(v)
	case EncodingWindows1252:
		d.decoded(pos)
		s, ok := decodeWindows1252(v)
		if !ok {
			d.replaced(pos)
		}
		return s
	case EncodingAuto:
		if s, ok := decodeWindows1252(v); ok {
			d.report.Encoding = EncodingWindows1252.String()
			d.decoded(pos)
			return s
		}
	}
	d.replaced(pos)
	return strings.ToValidUTF8(v, "\uFFFD")
}

func (d *textDecoder) decoded(pos TextPosition) {
	d.report.Decoded++
	if d.report.FirstDecoded == nil {
		d.report.FirstDecoded = &pos
	}
}

func (d *textDecoder) replaced(pos TextPosition) {
	d.report.Replaced++
	if d.report.FirstReplaced == nil {
		d.report.FirstReplaced = &pos
	}
}

// decodeWindows1252 decodes v as Windows-1252. ok is false when v holds
// one of the five bytes Windows-1252 leaves undefined (0x81, 0x8D, 0x8F,
// 0x90, 0x9D), which become U+FFFD.
func decodeWindows1252(v string) (s string, ok bool) {
	var b strings.Builder
	b.Grow(len(v) + len(v)/2)
	ok = true
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < utf8.RuneSelf {
			b.WriteByte(c)
			continue
		}
		r := charmap.Windows1252.DecodeByte(c)
		if r == utf8.RuneError {
			ok = false
		}
		b.WriteRune(r)
	}
	return b.String(), ok
}

// decodeLatin1 decodes v as ISO 8859-1: each byte is the code point of the
// same value.
func decodeLatin1(v string) string {
	var b strings.Builder
	b.Grow(len(v) + len(v)/2)
	for i := 0; i < len(v); i++ {
		b.WriteRune(rune(v[i]))
	}
	return b.String()
}
