package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/skillx/skillx/internal/gemini/geminitest"
	"github.com/skillx/skillx/internal/ortlib/ortlibtest"
)

func TestServeUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--addr", "0.0.0.0:8080"}, "--addr 0.0.0.0:8080 is not a loopback address"},
		{[]string{"--addr", ":8080"}, "is not a loopback address"},
		{[]string{"--addr", "8080"}, `--addr "8080": want host:port`},
		{[]string{"--max-inflight", "0"}, "--max-inflight 0: want 1 or more"},
		{[]string{"--max-inflight", "50", "--max-answers", "50"}, "--max-answers 50: want more than --max-inflight (50)"},
		{[]string{"--shutdown-timeout", "0s"}, "--shutdown-timeout 0s: want a positive duration"},
		{[]string{"extra"}, `unexpected arguments ["extra"]`},
	} {
		code, out, errOut := runCLI(t, append([]string{"serve", "--workdir", t.TempDir()}, tc.args...)...)
		if code != exitUsage || out != "" || !strings.Contains(errOut, tc.want) {
			t.Errorf("skillx serve %q = %d, stdout %q, stderr %q; want %d and %q", tc.args, code, out, errOut, exitUsage, tc.want)
		}
	}
}

// TestServeCLI starts `skillx serve` on the sample's workdir, asks for the page, then stops it
// as Ctrl-C does: the exit code is 0 and the log says it stopped.
func TestServeCLI(t *testing.T) {
	ortlibtest.Init(t)
	dir := trainedWorkdir(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outR, outW := io.Pipe()
	var errOut geminitest.LogBuffer // written by the server while the test reads it
	done := make(chan int, 1)
	go func() {
		done <- runCommand(ctx, []string{"serve", "--workdir", dir, "--addr", "127.0.0.1:0", "--offline"}, outW, &errOut)
		outW.Close()
	}()
	line, err := bufio.NewReader(outR).ReadString('\n')
	if err != nil {
		t.Fatalf("no first line from skillx serve (%v); stderr:\n%s", err, errOut.String())
	}
	rest, ok := strings.CutPrefix(line, "serve: http://")
	if !ok || !strings.Contains(line, "analyst offline") {
		t.Fatalf("first line %q; want serve: http://<addr>/ (analyst offline ...)", line)
	}
	go io.Copy(io.Discard, outR)
	url := "http://" + rest[:strings.Index(rest, " ")]
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `action="/ask"`) {
		t.Errorf("GET %s = %d; want the form", url, resp.StatusCode)
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Errorf("skillx serve after Ctrl-C exit = %d; want %d; stderr:\n%s", code, exitOK, errOut.String())
	}
	if !strings.Contains(errOut.String(), "serve: stopped") {
		t.Errorf("stderr lacks %q:\n%s", "serve: stopped", errOut.String())
	}
}
