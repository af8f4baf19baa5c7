package tabular

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// ErrNotText marks a file that is not a text table: an image, a PDF, a
// spreadsheet workbook, an archive, or other binary content. Open and
// NewReader return a *NotTextError, which wraps it.
var ErrNotText = errors.New("not a text table")

// NotTextError says that a file is not a text table and what it looks like.
type NotTextError struct {
	// File is the file name given to Open or NewReader.
	File string
	// Looks says what the file looks like ("a PNG image").
	Looks string
	// Hint says what to do, or is empty.
	Hint string
}

// Error returns "<file> is not a text table (looks like a PNG image)",
// followed by the hint.
func (e *NotTextError) Error() string {
	msg := fmt.Sprintf("%s is not a text table (looks like %s)", e.File, e.Looks)
	if e.Hint != "" {
		msg += "; " + e.Hint
	}
	return msg
}

// Unwrap returns ErrNotText.
func (e *NotTextError) Unwrap() error { return ErrNotText }

// exportCSV is the hint for spreadsheet workbooks.
const exportCSV = "open it in a spreadsheet program and export the sheet as CSV (UTF-8), then pass the .csv file"

// magicNumber is the signature at the start of a kind of binary file.
type magicNumber struct {
	prefix string
	looks  string
	hint   string
}

// magicNumbers are the binary files people most often pass by mistake.
// Gzip (read directly) and Parquet (read by Open) are not among them; ZIP
// and OLE2 are told apart further by zipKind and oleKind.
var magicNumbers = []magicNumber{
	{"\x89PNG\r\n\x1a\n", "a PNG image", ""},
	{"\xff\xd8\xff", "a JPEG image", ""},
	{"GIF87a", "a GIF image", ""},
	{"GIF89a", "a GIF image", ""},
	{"II*\x00", "a TIFF image", ""},
	{"MM\x00*", "a TIFF image", ""},
	{"%PDF-", "a PDF document", ""},
	{"\xfd7zXZ\x00", "an xz-compressed file", "decompress it first (gzip is read directly)"},
	{"\x28\xb5\x2f\xfd", "a Zstandard-compressed file", "decompress it first (gzip is read directly)"},
	{"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", "extract the table from it first"},
	{"Rar!\x1a\x07", "a RAR archive", "extract the table from it first"},
	{"SQLite format 3\x00", "an SQLite database", "export the table as CSV first"},
	{"ARROW1\x00\x00", "an Arrow IPC file", ""},
	{"\x7fELF", "an executable program", ""},
	{"\xff\xfe", "UTF-16 text", "save it as UTF-8 (in Excel: Save As > CSV UTF-8)"},
	{"\xfe\xff", "UTF-16 text", "save it as UTF-8 (in Excel: Save As > CSV UTF-8)"},
}

// binaryShare is the share of control bytes in the first textSniffSize
// bytes above which content is binary; minBinaryBytes is the least number
// of them, so that a few NUL bytes in a small text file are left to the
// record-level check (ErrBinary).
const (
	textSniffSize  = 1 << 10
	binaryShare    = 0.05
	minBinaryBytes = 8
)

// checkText returns a *NotTextError when sample (the start of the file's
// content, after decompression) is not text: a known binary signature, or
// more than binaryShare of control bytes (NUL and the other C0 controls
// but tab, line feed, vertical tab, form feed and carriage return; DEL;
// and, in text that is not UTF-8, the bytes Windows-1252 leaves undefined)
// in its first KiB.
func checkText(name string, sample []byte) error {
	if looks, hint := sniffBinary(name, sample); looks != "" {
		return &NotTextError{File: name, Looks: looks, Hint: hint}
	}
	head := sample[:min(len(sample), textSniffSize)]
	n := controlBytes(head)
	if n >= minBinaryBytes && float64(n) > binaryShare*float64(len(head)) {
		return &NotTextError{File: name, Looks: fmt.Sprintf("binary content: %d of its first %d bytes are NUL or control bytes", n, len(head))}
	}
	return nil
}

// sniffBinary returns what sample looks like when it starts with a known
// binary signature, and a hint for the user, or "" for neither.
func sniffBinary(name string, sample []byte) (looks, hint string) {
	switch {
	case bytes.HasPrefix(sample, []byte("PK\x03\x04")), bytes.HasPrefix(sample, []byte("PK\x05\x06")):
		return zipKind(name, sample)
	case bytes.HasPrefix(sample, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
		return oleKind(name)
	case len(sample) >= 10 && string(sample[:3]) == "BZh" && '1' <= sample[3] && sample[3] <= '9' && string(sample[4:10]) == "1AY&SY":
		return "a bzip2-compressed file", "decompress it first (gzip is read directly)"
	}
	for _, m := range magicNumbers {
		if bytes.HasPrefix(sample, []byte(m.prefix)) {
			return m.looks, m.hint
		}
	}
	return "", ""
}

// zipKind tells an Excel or OpenDocument workbook, a Word document and a
// plain ZIP archive apart, by the name and by the member names that ZIP
// stores in clear.
func zipKind(name string, sample []byte) (looks, hint string) {
	ext := strings.ToLower(filepath.Ext(name))
	switch {
	case ext == ".xlsx" || ext == ".xlsm" || bytes.Contains(sample, []byte("xl/")):
		return "an Excel workbook (.xlsx)", exportCSV
	case ext == ".ods" || bytes.Contains(sample, []byte("opendocument.spreadsheet")):
		return "an OpenDocument spreadsheet (.ods)", exportCSV
	case ext == ".docx" || bytes.Contains(sample, []byte("word/")):
		return "a Word document (.docx)", ""
	}
	return "a ZIP archive", "extract the table from it first"
}

// oleKind names an OLE2 compound file (the pre-2007 Office format).
func oleKind(name string) (looks, hint string) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".doc":
		return "a Word 97-2003 document (.doc)", ""
	case ".ppt":
		return "a PowerPoint 97-2003 presentation (.ppt)", ""
	}
	return "an Excel 97-2003 workbook (.xls)", exportCSV
}

// controlBytes counts the bytes of b that do not occur in text (see
// checkText). A multi-byte sequence cut at the end of b does not make b
// invalid UTF-8.
func controlBytes(b []byte) int {
	n := 0
	for _, c := range b {
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\v' && c != '\f' && c != '\r') || c == 0x7f {
			n++
		}
	}
	if !validUTF8Prefix(b) {
		for _, c := range b {
			switch c {
			case 0x81, 0x8d, 0x8f, 0x90, 0x9d:
				n++
			}
		}
	}
	return n
}

// validUTF8Prefix reports whether b is valid UTF-8 but for a multi-byte
// sequence cut at its end.
func validUTF8Prefix(b []byte) bool {
	for i := 0; i < utf8.UTFMax && i < len(b); i++ {
		if utf8.Valid(b[:len(b)-i]) {
			return true
		}
	}
	return false
}
