package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/skillx/skillx/internal/ortlib/ortlibtest"
)

func TestRecommendUsage(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		msg  string
	}{
		{[]string{"recommend", "--workdir", dir}, "no input"},
		{[]string{"recommend", "--workdir", dir, "--users", "u.csv", "--role", "Nurse", "--skills", "BLS"}, "not both"},
		{[]string{"recommend", "--workdir", dir, "--role", "Nurse"}, "both --role and --skills"},
		{[]string{"recommend", "--workdir", dir, "--users", "u.csv", "--workers", "0"}, "--workers 0"},
		{[]string{"recommend", "--workdir", dir, "--users", "u.csv", "--retries", "-1"}, "--retries -1"},
		{[]string{"recommend", "--workdir", dir, "--users", "u.csv", "extra"}, "unexpected arguments"},
		// A terminal escape in a flag is refused, and never echoed raw.
		{[]string{"recommend", "--workdir", dir, "--role", "Data\x1b]0;pwned\x07 Analyst", "--skills", "SQL"},
			"--role holds the control character U+001B (ESC) at character 5; control characters are not allowed"},
		{[]string{"recommend", "--workdir", dir, "--role", "Nurse", "--skills", "BLS;\x00Epic"}, "--skills holds the control character U+0000 (NUL)"},
		{[]string{"recommend", "--workdir", dir, "--role", "Nurse", "--skills", "BLS", "--user-id", "\u009b31m"}, "--user-id holds the control character U+009B (CSI)"},
	}
	for _, tt := range tests {
		code, out, errOut := runCLI(t, tt.args...)
		if code != exitUsage || !strings.Contains(errOut, tt.msg) {
			t.Errorf("skillx %q = %d, %q; want %d and %q", tt.args, code, errOut, exitUsage, tt.msg)
		}
		if strings.ContainsAny(out+errOut, "\x1b\x07\x00\u009b") {
			t.Errorf("skillx %q printed a raw control character: %q", tt.args, out+errOut)
		}
	}
}

// TestRecommendCLI runs the pipeline on the sample, then recommend for one person offline and
// for the sample's users against a Gemini endpoint that rejects every request with a message
// quoting the API key: no file under reports/ and no line on stderr may contain the key.
func TestRecommendCLI(t *testing.T) {
	ortlibtest.Init(t)
	const key = "dummy-key-SECRET-cli-93b1f0"
	dir := t.TempDir()
	if code, _, errOut := runCLI(t, "run", "--workdir", dir, "--preset", "kaggle", "--input", "../../data/sample/job_postings.csv",
		"--log-level", "warn", "--epochs", "20", "--row-level=false"); code != exitOK {
		t.Fatalf("skillx run exit = %d; stderr:\n%s", code, errOut)
	}

	t.Setenv("GOOGLE_API_KEY", "")
	t.Setenv("GEMINI_API_KEY", "")
	code, out, errOut := runCLI(t, "recommend", "--workdir", dir, "--role", "Data Analyst", "--skills", "SQL;Excel;Tableau;Python;Statistics", "--user-id", "me")
	if code != exitOK {
		t.Fatalf("recommend for one person exit = %d; stderr:\n%s", code, errOut)
	}
	for _, want := range []string{"Skill(X) career-transition report", "Current role: Data Analyst", "the offline analyst", "recommend: written report"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, "no Gemini API key") {
		t.Errorf("stderr does not say that the offline analyst runs:\n%s", errOut)
	}
	for _, ext := range []string{".txt", ".md", ".json"} {
		if _, err := os.Stat(filepath.Join(dir, "reports", "one", "me"+ext)); err != nil {
			t.Errorf("one person's report: %v", err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "reports", "users", "me.json")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("one person's report is among the bulk reports (%v); want it in reports/one only", err)
	}

	// Some people fail: the outputs are written, and the exit code is 3.
	users := filepath.Join(t.TempDir(), "users.csv")
	os.WriteFile(users, []byte("user_id,current_role,skills\nok,Data Analyst,SQL;Excel\nbad,Data Analyst,\n"), 0o644)
	code, out, errOut = runCLI(t, "recommend", "--workdir", dir, "--users", users, "--offline")
	if code != 3 || !strings.Contains(errOut, "1 of 2 users failed; see ") || !strings.Contains(out, "recommend: summary ") {
		t.Errorf("recommend with one failed person = %d, stdout %q, stderr %q; want 3, the summary printed and the failure counted", code, out, errOut)
	}

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
			"code": 400, "status": "INVALID_ARGUMENT", "message": "API key " + r.Header.Get("x-goog-api-key") + " is not valid"}})
	}))
	defer srv.Close()
	t.Setenv("GEMINI_API_KEY", key)
	t.Setenv("GOOGLE_GEMINI_BASE_URL", srv.URL)
	code, out, errOut = runCLI(t, "recommend", "--workdir", dir, "--users", "../../data/sample/users.csv", "--retries", "0", "--rpm", "0")
	if code != exitFailure || !strings.Contains(out, "16 users: 0 written, 0 unchanged, 16 failed; analyst gemini") || !strings.Contains(errOut, "every one of the 16 users failed") {
		t.Errorf("recommend against a rejecting endpoint = %d, %q; want %d and 16 failures (stderr: %s)", code, out, exitFailure, errOut)
	}
	if strings.Contains(errOut+out, key) {
		t.Errorf("the api key appears on stdout or stderr:\n%s%s", out, errOut)
	}
	fails, _ := os.ReadFile(filepath.Join(dir, "reports", "users", "failures.jsonl"))
	if n := bytes.Count(fails, []byte("\n")); n != 16 || !bytes.Contains(fails, []byte("[redacted]")) {
		t.Errorf("failures.jsonl has %d lines: %s; want 16 with the key redacted", n, fails)
	}

	// No network: one line on stderr suggesting --offline, no empty summary lines.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	t.Setenv("GOOGLE_GEMINI_BASE_URL", closed)
	code, out, errOut = runCLI(t, "recommend", "--workdir", dir, "--role", "Data Analyst", "--skills", "SQL;Excel", "--retries", "0", "--log-level", "error")
	if code != exitFailure || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "pass --offline") || strings.Contains(out, "recommend: summary") {
		t.Errorf("one person without network = %d, stdout %q, stderr %q; want %d, one line suggesting --offline and no summary lines", code, out, errOut, exitFailure)
	}
	filepath.WalkDir(filepath.Join(dir, "reports"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if data, _ := os.ReadFile(path); bytes.Contains(data, []byte(key)) {
				t.Errorf("%s contains the api key", path)
			}
		}
		return err
	})
}
