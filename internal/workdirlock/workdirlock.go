// Package workdirlock gives one skillx process at a time a workdir: an exclusive flock(2) on
// <workdir>/.skillx.lock, held for the whole run and released by the kernel when the process
// ends, however it ends (a crash or SIGKILL never leaves a stale lock). The holder writes its
// pid, command line and start time into the file, so that a second process can say who holds
// the workdir. The file itself is never removed: removing a lock file while another process
// waits on it would let two processes hold "the" lock at once.
//
// flock locks are advisory and local: they bind skillx processes on one machine, not other
// programs, and not processes on other machines sharing the folder over NFS.
package workdirlock

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// FileName is the lock file's name inside the workdir.
const FileName = ".skillx.lock"

// maxCommandLen bounds the command line kept in the lock file.
const maxCommandLen = 300

// Holder describes the process that holds a workdir.
type Holder struct {
	// PID is the holder's process id.
	PID int `json:"pid"`
	// Command is the subcommand, e.g. "skillx recommend".
	Command string `json:"command"`
	// Args is the whole command line (cut to a few hundred characters).
	Args string `json:"args,omitempty"`
	// Since is when the holder took the lock.
	Since time.Time `json:"since"`
}

// Describe returns the holder as "skillx recommend (pid 123, since 02:10:11)"; the date is
// added when the lock was not taken today (in now's location).
func (h Holder) Describe(now time.Time) string {
	cmd := h.Command
	if cmd == "" {
		cmd = "another skillx process"
	}
	if h.PID == 0 {
		return cmd + " (holder details not written yet)"
	}
	since := h.Since.In(now.Location())
	layout := "15:04:05"
	if y, m, d := since.Date(); y != now.Year() || m != now.Month() || d != now.Day() {
		layout = "2006-01-02 15:04:05"
	}
	return fmt.Sprintf("%s (pid %d, since %s)", cmd, h.PID, since.Format(layout))
}

// BusyError is returned by TryAcquire when another process holds the workdir.
type BusyError struct {
	// Workdir is the folder asked for.
	Workdir string
	// Holder is what the holder wrote in the lock file (zero when it could not be read).
	Holder Holder
	// Now is when the lock was found busy (for the message).
	Now time.Time
}

// Error names the workdir and its holder.
func (e *BusyError) Error() string {
	return fmt.Sprintf("workdir %s is in use by %s", e.Workdir, e.Holder.Describe(e.Now))
}

// Lock is a held workdir lock.
type Lock struct {
	f    *os.File
	path string
}

// Path returns the lock file's path.
func Path(workdir string) string { return filepath.Join(workdir, FileName) }

// open creates the workdir if needed and opens its lock file without truncating it (the
// holder's details are in it).
func open(workdir string) (*os.File, error) {
	if err := os.MkdirAll(workdir, 0o755); err != nil {
		return nil, fmt.Errorf("lock workdir %s: %w", workdir, err)
	}
	p := Path(workdir)
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock workdir %s: %w", workdir, err)
	}
	return f, nil
}

// TryAcquire takes the workdir's lock for self, or returns a *BusyError naming the holder
// at once when another process has it.
func TryAcquire(workdir string, self Holder) (*Lock, error) {
	f, err := open(workdir)
	if err != nil {
		return nil, err
	}
	if err := flock(f, syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &BusyError{Workdir: workdir, Holder: ReadHolder(workdir), Now: time.Now()}
		}
		return nil, fmt.Errorf("lock %s: %w", Path(workdir), err)
	}
	return held(f, self)
}

// Acquire takes the workdir's lock for self, waiting for the holder to release it. When the
// lock is busy it first calls waiting with the busy error (to tell the user). It returns
// ctx.Err() when ctx is done first.
func Acquire(ctx context.Context, workdir string, self Holder, waiting func(*BusyError)) (*Lock, error) {
	l, err := TryAcquire(workdir, self)
	var busy *BusyError
	if !errors.As(err, &busy) {
		return l, err
	}
	if waiting != nil {
		waiting(busy)
	}
	f, err := open(workdir)
	if err != nil {
		return nil, err
	}
	done := make(chan error, 1)
	go func() { done <- flock(f, syscall.LOCK_EX) }()
	select {
	case err := <-done:
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", Path(workdir), err)
		}
		return held(f, self)
	case <-ctx.Done():
		// The blocked flock cannot be interrupted: close the file (dropping the lock) once
		// it returns.
		go func() { <-done; f.Close() }()
		return nil, ctx.Err()
	}
}

// held writes self into the locked file and returns the lock.
func held(f *os.File, self Holder) (*Lock, error) {
	if len(self.Args) > maxCommandLen {
		self.Args = self.Args[:maxCommandLen] + "..."
	}
	data, err := json.Marshal(self)
	if err == nil {
		if err = f.Truncate(0); err == nil {
			_, err = f.WriteAt(append(data, '\n'), 0)
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("write lock holder %s: %w", f.Name(), err)
	}
	return &Lock{f: f, path: f.Name()}, nil
}

// ReadHolder returns what the holder of workdir's lock wrote (the zero Holder when the file
// is missing, empty or unreadable: a holder that has just taken the lock may not have
// written it yet).
func ReadHolder(workdir string) Holder {
	var h Holder
	data, err := os.ReadFile(Path(workdir))
	if err == nil {
		_ = json.Unmarshal(data, &h)
	}
	return h
}

// Release clears the holder's details and drops the lock. It is safe to call more than once.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	f := l.f
	l.f = nil
	terr := f.Truncate(0)
	uerr := flock(f, syscall.LOCK_UN)
	cerr := f.Close()
	if err := errors.Join(terr, uerr, cerr); err != nil {
		return fmt.Errorf("release %s: %w", l.path, err)
	}
	return nil
}

// flock calls flock(2), retrying when a signal interrupts it.
func flock(f *os.File, how int) error {
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}
