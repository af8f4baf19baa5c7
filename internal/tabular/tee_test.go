package tabular

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTeeSeesEveryByteOnce(t *testing.T) {
	var b strings.Builder
	b.WriteString("\ufeffid,text,note\n")
	for i := 0; i < 30000; i++ {
		fmt.Fprintf(&b, "%d,\"line one\nline two, %d\",x\r\n", i, i)
	}
	b.WriteString("broken,\"never closed\n")
	plain := []byte(b.String())
	jsonl := []byte(`{"a":"x"}` + "\n" + `{"a":"y","b":"z"}` + "\n")
	dir := t.TempDir()
	for _, tt := range []struct {
		name string
		data []byte
	}{
		{"data.csv", plain},
		{"data.csv.gz", gzipBytes(t, plain)},
		{"data.jsonl", jsonl},
		{"tiny.csv", []byte("a")},
		{"empty.csv", nil},
	} {
		path := filepath.Join(dir, tt.name)
		if err := os.WriteFile(path, tt.data, 0o644); err != nil {
			t.Fatal(err)
		}
		want := readFileRecs(t, path, Options{})
		var tee bytes.Buffer
		got := readFileRecs(t, path, Options{Tee: &tee})
		if !sameRecs(got, want) {
			t.Errorf("%s: records read with a Tee differ from those read without", tt.name)
		}
		if !bytes.Equal(tee.Bytes(), tt.data) {
			t.Errorf("%s: Tee received %d bytes; want the file's %d, in order", tt.name, tee.Len(), len(tt.data))
		}
	}
}

// readFileRecs opens path with opts and reads all its records (nil for a file that does not
// open, such as an empty one).
func readFileRecs(t *testing.T, path string, opts Options) []rec {
	t.Helper()
	r, err := Open(path, opts)
	if err != nil {
		return nil
	}
	defer r.Close()
	return readAll(t, r)
}

// TestFieldsStayIntact keeps every field of a file whose records fill several arenas (some
// decoded, some larger than an arena) and checks them all at the end: no later record may
// overwrite the text of an earlier one.
func TestFieldsStayIntact(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,text\n")
	want := map[string]string{}
	for i := 0; i < 5000; i++ {
		text := strings.Repeat(fmt.Sprintf("w%d ", i), 1+i%50)
		switch {
		case i%7 == 0:
			text += `"quoted"` // written with "" escapes: a decoded record
		case i == 1234:
			text = strings.Repeat("x", 3<<20) // larger than an arena
		case i == 2345:
			text = strings.Repeat("y", 100<<10) // larger than the room a record starts with
		}
		want[fmt.Sprint(i)] = text
		fmt.Fprintf(&b, "%d,\"%s\"\n", i, strings.ReplaceAll(text, `"`, `""`))
	}
	r, err := NewReader(strings.NewReader(b.String()), "x.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var kept [][]string
	for {
		rec, err := r.Next()
		if err != nil {
			break
		}
		kept = append(kept, append([]string(nil), rec.Fields...)) // the strings, not the reused slice
	}
	if len(kept) != len(want) {
		t.Fatalf("read %d records; want %d", len(kept), len(want))
	}
	for _, f := range kept {
		if f[1] != want[f[0]] {
			t.Fatalf("record %s: text changed after it was read (%d bytes; want %d)", f[0], len(f[1]), len(want[f[0]]))
		}
	}
}
