package manifest

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestWriteReadUpToDate(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.csv")
	out := filepath.Join(dir, "out.parquet")
	os.WriteFile(in, []byte("a,b\n1,2\n"), 0o644)
	os.WriteFile(out, []byte("output"), 0o644)

	refs, err := HashInputs(out, []string{in})
	if err != nil {
		t.Fatal(err)
	}
	if len(refs[0].SHA256) != 64 || refs[0].Size != 8 {
		t.Fatalf("HashInputs = %+v; want size 8 and a 64-digit sha256", refs[0])
	}
	const key = "key-of-this-run" // stage.Key computes it; UpToDate only compares it
	if ok, why := UpToDate(key, out); ok {
		t.Fatalf("UpToDate before any manifest = true; want false")
	} else if why == "" {
		t.Errorf("UpToDate gave no reason")
	}
	if err := Write(out, Manifest{Stage: "clean", Key: key, Inputs: refs, Rows: map[string]int64{"in": 1}}); err != nil {
		t.Fatal(err)
	}
	if ok, why := UpToDate(key, out); !ok {
		t.Errorf("UpToDate after Write = false (%s); want true", why)
	}
	m, err := Read(out)
	if err != nil {
		t.Fatal(err)
	}
	if m.Output.Size != 6 || m.Rows["in"] != 1 {
		t.Errorf("Read = size %d rows %v; want size 6 rows in=1", m.Output.Size, m.Rows)
	}
	if ok, _ := UpToDate("key-of-another-run", out); ok {
		t.Errorf("UpToDate with another key = true; want false")
	}
	os.WriteFile(out, []byte("changed output"), 0o644)
	if ok, _ := UpToDate(key, out); ok {
		t.Errorf("UpToDate after the output changed = true; want false")
	}
}

func TestHashFileReusesKnownHash(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	os.WriteFile(p, []byte("abc"), 0o644)
	ref, err := HashFile(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	const abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	if ref.SHA256 != abc {
		t.Errorf("HashFile sha256 = %s; want %s", ref.SHA256, abc)
	}
	fake := ref
	fake.SHA256 = "remembered"
	got, _ := HashFile(p, []FileRef{fake})
	if got.SHA256 != "remembered" {
		t.Errorf("HashFile with an unchanged known ref = %s; want the remembered hash", got.SHA256)
	}
	later := ref.ModTime.Add(time.Second)
	os.Chtimes(p, later, later)
	got, _ = HashFile(p, []FileRef{fake})
	if got.SHA256 != abc {
		t.Errorf("HashFile after touch = %s; want a fresh hash %s", got.SHA256, abc)
	}
}

func TestWriteAsRecordsTheGivenPath(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.parquet")
	os.WriteFile(out, []byte("output"), 0o644)
	if err := WriteAs(out, "data/out.parquet", Manifest{Stage: "clean", Key: "k"}); err != nil {
		t.Fatal(err)
	}
	m, err := Read(out)
	if err != nil {
		t.Fatal(err)
	}
	if m.Output.Path != "data/out.parquet" || m.Output.Size != 6 || len(m.Output.SHA256) != 64 {
		t.Errorf("WriteAs recorded %+v; want path data/out.parquet, size 6 and a sha256", m.Output)
	}
	if err := Check(out, "clean"); err != nil {
		t.Errorf("Check after WriteAs: %v", err)
	}
}
