package tabular

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// pngBytes is the start of a real PNG file: signature, IHDR chunk, and some
// compressed bytes.
var pngBytes = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00\x5c\x72\xa8\x66"),
	bytes.Repeat([]byte{0x78, 0x9c, 0xed, 0x00, 0x01}, 200)...)

// randomBytes returns n pseudo-random bytes with a fixed seed.
func randomBytes(n int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.UintN(256))
	}
	return b
}

func TestNotText(t *testing.T) {
	zipXLSX := append([]byte("PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00"), []byte("[Content_Types].xml ... xl/workbook.xml")...)
	tests := []struct {
		file string
		data []byte
		want string // the whole message, or a substring for long ones
	}{
		{"jobs.csv", pngBytes, "jobs.csv is not a text table (looks like a PNG image)"},
		{"jobs.csv", gzipBytes(t, pngBytes), "jobs.csv is not a text table (looks like a PNG image)"},
		{"jobs.xlsx", []byte("PK\x03\x04\x14\x00\x06\x00"), "jobs.xlsx is not a text table (looks like an Excel workbook (.xlsx)); open it in a spreadsheet program and export the sheet as CSV"},
		{"jobs.csv", zipXLSX, "jobs.csv is not a text table (looks like an Excel workbook (.xlsx)); open it in a spreadsheet program and export"},
		{"jobs.zip", []byte("PK\x03\x04\x14\x00\x00\x00data.csv"), "jobs.zip is not a text table (looks like a ZIP archive)"},
		{"jobs.xls", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00"), "jobs.xls is not a text table (looks like an Excel 97-2003 workbook (.xls)); open it"},
		{"jobs.csv", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), "jobs.csv is not a text table (looks like a PDF document)"},
		{"jobs.csv", []byte("\xff\xfer\x00o\x00l\x00e\x00"), "jobs.csv is not a text table (looks like UTF-16 text); save it as UTF-8"},
		{"jobs.csv", []byte("BZh91AY&SY\x00\x01"), "looks like a bzip2-compressed file"},
		{"jobs.jsonl", randomBytes(4096), "jobs.jsonl is not a text table (looks like binary content: "},
	}
	for _, tt := range tests {
		for _, open := range []bool{false, true} {
			var err error
			if open {
				path := filepath.Join(t.TempDir(), tt.file)
				if werr := os.WriteFile(path, tt.data, 0o644); werr != nil {
					t.Fatal(werr)
				}
				_, err = Open(path, Options{})
				if err != nil {
					err = errors.New(strings.ReplaceAll(err.Error(), path, tt.file))
					if !strings.Contains(err.Error(), tt.want) {
						t.Errorf("Open(%s) error = %v; want %q", tt.file, err, tt.want)
					}
					continue
				}
			} else {
				_, err = NewReader(bytes.NewReader(tt.data), tt.file, Options{})
				var nt *NotTextError
				if !errors.Is(err, ErrNotText) || !errors.As(err, &nt) {
					t.Errorf("NewReader(%s) error = %v; want a *NotTextError", tt.file, err)
					continue
				}
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("read %s (Open %v) error = %v; want %q", tt.file, open, err, tt.want)
			}
		}
	}
	// A PNG named .parquet is not passed to the Parquet reader.
	path := filepath.Join(t.TempDir(), "jobs.parquet")
	if err := os.WriteFile(path, pngBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path, Options{}); !errors.Is(err, ErrNotText) || !strings.Contains(err.Error(), "PNG image") {
		t.Errorf("Open(PNG named .parquet) error = %v; want a PNG image error", err)
	}
	// A Parquet stream read as CSV.
	if _, err := NewReader(strings.NewReader("PAR1\x15\x00"), "x.csv", Options{Format: FormatCSV}); !errors.Is(err, ErrNotText) || !strings.Contains(err.Error(), "Parquet") {
		t.Errorf("NewReader(Parquet as CSV) error = %v; want a Parquet error", err)
	}
}

// TestTextIsText checks that text with a few stray control bytes, or in an
// 8-bit encoding, is still read as a table.
func TestTextIsText(t *testing.T) {
	var big strings.Builder
	big.WriteString("role,skills\n")
	for i := 0; i < 40; i++ {
		big.WriteString("Chef,caf\xe9 \x92menu\x92\n")
	}
	big.WriteString("Cook,\x00\x00\n") // a record with NUL bytes: a record error, not a binary file
	tests := []struct {
		name, data string
	}{
		{"windows-1252", big.String()},
		{"a NUL record", "a,b\n1,2\n\x00\x00\x00,x\n3,4\n"},
		{"form feeds and tabs", "a\tb\n1\t\f2\n"},
		{"starts like a magic word", "BZh,GIF87a,PK\nx,y,z\n"},
	}
	for _, tt := range tests {
		r, err := NewReader(strings.NewReader(tt.data), "ok.csv", Options{})
		if err != nil {
			t.Errorf("%s: NewReader error = %v; want none", tt.name, err)
			continue
		}
		readAll(t, r)
	}
}
