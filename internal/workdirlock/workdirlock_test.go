package workdirlock

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// flock locks belong to an open file description, so two TryAcquire calls in one process
// conflict exactly as two processes do; cmd/skillx tests the two-process case.

func holder(pid int) Holder {
	return Holder{PID: pid, Command: "skillx recommend", Args: "skillx recommend --users u.csv",
		Since: time.Date(2026, 3, 4, 2, 10, 11, 0, time.Local)}
}

func TestTryAcquireBusy(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "work") // created by TryAcquire
	l, err := TryAcquire(dir, holder(123))
	if err != nil {
		t.Fatalf("TryAcquire: %v", err)
	}
	_, err = TryAcquire(dir, holder(456))
	var busy *BusyError
	if !errors.As(err, &busy) {
		t.Fatalf("second TryAcquire error = %v; want a *BusyError", err)
	}
	if busy.Holder.PID != 123 || busy.Holder.Command != "skillx recommend" {
		t.Errorf("busy holder = %+v; want pid 123, skillx recommend", busy.Holder)
	}
	busy.Now = time.Date(2026, 3, 4, 9, 0, 0, 0, time.Local)
	want := "workdir " + dir + " is in use by skillx recommend (pid 123, since 02:10:11)"
	if busy.Error() != want {
		t.Errorf("message = %q; want %q", busy.Error(), want)
	}
	if err := l.Release(); err != nil {
		t.Fatalf("Release: %v", err)
	}
	if err := l.Release(); err != nil {
		t.Errorf("second Release: %v", err)
	}
	if data, err := os.ReadFile(Path(dir)); err != nil || len(data) != 0 {
		t.Errorf("lock file after release = %q, %v; want it kept, empty", data, err)
	}
	l2, err := TryAcquire(dir, holder(456))
	if err != nil {
		t.Fatalf("TryAcquire after Release: %v", err)
	}
	defer l2.Release()
	if h := ReadHolder(dir); h.PID != 456 || h.Args != "skillx recommend --users u.csv" {
		t.Errorf("ReadHolder = %+v; want pid 456 and its command line", h)
	}
}

func TestAcquireWaits(t *testing.T) {
	dir := t.TempDir()
	first, err := TryAcquire(dir, holder(1))
	if err != nil {
		t.Fatal(err)
	}
	waiting := make(chan *BusyError, 1)
	got := make(chan error, 1)
	go func() {
		l, err := Acquire(context.Background(), dir, holder(2), func(b *BusyError) { waiting <- b })
		if err == nil {
			if h := ReadHolder(dir); h.PID != 2 {
				err = errors.New("the waiter holds the lock but the file names pid " + strconv.Itoa(h.PID))
			}
			l.Release()
		}
		got <- err
	}()
	b := <-waiting
	if b.Holder.PID != 1 {
		t.Errorf("waiting callback holder pid = %d; want 1", b.Holder.PID)
	}
	select {
	case err := <-got:
		t.Fatalf("Acquire returned (%v) while the first holder still holds the lock", err)
	default:
	}
	if err := first.Release(); err != nil {
		t.Fatal(err)
	}
	if err := <-got; err != nil {
		t.Errorf("Acquire after the holder released: %v", err)
	}
}

func TestAcquireCancelled(t *testing.T) {
	dir := t.TempDir()
	first, err := TryAcquire(dir, holder(1))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	_, err = Acquire(ctx, dir, holder(2), func(*BusyError) { cancel() })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Acquire with a cancelled context = %v; want context.Canceled", err)
	}
	if h := ReadHolder(dir); h.PID != 1 {
		t.Errorf("after the cancelled waiter the file names pid %d; want 1", h.PID)
	}
	first.Release()
	// The cancelled waiter's blocked flock gets the lock and drops it at once: a blocking
	// Acquire must then succeed.
	l, err := Acquire(context.Background(), dir, holder(3), nil)
	if err != nil {
		t.Fatalf("Acquire after the cancelled waiter: %v", err)
	}
	l.Release()
}

func TestDescribe(t *testing.T) {
	now := time.Date(2026, 3, 5, 9, 0, 0, 0, time.Local)
	tests := []struct {
		h    Holder
		want string
	}{
		{holder(7), "skillx recommend (pid 7, since 2026-03-04 02:10:11)"},
		{Holder{PID: 8, Command: "skillx run", Since: now.Add(-time.Hour)}, "skillx run (pid 8, since 08:00:00)"},
		{Holder{}, "another skillx process (holder details not written yet)"},
	}
	for _, tt := range tests {
		if got := tt.h.Describe(now); got != tt.want {
			t.Errorf("Describe(%+v) = %q; want %q", tt.h, got, tt.want)
		}
	}
}

func TestLongCommandLineCut(t *testing.T) {
	dir := t.TempDir()
	h := holder(9)
	h.Args = strings.Repeat("x", 5000)
	l, err := TryAcquire(dir, h)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	if got := ReadHolder(dir).Args; len(got) != maxCommandLen+3 {
		t.Errorf("stored command line has %d characters; want %d", len(got), maxCommandLen+3)
	}
}
