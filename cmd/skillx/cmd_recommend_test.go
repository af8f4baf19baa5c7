package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/skillx/skillx/internal/ortlib/ortlibtest"
	"github.com/skillx/skillx/recommend"
)

func TestRecommendUsage(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		msg  string
	}{
		{[]string{"recommend", "--workdir", dir}, "no input"},
		{[]string{"recommend", "--workdir", dir, "--users", "u.csv", "--role", "Nurse", "--skills", "BLS"}, "not both"},
		{[]string{"recommend", "--workdir", dir, "--role", "Nurse"}, "one person needs --skills (or --resume or --history"},
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

// trainedWorkdir runs the pipeline on the sample into a fresh workdir.
func trainedWorkdir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if code, _, errOut := runCLI(t, "run", "--workdir", dir, "--preset", "kaggle", "--input", "../../data/sample/job_postings.csv",
		"--log-level", "warn", "--epochs", "20", "--row-level=false"); code != exitOK {
		t.Fatalf("skillx run exit = %d; stderr:\n%s", code, errOut)
	}
	return dir
}

// TestRecommendCLI runs the pipeline on the sample, then recommend for one person offline and
// for the sample's users against a Gemini endpoint that rejects every request with a message
// quoting the API key: no file under reports/ and no line on stderr may contain the key.
func TestRecommendCLI(t *testing.T) {
	ortlibtest.Init(t)
	const key = "dummy-key-SECRET-cli-93b1f0"
	dir := trainedWorkdir(t)

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

func TestRecommendShardUsage(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("JOB_COMPLETION_INDEX", "")
	tests := []struct {
		args []string
		msg  string
	}{
		{[]string{"--users", "u.csv", "--shard", "3/3"}, `--shard "3/3": index "3" is not a whole number from 0 to 2`},
		{[]string{"--users", "u.csv", "--shard", "1"}, "want I/N"},
		{[]string{"--users", "u.csv", "--shard", "auto/4"}, "$JOB_COMPLETION_INDEX, which is not set"},
		{[]string{"--role", "Nurse", "--skills", "BLS", "--shard", "0/2"}, "--shard splits a users file"},
		{[]string{"--merge"}, "--merge needs --users"},
		{[]string{"--merge", "--users", "u.csv", "--shard", "0/2"}, "does not take --shard"},
		{[]string{"--merge", "--users", "u.csv", "--offline", "--workers", "2"}, "does not take --offline, --workers"},
	}
	for _, tt := range tests {
		args := append([]string{"recommend", "--workdir", dir}, tt.args...)
		code, _, errOut := runCLI(t, args...)
		if code != exitUsage || !strings.Contains(errOut, tt.msg) {
			t.Errorf("skillx %q = %d, %q; want %d and %q", args, code, errOut, exitUsage, tt.msg)
		}
	}
}

// shardWorkdir returns a workdir of its own for one shard process, linking to the models and
// data of dir: a workdir takes one skillx process at a time.
func shardWorkdir(t *testing.T, dir string) string {
	t.Helper()
	wd := t.TempDir()
	for _, sub := range []string{"models", "data"} {
		if err := os.Symlink(filepath.Join(dir, sub), filepath.Join(wd, sub)); err != nil {
			t.Fatal(err)
		}
	}
	return wd
}

// TestRecommendShardProcesses splits a users file among three skillx processes running at once,
// one of them taking its index from $JOB_COMPLETION_INDEX as the pods of a Kubernetes Indexed
// Job do, then merges their outputs: the shard holding the person who fails exits 3, the others
// 0, and the merge lists every person once, in the file's order, and exits 3. Without one
// shard's folder, the merge fails naming the missing shard.
func TestRecommendShardProcesses(t *testing.T) {
	ortlibtest.Init(t)
	t.Setenv("GOOGLE_API_KEY", "")
	t.Setenv("GEMINI_API_KEY", "")
	dir := trainedWorkdir(t)
	sample, err := os.ReadFile("../../data/sample/users.csv")
	if err != nil {
		t.Fatal(err)
	}
	users := filepath.Join(t.TempDir(), "users.csv")
	os.WriteFile(users, append(sample, "bad,Data Analyst,\n"...), 0o644)
	const n = 3
	out := filepath.Join(t.TempDir(), "out")
	procs := make([]*exec.Cmd, n)
	var stderr [n]bytes.Buffer
	for i := range n {
		spec := fmt.Sprintf("%d/%d", i, n)
		if i == n-1 {
			spec = fmt.Sprintf("auto/%d", n)
		}
		procs[i] = skillxProcess("recommend", "--workdir", shardWorkdir(t, dir), "--users", users, "--out", out, "--offline",
			"--shard", spec, "--log-level", "warn")
		procs[i].Env = append(procs[i].Env, fmt.Sprintf("JOB_COMPLETION_INDEX=%d", i))
		procs[i].Stderr = &stderr[i]
		if err := procs[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	for i, p := range procs {
		want := exitOK
		if recommend.ShardOf("bad", n) == i {
			want = exitPartial
		}
		if code := exitStatus(t, p.Wait()); code != want {
			t.Errorf("shard %d/%d exit = %d; want %d (stderr: %s)", i, n, code, want, stderr[i].String())
		}
	}
	code, stdout, errOut := runCLI(t, "recommend", "--merge", "--users", users, "--out", out, "--workdir", dir)
	if code != exitPartial || !strings.Contains(stdout, "merged 3 shards: 17 users: 16 written, 0 unchanged, 1 failed") ||
		!strings.Contains(errOut, "1 of 17 users failed") {
		t.Errorf("merge = %d, stdout %q, stderr %q; want 3 and 17 users, 1 failed", code, stdout, errOut)
	}
	f, err := os.Open(filepath.Join(out, "summary.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(rows) != 18 {
		t.Fatalf("merged summary.csv: %d rows, %v; want a header and 17", len(rows), err)
	}
	for i, r := range rows[1:] {
		if r[1] != strconv.Itoa(i+1) {
			t.Errorf("merged summary row %d is row %s of the users file; want %d", i+1, r[1], i+1)
		}
		shard := fmt.Sprintf("shard-%d-of-%d", recommend.ShardOf(r[0], n), n)
		if r[2] == "written" && !strings.HasPrefix(r[4], shard+"/") {
			t.Errorf("%s's report is %q; want it in %s", r[0], r[4], shard)
		}
	}
	fails, _ := os.ReadFile(filepath.Join(out, "failures.jsonl"))
	if !bytes.Contains(fails, []byte(`"user_id":"bad"`)) || bytes.Count(fails, []byte("\n")) != 1 {
		t.Errorf("merged failures.jsonl = %s; want bad's line only", fails)
	}

	if err := os.RemoveAll(filepath.Join(out, "shard-1-of-3")); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runCLI(t, "recommend", "--merge", "--users", users, "--out", out, "--workdir", dir)
	if code != exitFailure || !strings.Contains(errOut, "shard 1/3 missing") {
		t.Errorf("merge without shard 1 = %d, %q; want %d naming shard 1/3", code, errOut, exitFailure)
	}
}

// TestRecommendONETFlag checks that --onet without a readable Job Zones.txt stops recommend,
// serve and run before anything is loaded, with an error naming the file.
func TestRecommendONETFlag(t *testing.T) {
	dir, onet := t.TempDir(), t.TempDir()
	want := filepath.Join(onet, "Job Zones.txt")
	for _, args := range [][]string{
		{"recommend", "--workdir", dir, "--role", "Cashier", "--skills", "Cash handling", "--onet", onet},
		{"serve", "--workdir", dir, "--onet", onet},
		{"run", "--workdir", dir, "--preset", "kaggle", "--input", "../../data/sample/job_postings.csv", "--users", "u.csv", "--onet", onet},
	} {
		code, _, errOut := runCLI(t, args...)
		if code != exitFailure || !strings.Contains(errOut, want) || !strings.Contains(errOut, "no such file") {
			t.Errorf("skillx %q = %d, %q; want %d and an error naming %s", args, code, errOut, exitFailure, want)
		}
	}
	os.WriteFile(want, []byte("O*NET-SOC Code\tJob Zone\r\n41-2011.00\t9\r\n"), 0o644)
	code, _, errOut := runCLI(t, "recommend", "--workdir", dir, "--role", "Cashier", "--skills", "Cash handling", "--onet", onet)
	if code != exitFailure || !strings.Contains(errOut, "Job Zones.txt line 2") {
		t.Errorf("a bad zone: %d, %q; want %d and an error naming line 2", code, errOut, exitFailure)
	}
}
