package clean

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/skillx/skillx/internal/manifest"
)

// SourceText is what ingest did to the text of one source file that was not all valid UTF-8.
type SourceText struct {
	// File is the source file.
	File string `json:"file"`
	// Encoding is how its fields that are not ASCII were read ("utf-8", "windows-1252",
	// "latin-1").
	Encoding string `json:"encoding"`
	// Decoded is the number of fields read from Windows-1252 or Latin-1.
	Decoded int64 `json:"decoded,omitempty"`
	// FirstDecoded is where the first of them is.
	FirstDecoded string `json:"first_decoded,omitempty"`
	// Replaced is the number of fields in which bytes not valid in the encoding were replaced
	// with U+FFFD.
	Replaced int64 `json:"replaced,omitempty"`
	// FirstReplaced is where the first of them is.
	FirstReplaced string `json:"first_replaced,omitempty"`
}

// ingestFile is the part of a file entry of ingest's manifest notes that clean reads.
type ingestFile struct {
	File             string `json:"file"`
	Encoding         string `json:"encoding"`
	Decoded          int64  `json:"decoded"`
	FirstDecoded     string `json:"first_decoded"`
	InvalidUTF8      int64  `json:"invalid_utf8"`
	FirstInvalidUTF8 string `json:"first_invalid_utf8"`
}

// sourceText returns the files of ingest's manifest whose text was decoded from an 8-bit
// encoding or had bytes replaced.
func sourceText(m *manifest.Manifest) []SourceText {
	raw, err := json.Marshal(m.Notes["files"])
	if err != nil {
		return nil
	}
	var files []ingestFile
	if json.Unmarshal(raw, &files) != nil {
		return nil
	}
	var out []SourceText
	for _, f := range files {
		if f.Decoded == 0 && f.InvalidUTF8 == 0 {
			continue
		}
		out = append(out, SourceText{File: f.File, Encoding: f.Encoding, Decoded: f.Decoded, FirstDecoded: f.FirstDecoded,
			Replaced: f.InvalidUTF8, FirstReplaced: f.FirstInvalidUTF8})
	}
	return out
}

// warnText logs a warning for each source file in which ingest replaced bytes with U+FFFD.
func warnText(log *slog.Logger, text []SourceText) {
	for _, t := range text {
		if t.Replaced > 0 {
			log.Warn(fmt.Sprintf("clean: %d fields of %s had bytes that are not valid %s, replaced with U+FFFD by ingest (the first at %s); rerun ingest with --encoding if the file has another encoding",
				t.Replaced, filepath.Base(t.File), t.Encoding, t.FirstReplaced))
		}
	}
}

// writeSourceText adds the text encoding section of the clean report.
func writeSourceText(b *strings.Builder, text []SourceText) {
	if len(text) == 0 {
		return
	}
	b.WriteString("\n## Text encoding\n\n")
	b.WriteString("Source files that were not all valid UTF-8. Fields read from an 8-bit encoding were decoded; bytes that are not valid text in the file's encoding were replaced with U+FFFD (�), which loses those characters: rerun `skillx ingest --encoding ...` if the file has another encoding.\n\n")
	b.WriteString("| file | read as | fields decoded | first decoded | fields with bytes replaced by U+FFFD | first replaced |\n|---|---|---:|---|---:|---|\n")
	for _, t := range text {
		fmt.Fprintf(b, "| %s | %s | %d | %s | %d | %s |\n", filepath.Base(t.File), t.Encoding, t.Decoded, dash(t.FirstDecoded), t.Replaced, dash(t.FirstReplaced))
	}
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return strings.ReplaceAll(s, "|", "\\|")
}
