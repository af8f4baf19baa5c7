package reliability

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/skillx/skillx/internal/manifest"
)

// badDir holds the committed bad-input corpus (go test -run TestBadInputs -update rewrites it).
const badDir = "testdata/bad"

// sampleLines returns the sample's header and data lines (without their newlines).
func sampleLines() (header string, records []string, err error) {
	data, err := os.ReadFile(sampleCSV)
	if err != nil {
		return "", nil, err
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	return lines[0], lines[1:], nil
}

// latin1 re-encodes s in ISO 8859-1 ('?' for runes beyond it).
func latin1(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 256 {
			b.WriteByte(byte(r))
		} else {
			b.WriteByte('?')
		}
	}
	return b.String()
}

// writeCorpus writes the small bad inputs of testdata/bad, each made from the sample's rows.
func writeCorpus(dir string) error {
	header, recs, err := sampleLines()
	if err != nil {
		return err
	}
	lines := func(rs ...string) string { return strings.Join(rs, "\n") + "\n" }
	// Mixed encodings: the first six records with a non-ASCII letter, the last three of them
	// re-encoded in Latin-1.
	var accented []string
	for _, r := range recs {
		if len(accented) < 6 && strings.IndexFunc(r, func(c rune) bool { return c > 127 && c < 256 }) >= 0 {
			accented = append(accented, r)
		}
	}
	for i := 3; i < 6; i++ {
		accented[i] = latin1(accented[i])
	}
	nul := append([]string(nil), recs[:8]...)
	nul[4] = strings.Replace(nul[4], ",", ",\x00", 1)
	quote := append([]string(nil), recs[:6]...)
	quote[2] = strings.Replace(quote[2], ",", `,"never closed `, 1)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(lines(append([]string{header}, recs[:20]...)...)))
	zw.Close()
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xff\x61\x00\x00\x00\x00IEND\xae\x42\x60\x82")
	random := make([]byte, 1024)
	rng := rand.New(rand.NewPCG(6, 6))
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	files := map[string][]byte{
		"mixed-encoding.csv": []byte(lines(append([]string{header}, accented...)...)),
		"nul-byte.csv":       []byte(lines(append([]string{header}, nul...)...)),
		"unclosed-quote.csv": []byte(lines(append([]string{header}, quote...)...)),
		"cut-mid-record.csv": []byte(lines(append([]string{header}, recs[:5]...)...) + recs[5][:len(recs[5])/2]),
		"duplicate-header.csv": []byte(lines(append([]string{strings.Replace(header, "Company Profile", "skills", 1)},
			recs[:5]...)...)),
		"header-only.csv":   []byte(header + "\n"),
		"empty.csv":         nil,
		"truncated.csv.gz":  gz.Bytes()[:gz.Len()/2],
		"image.png":         png,
		"random.bin":        random,
		"wrong-columns.csv": []byte("name,age,city\nalice,30,paris\nbob,40,rome\n"),
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// writeGenerated writes the large bad inputs into dir: a 1 MB field, 10,000 columns (with
// and without the Kaggle ones) and, in the long run, a record over the reader's 16 MB limit.
func writeGenerated(t *testing.T, dir string) {
	t.Helper()
	header, recs, err := sampleLines()
	if err != nil {
		t.Fatal(err)
	}
	lines := func(rs ...string) []byte { return []byte(strings.Join(rs, "\n") + "\n") }
	// The Job Description is the 18th column; a quoted 1 MB value replaces record 3's.
	withField := func(rec, value string) string {
		i := strings.Index(rec, `,"`)
		j := strings.Index(rec[i+2:], `"`)
		return rec[:i+2] + value + rec[i+2+j:]
	}
	big := append([]string(nil), recs[:5]...)
	big[2] = withField(big[2], strings.Repeat("x", 1<<20))
	extra := 10_000 - strings.Count(header, ",") - 1
	var cols, vals strings.Builder
	for i := 0; i < extra; i++ {
		fmt.Fprintf(&cols, ",extra%d", i)
		vals.WriteString(",v")
	}
	wide := []string{header + cols.String()}
	for _, r := range recs[:5] {
		wide = append(wide, r+vals.String())
	}
	var wrongCols, wrongVals strings.Builder
	for i := 0; i < 10_000; i++ {
		if i > 0 {
			wrongCols.WriteByte(',')
			wrongVals.WriteByte(',')
		}
		fmt.Fprintf(&wrongCols, "column%d", i)
		wrongVals.WriteByte('v')
	}
	files := map[string][]byte{
		"field-1mb.csv":           lines(append([]string{header}, big...)...),
		"columns-10000.csv":       lines(wide...),
		"columns-10000-wrong.csv": lines(wrongCols.String(), wrongVals.String()),
	}
	if long {
		huge := append([]string(nil), recs[:5]...)
		huge[2] = withField(huge[2], strings.Repeat("y", 17<<20))
		files["record-17mb.csv"] = lines(append([]string{header}, huge...)...)
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// badInput is one malformed input and what ingest must make of it.
type badInput struct {
	file string
	// fail is true when ingest must stop with exit 1 and a message naming the file.
	fail bool
	// msg must appear in the error message (fail), e.g. the columns found.
	msg []string
	// records is the number of source records (success): postings + rejects must add up to it.
	records int64
	// rejects is the least number of rejects expected (success).
	rejects int64
	// invalidUTF8 is true when the manifest must count replaced invalid UTF-8.
	invalidUTF8 bool
}

// TestBadInputs runs ingest (presets kaggle and auto) on each malformed input: it must either
// stop with exit 1 and a message naming the file (and, for a column problem, the columns found),
// or succeed with every record a posting or a reject with a reason; clean then accounts for
// every record too.
func TestBadInputs(t *testing.T) {
	if *updateFlag {
		if err := writeCorpus(badDir); err != nil {
			t.Fatal(err)
		}
	}
	gen := t.TempDir()
	writeGenerated(t, gen)
	cases := []badInput{
		{file: "truncated.csv.gz", fail: true, msg: []string{"truncated"}},
		{file: "mixed-encoding.csv", records: 6, invalidUTF8: true},
		{file: "nul-byte.csv", records: 8, rejects: 1},
		{file: "unclosed-quote.csv", records: 6, rejects: 1},
		{file: "cut-mid-record.csv", records: 6, rejects: 1},
		{file: "duplicate-header.csv", fail: true, msg: []string{`"skills"`, "duplicate"}},
		{file: "header-only.csv", records: 0},
		{file: "empty.csv", fail: true, msg: []string{"empty"}},
		{file: "image.png", fail: true, msg: []string{"not a text table", "PNG image"}},
		{file: "random.bin", fail: true, msg: []string{"binary"}},
		{file: "wrong-columns.csv", fail: true, msg: []string{`"name"`, `"age"`, `"city"`}},
		{file: filepath.Join(gen, "field-1mb.csv"), records: 5},
		{file: filepath.Join(gen, "columns-10000.csv"), records: 5},
		{file: filepath.Join(gen, "columns-10000-wrong.csv"), fail: true, msg: []string{`"column0"`}},
	}
	if long {
		cases = append(cases, badInput{file: filepath.Join(gen, "record-17mb.csv"), records: 5, rejects: 1})
	}
	for _, c := range cases {
		path := c.file
		if !filepath.IsAbs(path) {
			path, _ = filepath.Abs(filepath.Join(badDir, c.file))
		}
		presets := []string{"kaggle", "auto"}
		if testing.Short() {
			presets = presets[1:]
		}
		for _, preset := range presets {
			t.Run(filepath.Base(c.file)+"/"+preset, func(t *testing.T) {
				t.Parallel()
				tally.inputs.Add(1)
				wd := newWorkdir(t)
				r := run(t, wd, "ingest", "--preset", preset, "--input", path)
				if c.fail {
					checkBadInputError(t, r, wd, path, c)
					return
				}
				if r.code != 0 {
					t.Fatalf("ingest %s: %v", filepath.Base(path), r)
				}
				requireComplete(t, wd, ingestStage, "incomplete-after-rerun", "on "+filepath.Base(path))
				checkAccounting(t, wd, c.records, false)
				rejects := readRejects(t, filepath.Join(wd, "data", "raw", "rejects.parquet"))
				if int64(len(rejects)) < c.rejects {
					t.Errorf("%d rejects; want at least %d", len(rejects), c.rejects)
				}
				for _, rj := range rejects {
					if rj.Reason == "" || rj.Kind == "" || rj.SourceFile != filepath.Base(path) || rj.SourceRow < 1 {
						t.Errorf("reject without its reason or origin: %+v", rj)
					}
					if !utf8.ValidString(rj.Raw) {
						t.Errorf("reject of row %d keeps invalid UTF-8 in raw", rj.SourceRow)
					}
				}
				if c.invalidUTF8 && nonUTF8Count(t, wd) == 0 {
					t.Errorf("the manifest counts no field decoded from an 8-bit encoding or replaced in %s", filepath.Base(path))
				}
				mustRun(t, wd, "clean")
				checkAccounting(t, wd, c.records, true)
			})
		}
	}
}

// checkBadInputError checks an ingest that must fail: exit 1, a message naming the file and
// holding c.msg, of a readable length, and no output written.
func checkBadInputError(t *testing.T, r result, wd, path string, c badInput) {
	t.Helper()
	if r.code != 1 {
		t.Errorf("ingest %s: exit %d; want 1\n%v", filepath.Base(path), r.code, r)
	}
	if !strings.Contains(r.stderr, filepath.Base(path)) {
		t.Errorf("message does not name %s: %s", filepath.Base(path), r.stderr)
	}
	for _, m := range c.msg {
		if !strings.Contains(r.stderr, m) {
			t.Errorf("message lacks %q: %.300s", m, r.stderr)
		}
	}
	if len(r.stderr) > 4096 {
		issue(t, "huge-error-message", "ingest %s: a %d-byte error message (%.120s...)", filepath.Base(path), len(r.stderr), r.stderr)
	}
	if files := allFiles(wd); len(files) > 0 {
		t.Errorf("a failed ingest left files: %v", files)
	}
}

// invalidUTF8Count sums invalid_utf8 over the files of the ingest manifest.
// nonUTF8Count returns how many fields ingest's manifest says were not UTF-8: decoded from an
// 8-bit encoding (Windows-1252) or with bytes replaced by U+FFFD.
func nonUTF8Count(t *testing.T, wd string) int64 {
	t.Helper()
	m, err := manifest.Read(filepath.Join(wd, "data", "raw", "postings.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	files, _ := m.Notes["files"].([]any)
	var n int64
	for _, f := range files {
		if fm, ok := f.(map[string]any); ok {
			for _, key := range []string{"invalid_utf8", "decoded"} {
				if v, ok := fm[key].(float64); ok {
					n += int64(v)
				}
			}
		}
	}
	return n
}
