package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

// TempPrefix starts the name of every temporary file this package creates, so that a crash's
// leftovers can be recognised and removed by CleanStale.
const TempPrefix = ".skillx-tmp-"

// umask is the process's file mode creation mask, read once at start.
var umask = func() os.FileMode {
	m := syscall.Umask(0)
	syscall.Umask(m)
	return os.FileMode(m)
}()

// File is a file being written atomically. Write to it, then call Commit to put it in place;
// call Abort (safe after Commit, and meant for a defer) to discard it.
type File struct {
	path     string
	tmp      *os.File
	buf      *bufio.Writer
	n        int64
	done     bool
	prepared bool
}

// Create starts writing path atomically. The folder is created when missing.
func Create(path string) (*File, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create folder %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, TempPrefix+filepath.Base(path)+"-*")
	if err != nil {
		return nil, fmt.Errorf("create temporary file for %s: %w", path, err)
	}
	// CreateTemp makes the file private; outputs are ordinary files (0644 less the umask).
	if err := tmp.Chmod(0o644 &^ umask); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, fmt.Errorf("create temporary file for %s: %w", path, err)
	}
	return &File{path: path, tmp: tmp, buf: bufio.NewWriterSize(tmp, 64<<10)}, nil
}

// Path returns the final path of the file.
func (f *File) Path() string { return f.path }

// Write writes p to the temporary file.
func (f *File) Write(p []byte) (int, error) {
	n, err := f.buf.Write(p)
	f.n += int64(n)
	if err != nil {
		return n, fmt.Errorf("write %s: %w", f.path, err)
	}
	return n, nil
}

// WriteString writes s to the temporary file.
func (f *File) WriteString(s string) (int, error) {
	n, err := f.buf.WriteString(s)
	f.n += int64(n)
	if err != nil {
		return n, fmt.Errorf("write %s: %w", f.path, err)
	}
	return n, nil
}

// Size returns the number of bytes written so far.
func (f *File) Size() int64 { return f.n }

// Commit flushes, syncs and closes the temporary file, checks its size, renames it to the final
// path and syncs the folder.
func (f *File) Commit() error {
	if err := f.Prepare(); err != nil {
		return err
	}
	return f.Publish()
}

// Prepare flushes, syncs and closes the temporary file and checks its size, without putting it
// in place: several files can be prepared first and published together (see PublishAll).
func (f *File) Prepare() error {
	if f.done || f.prepared {
		return fmt.Errorf("commit %s: already committed or aborted", f.path)
	}
	name := f.tmp.Name()
	fail := func(op string, err error) error {
		f.done = true
		f.tmp.Close()
		os.Remove(name)
		return fmt.Errorf("%s %s: %w", op, f.path, err)
	}
	if err := f.buf.Flush(); err != nil {
		return fail("write", err)
	}
	if err := f.tmp.Sync(); err != nil {
		return fail("sync", err)
	}
	st, err := f.tmp.Stat()
	if err != nil {
		return fail("stat", err)
	}
	if st.Size() != f.n {
		return fail("check size of", fmt.Errorf("wrote %d bytes but the file has %d", f.n, st.Size()))
	}
	if err := f.tmp.Close(); err != nil {
		f.done = true
		os.Remove(name)
		return fmt.Errorf("close %s: %w", f.path, err)
	}
	f.prepared = true
	return nil
}

// Publish renames a prepared file into place and syncs the folder.
func (f *File) Publish() error {
	if f.done || !f.prepared {
		return fmt.Errorf("publish %s: not prepared, or already committed or aborted", f.path)
	}
	f.done = true
	name := f.tmp.Name()
	if err := os.Rename(name, f.path); err != nil {
		os.Remove(name)
		return fmt.Errorf("rename into place %s: %w", f.path, err)
	}
	return syncDir(filepath.Dir(f.path))
}

// Staged is a file written to a temporary name that can be prepared and then published.
type Staged interface {
	Prepare() error
	Publish() error
}

// PublishAll prepares every file (nothing is published if one fails), runs before (for
// example, to remove the manifests the new files make stale), then publishes them in order.
// A crash during publishing can leave some files new and some old; callers mark the set
// complete afterwards (with manifests) so that a mixed set is never taken as complete.
func PublishAll(before func() error, files ...Staged) error {
	for _, f := range files {
		if err := f.Prepare(); err != nil {
			return err
		}
	}
	if before != nil {
		if err := before(); err != nil {
			return err
		}
	}
	for _, f := range files {
		if err := f.Publish(); err != nil {
			return err
		}
	}
	return nil
}

// Stage writes data to a temporary file for path and returns it, ready for PublishAll.
func Stage(path string, data []byte) (*File, error) {
	f, err := Create(path)
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(data); err != nil {
		f.Abort()
		return nil, err
	}
	return f, nil
}

// Abort discards the temporary file. It does nothing after Commit.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	if !f.prepared {
		f.tmp.Close()
	}
	os.Remove(f.tmp.Name())
}

// WriteFile writes data to path atomically.
func WriteFile(path string, data []byte) error {
	return Write(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// Write creates path atomically with the content that fill writes; if fill fails, nothing
// changes on disk.
func Write(path string, fill func(w io.Writer) error) error {
	f, err := Create(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	if err := fill(f); err != nil {
		return err
	}
	return f.Commit()
}

// CleanStale removes temporary files that an interrupted writer left in dir.
func CleanStale(dir string) error {
	matches, err := filepath.Glob(filepath.Join(dir, TempPrefix+"*"))
	if err != nil {
		return err
	}
	var errs []error
	for _, m := range matches {
		if err := os.Remove(m); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open folder %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	return nil
}
