package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteFileReplaces(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "sub", "out.txt")
	for _, want := range []string{"first", "second version"} {
		if err := WriteFile(p, []byte(want)); err != nil {
			t.Fatalf("WriteFile: %v", err)
		}
		got, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want {
			t.Errorf("content = %q; want %q", got, want)
		}
	}
	assertNoTemp(t, filepath.Dir(p))
}

func TestWriteFailureKeepsPrevious(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.txt")
	if err := WriteFile(p, []byte("old")); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := Write(p, func(w io.Writer) error {
		w.Write([]byte("half of the new"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Write error = %v; want %v", err, boom)
	}
	got, _ := os.ReadFile(p)
	if string(got) != "old" {
		t.Errorf("after failed write content = %q; want %q", got, "old")
	}
	assertNoTemp(t, dir)
}

func TestAbortBeforeCommitLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "never.txt")
	f, err := Create(p)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("data")
	f.Abort()
	if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Stat(%s) error = %v; want not exist", p, err)
	}
	if err := f.Commit(); err == nil {
		t.Errorf("Commit after Abort succeeded; want an error")
	}
	assertNoTemp(t, dir)
}

func TestCleanStale(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, TempPrefix+"x-1"), []byte("junk"), 0o644)
	os.WriteFile(filepath.Join(dir, "keep.txt"), []byte("keep"), 0o644)
	if err := CleanStale(dir); err != nil {
		t.Fatal(err)
	}
	assertNoTemp(t, dir)
	if _, err := os.Stat(filepath.Join(dir, "keep.txt")); err != nil {
		t.Errorf("CleanStale removed a regular file: %v", err)
	}
}

func TestReadOnlyFolder(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root ignores folder permissions")
	}
	dir := t.TempDir()
	os.Chmod(dir, 0o555)
	defer os.Chmod(dir, 0o755)
	if err := WriteFile(filepath.Join(dir, "x"), []byte("x")); err == nil {
		t.Errorf("WriteFile into a read-only folder succeeded; want an error")
	}
}

func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, TempPrefix+"*"))
	if len(m) != 0 {
		t.Errorf("temporary files left behind: %v", m)
	}
}

func TestPublishAllPublishesNothingWhenOnePrepareFails(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	WriteFile(a, []byte("old a"))
	fa, err := Stage(a, []byte("new a"))
	if err != nil {
		t.Fatal(err)
	}
	fb, err := Stage(b, []byte("new b"))
	if err != nil {
		t.Fatal(err)
	}
	fb.Abort() // b cannot be prepared any more
	called := false
	if err := PublishAll(func() error { called = true; return nil }, fa, fb); err == nil {
		t.Fatalf("PublishAll with an aborted file succeeded")
	}
	fa.Abort()
	if got, _ := os.ReadFile(a); string(got) != "old a" || called {
		t.Errorf("after a failed PublishAll a = %q, before called %v; want the old content and no call", got, called)
	}
	fa, _ = Stage(a, []byte("new a"))
	fb, _ = Stage(b, []byte("new b"))
	if err := PublishAll(nil, fa, fb); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(b); string(got) != "new b" {
		t.Errorf("b = %q; want new b", got)
	}
	assertNoTemp(t, dir)
}
