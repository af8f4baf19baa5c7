package benchdata

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/skillx/skillx/internal/testenv"
)

var benchRows = flag.Int64("benchdata.rows", 20000, "rows BenchmarkGenerate writes per iteration")

const (
	samplePath = "../../data/sample/job_postings.csv"
	// kaggleSample is the real Kaggle sample under ../shared (testenv.Shared).
	kaggleSample = "datasets/kaggle-job-descriptions/job_descriptions_sample.csv"
)

// oracle reads a source CSV one physical line at a time with encoding/csv (the sample has no
// multi-line fields), independently of the package's reader.
type oracle struct {
	header                                        []string
	good                                          [][]string
	malformed, fieldCount, emptyRole, emptySkills int64
}

func readOracle(t testing.TB, path string) oracle {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var o oracle
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	o.header = parseLine(t, lines[0])
	col := func(name string) int {
		for i, h := range o.header {
			if h == name {
				return i
			}
		}
		t.Fatalf("%s: no column %q", path, name)
		return -1
	}
	role, skills := col("Role"), col("skills")
	word := func(s string) bool {
		return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
	}
	for _, l := range lines[1:] {
		if l == "" {
			continue
		}
		rec, err := csv.NewReader(strings.NewReader(l)).Read()
		switch {
		case err != nil:
			o.malformed++
		case len(rec) != len(o.header):
			o.fieldCount++
		case !word(rec[role]):
			o.emptyRole++
		case !word(rec[skills]):
			o.emptySkills++
		default:
			o.good = append(o.good, rec)
		}
	}
	return o
}

func parseLine(t testing.TB, line string) []string {
	t.Helper()
	rec, err := csv.NewReader(strings.NewReader(line)).Read()
	if err != nil {
		t.Fatalf("parse %q: %v", line, err)
	}
	return rec
}

// readOutput parses a generated file strictly and returns its header and rows.
func readOutput(t *testing.T, path string) ([]string, [][]string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("read generated %s: %v", path, err)
	}
	if len(recs) == 0 {
		t.Fatalf("generated %s is empty", path)
	}
	return recs[0], recs[1:]
}

func colIndex(header []string) map[string]int {
	m := make(map[string]int, len(header))
	for i, h := range header {
		m[h] = i
	}
	return m
}

func key(rec []string, idx map[string]int, cols ...string) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = rec[idx[c]]
	}
	return strings.Join(parts, "\x00")
}

func TestGenerateSample(t *testing.T) {
	o := readOracle(t, samplePath)
	src, _ := os.ReadFile(samplePath)
	wantHeader, _, _ := strings.Cut(string(src), "\n")
	const rows = 3000
	dst := filepath.Join(t.TempDir(), "out.csv")
	st, err := Generate(context.Background(), samplePath, dst, Options{Rows: rows, Seed: 7})
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}

	idx := colIndex(o.header)
	sets := map[string]map[string]bool{}
	groups := [][]string{
		{"Job Title", "Role", "Job Description", "skills", "Responsibilities", "Qualifications", "Work Type", "Company Size", "Benefits"},
		{"Role", "skills", "Job Description"},
		{"location", "Country", "latitude", "longitude"},
		{"Company", "Company Profile"},
		{"Preference"}, {"Job Portal"},
	}
	combos := map[string]bool{}
	for _, rec := range o.good {
		for _, g := range groups {
			k := strings.Join(g, "+")
			if sets[k] == nil {
				sets[k] = map[string]bool{}
			}
			sets[k][key(rec, idx, g...)] = true
		}
		combos[key(rec, idx, "Role", "skills", "Job Description")] = true
	}

	counts := []struct {
		name      string
		got, want int64
	}{
		{"SourceRows", st.SourceRows, int64(len(o.good)) + o.malformed + o.fieldCount + o.emptyRole + o.emptySkills},
		{"SourceGood", st.SourceGood, int64(len(o.good))},
		{"SkippedMalformed", st.SkippedMalformed, o.malformed},
		{"SkippedFieldCount", st.SkippedFieldCount, o.fieldCount},
		{"SkippedEmptyRole", st.SkippedEmptyRole, o.emptyRole},
		{"SkippedEmptySkills", st.SkippedEmptySkills, o.emptySkills},
		{"len(Skipped)", int64(len(st.Skipped)), st.SkippedRows()},
		{"Combinations", st.Combinations, int64(len(combos))},
		{"Rows", st.Rows, rows},
	}
	for _, c := range counts {
		if c.got != c.want {
			t.Errorf("Stats.%s = %d; want %d", c.name, c.got, c.want)
		}
	}
	if fi, err := os.Stat(dst); err != nil || fi.Size() != st.Bytes {
		t.Errorf("Stats.Bytes = %d; file: %v, %v", st.Bytes, fi, err)
	}

	header, recs := readOutput(t, dst)
	if got := strings.Join(header, ","); got != wantHeader {
		t.Errorf("header = %q; want %q", got, wantHeader)
	}
	if len(recs) != rows {
		t.Fatalf("got %d rows; want %d", len(recs), rows)
	}
	formats := map[string]*regexp.Regexp{
		"Job Id":           regexp.MustCompile(`^[1-9][0-9]{14,15}$`),
		"Experience":       regexp.MustCompile(`^[0-9]+ to [0-9]+ Years$`),
		"Salary Range":     regexp.MustCompile(`^\$[0-9]+K-\$[0-9]+K$`),
		"Job Posting Date": regexp.MustCompile(`^20[0-9]{2}-[01][0-9]-[0-3][0-9]$`),
		"Contact":          regexp.MustCompile(`^[-+()0-9.x]{10,}$`),
		"Contact Person":   regexp.MustCompile(`^\S+( \S+)+$`),
	}
	ids := map[string]bool{}
	for n, rec := range recs {
		if len(rec) != len(o.header) {
			t.Fatalf("row %d has %d fields; want %d", n+1, len(rec), len(o.header))
		}
		id := rec[idx["Job Id"]]
		if ids[id] {
			t.Errorf("row %d: Job Id %s repeated", n+1, id)
		}
		ids[id] = true
		for _, g := range groups {
			k := strings.Join(g, "+")
			if !sets[k][key(rec, idx, g...)] {
				t.Errorf("row %d: (%s) = %q not in the source's good rows", n+1, k, key(rec, idx, g...))
			}
		}
		for col, re := range formats {
			if v := rec[idx[col]]; !re.MatchString(v) {
				t.Errorf("row %d: %s = %q; want a match of %s", n+1, col, v, re)
			}
		}
		if t.Failed() {
			t.FailNow()
		}
	}
	// With 3000 draws over the sample's combinations, all of them should appear.
	seen := map[string]bool{}
	for _, rec := range recs {
		seen[key(rec, idx, "Role", "skills", "Job Description")] = true
	}
	if len(seen) != len(combos) {
		t.Errorf("output has %d distinct (Role, skills, Job Description); want all %d of the source", len(seen), len(combos))
	}
}

func TestGenerateSourceRows(t *testing.T) {
	const hdr = "Job Id,Role,skills,Job Description\n"
	tests := []struct {
		name                                                string
		body                                                string
		good, malformed, fieldCount, emptyRole, emptySkills int64
		combos                                              int64
	}{
		{
			name: "clean rows and a duplicate",
			body: "1,Data Analyst,SQL Excel,Analyses data.\n2,Data Analyst,SQL Excel,Analyses data.\n3,Nurse,Patient care,\"Cares, for patients.\"\n",
			good: 3, combos: 2,
		},
		{
			name: "unclosed quote does not swallow later rows",
			body: "1,Data Analyst,SQL Excel,Analyses data.\n2,Nurse,Patient care,\"Unclosed quote\n3,Nurse,\"Care, triage\",\"Cares.\"\n4,Nurse,Triage,\"Cares.\"\n5,Nurse,Triage,Cares.\n",
			good: 4, malformed: 1, combos: 3,
		},
		{
			name: "unclosed quote at end of file",
			body: "1,Data Analyst,SQL Excel,Analyses data.\n2,Nurse,Patient care,\"Unclosed quote\n",
			good: 1, malformed: 1, combos: 1,
		},
		{
			name: "quoted field over two lines is one row",
			body: "1,Data Analyst,SQL Excel,\"Analyses\ndata.\"\n2,Nurse,Patient care,Cares.\n",
			good: 2, combos: 2,
		},
		{
			name: "bare and extraneous quotes",
			body: "1,Data Analyst,SQL 5\" screens,Analyses data.\n2,Nurse,\"Patient\"care,Cares.\n3,Nurse,Triage,Cares.\n",
			good: 1, malformed: 2, combos: 1,
		},
		{
			name: "wrong field counts",
			body: "1,Data Analyst,SQL Excel\n2,Nurse,Triage,Cares.,extra\n3,Nurse,Triage,Cares.\n",
			good: 1, fieldCount: 2, combos: 1,
		},
		{
			name: "empty, blank and punctuation-only values",
			body: "1,,SQL,Analyses.\n2,   ,SQL,Analyses.\n3,\" \",SQL,Analyses.\n4,Nurse,,Cares.\n5,Nurse, ; ,Cares.\n6,Nurse,\" ; , \",Cares.\n7,Enfermera,Atención,Cuida.\n",
			good: 1, emptyRole: 3, emptySkills: 3, combos: 1,
		},
		{
			name: "blank lines and CRLF line endings",
			body: "1,Data Analyst,SQL,Analyses.\r\n\r\n\n2,Nurse,Triage,Cares.\r\n",
			good: 2, combos: 2,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			src := filepath.Join(dir, "src.csv")
			if err := os.WriteFile(src, []byte(hdr+tc.body), 0o644); err != nil {
				t.Fatal(err)
			}
			dst := filepath.Join(dir, "out.csv")
			st, err := Generate(context.Background(), src, dst, Options{Rows: 50, Seed: 1})
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			checks := []struct {
				name      string
				got, want int64
			}{
				{"SourceGood", st.SourceGood, tc.good},
				{"SkippedMalformed", st.SkippedMalformed, tc.malformed},
				{"SkippedFieldCount", st.SkippedFieldCount, tc.fieldCount},
				{"SkippedEmptyRole", st.SkippedEmptyRole, tc.emptyRole},
				{"SkippedEmptySkills", st.SkippedEmptySkills, tc.emptySkills},
				{"SourceRows", st.SourceRows, tc.good + st.SkippedRows()},
				{"Combinations", st.Combinations, tc.combos},
			}
			for _, c := range checks {
				if c.got != c.want {
					t.Errorf("Stats.%s = %d; want %d (skipped: %+v)", c.name, c.got, c.want, st.Skipped)
				}
			}
			header, recs := readOutput(t, dst)
			if got := strings.Join(header, ","); got+"\n" != hdr {
				t.Errorf("header = %q; want %q", got, strings.TrimSpace(hdr))
			}
			if len(recs) != 50 {
				t.Errorf("got %d rows; want 50", len(recs))
			}
		})
	}
}

// TestGenerateKeepsValues checks that stored values reach the output as the source holds them:
// quoted where CSV needs it (a comma, a quote, a line break, here a CRLF one), unquoted where it
// does not, and Windows-1252 text decoded to UTF-8 as ingest would read it.
func TestGenerateKeepsValues(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src.csv")
	body := "Job Id,Role,skills,Job Description\r\n" +
		"1,\"Nurse\",\"Care, triage\",\"He said \"\"hi\"\"\r\nthen left\"\r\n" +
		"2,Nurse,Caf\xe9 work,Plain.\r\n"
	if err := os.WriteFile(src, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, "out.csv")
	st, err := Generate(context.Background(), src, dst, Options{Rows: 40, Seed: 5})
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	if st.SourceGood != 2 || st.Combinations != 2 {
		t.Errorf("SourceGood, Combinations = %d, %d; want 2, 2", st.SourceGood, st.Combinations)
	}
	out, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Job Id,Role,skills,Job Description\n",
		",Nurse,\"Care, triage\",\"He said \"\"hi\"\"\r\nthen left\"\n",
		",Nurse,Caf\u00e9 work,Plain.\n",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestGenerateSkippedLines(t *testing.T) {
	o := readOracle(t, samplePath)
	data, err := os.ReadFile(samplePath)
	if err != nil {
		t.Fatal(err)
	}
	// Lines the oracle rejects, found again here by line number.
	var want []int64
	for i, l := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		if i == 0 || l == "" {
			continue
		}
		rec, err := csv.NewReader(strings.NewReader(l)).Read()
		if err != nil || len(rec) != len(o.header) || !goodRow(rec, o.header) {
			want = append(want, int64(i+1))
		}
	}
	st, err := Generate(context.Background(), samplePath, filepath.Join(t.TempDir(), "o.csv"), Options{Rows: 1})
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	var got []int64
	for _, s := range st.Skipped {
		got = append(got, s.Line)
	}
	if !equalInts(got, want) {
		t.Errorf("skipped lines = %v; want %v", got, want)
	}
}

func goodRow(rec, header []string) bool {
	idx := colIndex(header)
	word := func(s string) bool {
		return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
	}
	return word(rec[idx["Role"]]) && word(rec[idx["skills"]])
}

func equalInts(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestGenerateSeed(t *testing.T) {
	dir := t.TempDir()
	gen := func(name string, seed int64) []byte {
		t.Helper()
		p := filepath.Join(dir, name)
		if _, err := Generate(context.Background(), samplePath, p, Options{Rows: 2000, Seed: seed}); err != nil {
			t.Fatalf("Generate(seed %d): %v", seed, err)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a, b, c := gen("a.csv", 42), gen("b.csv", 42), gen("c.csv", 43)
	if !bytes.Equal(a, b) {
		t.Errorf("two runs with seed 42 differ")
	}
	if bytes.Equal(a, c) {
		t.Errorf("seeds 42 and 43 give the same file")
	}
}

// cancelAfter is a context whose Err reports cancellation after a number of calls.
type cancelAfter struct {
	context.Context
	calls int
}

func (c *cancelAfter) Err() error {
	c.calls--
	if c.calls < 0 {
		return context.Canceled
	}
	return nil
}

func TestGenerateCancel(t *testing.T) {
	pre, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		old  string // content of dst before the run; "" for none
	}{
		{"cancelled before start", pre, ""},
		{"cancelled while writing", &cancelAfter{Context: context.Background(), calls: 3}, ""},
		{"existing file kept", &cancelAfter{Context: context.Background(), calls: 3}, "old content\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			dst := filepath.Join(dir, "out.csv")
			if tc.old != "" {
				if err := os.WriteFile(dst, []byte(tc.old), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			_, err := Generate(tc.ctx, samplePath, dst, Options{Rows: 100000, Seed: 1})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Generate error = %v; want context.Canceled", err)
			}
			ents, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, e := range ents {
				names = append(names, e.Name())
			}
			wantNames := []string{}
			if tc.old != "" {
				wantNames = []string{"out.csv"}
			}
			if strings.Join(names, ",") != strings.Join(wantNames, ",") {
				t.Errorf("folder holds %q after cancellation; want %q", names, wantNames)
			}
			if tc.old != "" {
				if b, _ := os.ReadFile(dst); string(b) != tc.old {
					t.Errorf("dst = %q after cancellation; want %q", b, tc.old)
				}
			}
		})
	}
}

func TestGenerateErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name string
		src  string
		opts Options
		want string // substring of the error
	}{
		{"missing source", filepath.Join(dir, "nope.csv"), Options{Rows: 1}, "nope.csv"},
		{"empty source", write("empty.csv", ""), Options{Rows: 1}, "is empty"},
		{"no skills column", write("noskills.csv", "Job Id,Role\n1,Nurse\n"), Options{Rows: 1}, `column "skills" not found; columns are: Job Id, Role`},
		{"no good rows", write("bad.csv", "Role,skills\n,SQL\nNurse,\n"), Options{Rows: 1}, "no usable rows (2 read, 2 skipped)"},
		{"negative rows", samplePath, Options{Rows: -1}, "rows -1 out of range"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dst := filepath.Join(dir, "out-"+strings.ReplaceAll(tc.name, " ", "-")+".csv")
			_, err := Generate(context.Background(), tc.src, dst, tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Generate(%s) error = %v; want one containing %q", tc.src, err, tc.want)
			}
			if _, err := os.Stat(dst); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("dst %s exists after a failed run (stat: %v)", dst, err)
			}
		})
	}
}

func TestGenerateKaggle(t *testing.T) {
	kagglePath := testenv.Shared(t, kaggleSample)
	f, err := os.Open(kagglePath)
	if err != nil {
		t.Fatal(err)
	}
	all, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatalf("read %s: %v", kagglePath, err)
	}
	idx := colIndex(all[0])
	combos := map[string]bool{}
	for _, rec := range all[1:] {
		combos[key(rec, idx, "Role", "skills", "Job Description")] = true
	}
	dst := filepath.Join(t.TempDir(), "out.csv")
	st, err := Generate(context.Background(), kagglePath, dst, Options{Rows: 5000, Seed: 3})
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	if st.SourceGood != int64(len(all)-1) || st.SkippedRows() != 0 {
		t.Errorf("SourceGood = %d, skipped = %d (%+v); want %d, 0", st.SourceGood, st.SkippedRows(), st.Skipped, len(all)-1)
	}
	if st.Combinations != int64(len(combos)) {
		t.Errorf("Combinations = %d; want %d", st.Combinations, len(combos))
	}
	header, recs := readOutput(t, dst)
	if strings.Join(header, ",") != strings.Join(all[0], ",") {
		t.Errorf("header = %q; want %q", header, all[0])
	}
	if len(recs) != 5000 {
		t.Errorf("got %d rows; want 5000", len(recs))
	}
	for n, rec := range recs {
		if !combos[key(rec, idx, "Role", "skills", "Job Description")] {
			t.Fatalf("row %d: (Role, skills, Job Description) %q not in the source", n+1, key(rec, idx, "Role", "skills"))
		}
	}
}

func TestPermuteIsInjective(t *testing.T) {
	seen := make(map[uint64]bool, 1<<16)
	for _, k := range []uint64{0, 12345, idMask} {
		clear(seen)
		for i := uint64(0); i < 1<<16; i++ {
			v := permute(i, k)
			if v > idMask || seen[v] {
				t.Fatalf("permute(%d, %d) = %d: repeated or out of range", i, k, v)
			}
			seen[v] = true
		}
	}
}

func BenchmarkGenerate(b *testing.B) {
	srcs := []struct{ name, path string }{{"sample", samplePath}, {"kaggle", ""}}
	for _, s := range srcs {
		b.Run(s.name, func(b *testing.B) {
			if s.path == "" {
				s.path = testenv.Shared(b, kaggleSample)
			}
			dst := filepath.Join(b.TempDir(), "out.csv")
			opts := Options{Rows: *benchRows, Seed: 1}
			st, err := Generate(context.Background(), s.path, dst, opts)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(st.Bytes)
			b.ReportMetric(float64(st.Rows), "rows/op")
			for b.Loop() {
				if _, err := Generate(context.Background(), s.path, dst, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
