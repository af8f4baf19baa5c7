package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The test binary doubles as the processes of the lock tests (TestMain):
// SKILLX_TEST_PROCESS=main runs it as skillx with its arguments; =hold takes the lock of
// SKILLX_TEST_WORKDIR as `skillx recommend` would, prints "locked" and holds it until its
// stdin closes.
const (
	testProcessEnv = "SKILLX_TEST_PROCESS"
	testWorkdirEnv = "SKILLX_TEST_WORKDIR"
)

func TestMain(m *testing.M) {
	switch os.Getenv(testProcessEnv) {
	case "main":
		os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr))
	case "hold":
		os.Exit(holdLock(os.Getenv(testWorkdirEnv)))
	}
	os.Exit(m.Run())
}

// holdLock takes workdir's lock through the CLI's own lockWorkdir, says so on stdout, and
// keeps it until stdin is closed.
func holdLock(workdir string) int {
	g := &globalOptions{workdir: workdir, stderr: os.Stderr}
	l, err := lockWorkdir(context.Background(), g, "recommend", []string{"recommend", "--users", "u.csv"})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("locked")
	io.Copy(io.Discard, os.Stdin)
	if err := l.Release(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// holder is a process holding a workdir's lock.
type holder struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
}

// startHolder starts a process that holds workdir's lock, and returns once it holds it.
func startHolder(t *testing.T, workdir string) *holder {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), testProcessEnv+"=hold", testWorkdirEnv+"="+workdir)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	h := &holder{cmd: cmd, stdin: stdin}
	t.Cleanup(func() { h.release(t) })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if line != "locked\n" {
		t.Fatalf("lock holder said %q (%v); want \"locked\"", line, err)
	}
	return h
}

// release makes the holder drop the lock and waits for it to exit.
func (h *holder) release(t *testing.T) {
	if h.stdin == nil {
		return
	}
	h.stdin.Close()
	h.stdin = nil
	if err := h.cmd.Wait(); err != nil {
		t.Errorf("lock holder: %v", err)
	}
}

// skillxProcess returns the command that runs skillx with args in a process of its own.
func skillxProcess(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), testProcessEnv+"=main")
	return cmd
}

// exitStatus returns a finished command's exit code.
func exitStatus(t *testing.T, err error) int {
	t.Helper()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.ExitCode()
	}
	t.Fatalf("run skillx: %v", err)
	return -1
}

// TestWorkdirLockTwoProcesses: while one process holds a workdir, a second skillx process
// working on it stops at once with exit 1 and a message naming the holder's pid; read-only
// commands still run; with --wait the second one says it waits, and goes on once the holder
// exits.
func TestWorkdirLockTwoProcesses(t *testing.T) {
	dir := t.TempDir()
	h := startHolder(t, dir)
	pid := h.cmd.Process.Pid

	out, err := skillxProcess("train", "--workdir", dir).CombinedOutput()
	want := fmt.Sprintf("skillx train: workdir %s is in use by skillx recommend (pid %d, since ", dir, pid)
	if code := exitStatus(t, err); code != exitFailure || !strings.Contains(string(out), want) || !strings.Contains(string(out), "; wait for it or pass --wait") {
		t.Errorf("skillx train on a held workdir = %d, %q; want %d and %q", code, out, exitFailure, want)
	}

	out, err = skillxProcess("version", "--workdir", dir).CombinedOutput()
	if code := exitStatus(t, err); code != exitOK || strings.Contains(string(out), "in use") {
		t.Errorf("skillx version on a held workdir = %d, %q; want 0 (read-only commands take no lock)", code, out)
	}

	w := skillxProcess("train", "--wait", "--workdir", dir)
	stderr, err := w.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(stderr)
	line, _ := r.ReadString('\n')
	wantWait := fmt.Sprintf("workdir %s is in use by skillx recommend (pid %d, since ", dir, pid)
	if !strings.Contains(line, wantWait) || !strings.Contains(line, "waiting for it to finish") {
		t.Errorf("skillx train --wait first said %q; want %q and that it waits", line, wantWait)
	}
	// The waiter blocks in flock until the holder exits: only then can it find that the
	// workdir has no features.
	h.release(t)
	rest, _ := io.ReadAll(r)
	code := exitStatus(t, w.Wait())
	wantRest := "no features in " + filepath.Join(dir, "data", "features") + ": run `skillx features` first"
	if code != exitFailure || !strings.Contains(string(rest), wantRest) || strings.Contains(string(rest), "in use") {
		t.Errorf("skillx train --wait after the holder exited = %d, %q; want %d and %q (past the lock)", code, rest, exitFailure, wantRest)
	}
	if holder := readLockHolder(t, dir); holder != "" {
		t.Errorf("lock file after every process ended = %q; want it empty", holder)
	}
}

// readLockHolder returns the lock file's content.
func readLockHolder(t *testing.T, dir string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, ".skillx.lock"))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
