package tabular

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

type pqPosting struct {
	ID      int64    `parquet:"id"`
	Title   string   `parquet:"title"`
	Score   float64  `parquet:"score"`
	Weight  float32  `parquet:"weight"`
	Remote  bool     `parquet:"remote"`
	Small   int32    `parquet:"small"`
	Company *string  `parquet:"company,optional"`
	Skills  []string `parquet:"skills,list"`
	Tags    []string `parquet:"tags"`
	Day     int32    `parquet:"day,date"`
	Posted  int64    `parquet:"posted,timestamp(millisecond)"`
	Price   int64    `parquet:"price,decimal(2:10)"`
	Raw     []byte   `parquet:"raw"`
}

func writeParquet(t testing.TB, path string, rows []pqPosting, rowsPerGroup int64) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := parquet.NewGenericWriter[pqPosting](f, parquet.MaxRowsPerRowGroup(rowsPerGroup))
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestParquetRoundTrip(t *testing.T) {
	acme := "Acme, Inc."
	var rows []pqPosting
	for i := 0; i < 1000; i++ {
		p := pqPosting{
			ID:     int64(i),
			Title:  fmt.Sprintf("Engineer %d", i),
			Score:  float64(i) + 0.25,
			Weight: 1.5,
			Remote: i%2 == 0,
			Small:  int32(-i),
			Day:    19000, // 2022-01-08
			Posted: 1700000000123,
			Price:  -12345,
			Raw:    []byte("ok"),
		}
		if i%3 == 0 {
			p.Company = &acme
		}
		if i%4 != 0 {
			p.Skills = []string{"Go", fmt.Sprintf("skill%d", i)}
		}
		if i == 7 {
			p.Tags = []string{"a", "b", "c"}
			p.Raw = []byte("bad\xff")
		}
		rows = append(rows, p)
	}
	path := filepath.Join(t.TempDir(), "postings.parquet")
	writeParquet(t, path, rows, 300) // several row groups

	for _, name := range []string{path} {
		r, err := Open(name, Options{})
		if err != nil {
			t.Fatalf("Open(%q) error = %v", name, err)
		}
		wantHeader := "id|title|score|weight|remote|small|company|skills|tags|day|posted|price|raw"
		if got := strings.Join(r.Header(), "|"); got != wantHeader {
			t.Errorf("Header() = %q; want %q", got, wantHeader)
		}
		if r.Format() != FormatParquet {
			t.Errorf("Format() = %v; want parquet", r.Format())
		}
		n := 0
		for {
			rc, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("Next() error = %v", err)
			}
			i := n
			n++
			if rc.Err != nil || rc.Row != int64(n) || rc.Line != 0 {
				t.Fatalf("record %d = %+v; want row %d, line 0, no error", n, rc, n)
			}
			company, skills, tags, raw := "", "", "", "ok"
			if i%3 == 0 {
				company = acme
			}
			if i%4 != 0 {
				skills = fmt.Sprintf("Go; skill%d", i)
			}
			if i == 7 {
				tags, raw = "a; b; c", "bad\uFFFD"
			}
			remote := fmt.Sprint(i%2 == 0)
			want := []string{fmt.Sprint(i), fmt.Sprintf("Engineer %d", i), fmt.Sprint(float64(i) + 0.25), "1.5", remote,
				fmt.Sprint(-i), company, skills, tags, "2022-01-08", "2023-11-14T22:13:20.123Z", "-123.45", raw}
			if got := strings.Join(rc.Fields, "|"); got != strings.Join(want, "|") {
				t.Fatalf("row %d fields = %q; want %q", n, rc.Fields, want)
			}
		}
		if n != len(rows) {
			t.Errorf("read %d rows; want %d", n, len(rows))
		}
		if got := r.(UTF8Counter).InvalidUTF8(); got != 1 {
			t.Errorf("InvalidUTF8() = %d; want 1", got)
		}
		if got := r.(Progresser).InputOffset(); got <= 0 {
			t.Errorf("InputOffset() = %d; want > 0", got)
		}
		if err := r.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
	}
}

func TestParquetDetectionAndErrors(t *testing.T) {
	dir := t.TempDir()
	// Parquet content under another name is found by its magic bytes.
	path := filepath.Join(dir, "postings.bin")
	writeParquet(t, path, []pqPosting{{ID: 1, Title: "x"}}, 10)
	r, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("Open(%q) error = %v", path, err)
	}
	if r.Format() != FormatParquet {
		t.Errorf("Format() = %v; want parquet", r.Format())
	}
	if recs := readAll(t, r); len(recs) != 1 || recs[0].fields[1] != "x" {
		t.Errorf("records = %v; want one with title x", recs)
	}
	r.Close()

	bad := filepath.Join(dir, "bad.parquet")
	if err := os.WriteFile(bad, []byte("a,b\n1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(bad, Options{}); err == nil || !strings.Contains(err.Error(), "bad.parquet") {
		t.Errorf("Open(not parquet) error = %v; want one naming the file", err)
	}
}
