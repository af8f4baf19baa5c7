package csvsafe

import (
	"encoding/csv"
	"io"
	"regexp"
)

// Quote is the prefix that makes a spreadsheet read a cell as text.
const Quote = "'"

// number matches a plain decimal number, which a spreadsheet reads as a number, never as a
// formula.
var number = regexp.MustCompile(`^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// Risky reports whether a spreadsheet could read s as a formula: s starts with '=', '+', '-',
// '@', a tab or a carriage return, and is not a plain decimal number.
func Risky(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return !number.MatchString(s)
	}
	return false
}

// quoted reports whether Cell prefixes s: s is Risky, or is a quote followed by a text that
// Cell would prefix (so that Uncell can tell an added quote from one that was there).
func quoted(s string) bool {
	for len(s) > 0 && s[0] == '\'' {
		s = s[1:]
	}
	return Risky(s)
}

// Cell returns s made safe for a spreadsheet: prefixed with a single quote when Risky(s), and
// unchanged otherwise. A text that starts with quotes before a risky character gets one more
// quote, so that Uncell(Cell(s)) == s for every s.
func Cell(s string) string {
	if quoted(s) {
		return Quote + s
	}
	return s
}

// Uncell returns the text that Cell made c from: a program that reads back a CSV written
// through this package calls it on every field.
func Uncell(c string) string {
	if len(c) > 0 && c[0] == '\'' && quoted(c[1:]) {
		return c[1:]
	}
	return c
}

// Record returns a copy of rec with every field passed through Cell.
func Record(rec []string) []string {
	out := make([]string, len(rec))
	for i, s := range rec {
		out[i] = Cell(s)
	}
	return out
}

// Writer is a csv.Writer whose every field goes through Cell.
type Writer struct {
	*csv.Writer
}

// NewWriter returns a Writer writing to w.
func NewWriter(w io.Writer) *Writer { return &Writer{Writer: csv.NewWriter(w)} }

// Write writes one record with every field made safe by Cell.
func (w *Writer) Write(rec []string) error { return w.Writer.Write(Record(rec)) }

// WriteAll writes records with every field made safe by Cell, then flushes.
func (w *Writer) WriteAll(records [][]string) error {
	for _, rec := range records {
		if err := w.Write(rec); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}
