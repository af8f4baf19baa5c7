package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/skillx/skillx/internal/ortlib/ortlibtest"
	"github.com/skillx/skillx/internal/parquetio"
	"github.com/skillx/skillx/internal/records"
	"github.com/skillx/skillx/internal/testenv"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = runCommand(context.Background(), args, &o, &e)
	return code, o.String(), e.String()
}

func TestHelpForEveryCommand(t *testing.T) {
	for _, c := range commands() {
		for _, flag := range []string{"--help", "-h"} {
			code, out, errOut := runCLI(t, c.name, flag)
			if code != exitOK {
				t.Errorf("skillx %s %s exit = %d; want %d", c.name, flag, code, exitOK)
			}
			for _, want := range []string{"skillx " + c.name, "Example", "-workdir"} {
				if !strings.Contains(out, want) {
					t.Errorf("skillx %s %s lacks %q:\n%s", c.name, flag, want, out)
				}
			}
			if n := strings.Count(out, "\nFlags:\n"); n != 1 || errOut != "" {
				t.Errorf("skillx %s %s printed its flags %d times on stdout and %q on stderr; want once, on stdout only", c.name, flag, n, errOut)
			}
			if hasWait := strings.Contains(out, "-wait"); hasWait == c.readOnly {
				t.Errorf("skillx %s --help lists -wait: %v; want %v (read-only: %v)", c.name, hasWait, !c.readOnly, c.readOnly)
			}
		}
	}
}

// TestCommandSet checks that commands() is exactly what `skillx help` lists, one line a
// command, and that every command has a name, a one-line summary and a usage with an example
// (TestHelpForEveryCommand runs --help on each).
func TestCommandSet(t *testing.T) {
	cmds := commands()
	if len(cmds) != 15 {
		t.Errorf("commands() has %d commands; want 15", len(cmds))
	}
	want := map[string]string{}
	for _, c := range cmds {
		if c.name == "" || strings.ContainsAny(c.name, " \t\n") {
			t.Errorf("command name %q: want one word", c.name)
		}
		if c.summary == "" || strings.Contains(c.summary, "\n") {
			t.Errorf("skillx %s summary %q: want one non-empty line", c.name, c.summary)
		}
		if !strings.Contains(c.usage, "Example") || c.flags == nil {
			t.Errorf("skillx %s: want a usage with an example and a flags function", c.name)
		}
		if _, dup := want[c.name]; dup {
			t.Errorf("command %q is listed twice", c.name)
		}
		want[c.name] = c.summary
	}
	code, out, _ := runCLI(t, "help")
	if code != exitOK {
		t.Fatalf("skillx help = %d; want 0", code)
	}
	_, list, ok := strings.Cut(out, "Commands:\n")
	list, _, _ = strings.Cut(list, "\n\n")
	if !ok {
		t.Fatalf("skillx help has no Commands: section:\n%s", out)
	}
	got := map[string]string{}
	var names []string
	for _, line := range strings.Split(list, "\n") {
		name, summary, _ := strings.Cut(strings.TrimSpace(line), " ")
		got[name] = strings.TrimSpace(summary)
		names = append(names, name)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("skillx help lists %v; want %v", got, want)
	}
	if !sort.StringsAreSorted(names) {
		t.Errorf("skillx help lists %v; want them sorted by name", names)
	}
	for _, c := range cmds {
		if findCommand(c.name) == nil {
			t.Errorf("findCommand(%q) = nil", c.name)
		}
	}
	if c := findCommand("nope"); c != nil {
		t.Errorf("findCommand(\"nope\") = %q; want nil", c.name)
	}
}

// TestUsageErrors checks that a bad command line prints the error and one line pointing to
// --help (not the whole usage) and exits 2, and that skillx alone prints its usage to stderr
// and exits 2 while skillx help prints it to stdout and exits 0.
func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"run", "--bogus"}, {"train", "--epochs", "x"}, {"recommend", "--nope"}, {"doctor", "extra"}} {
		code, out, errOut := runCLI(t, args...)
		want := "run 'skillx " + args[0] + " --help' for usage\n"
		lines := strings.Count(errOut, "\n")
		if code != exitUsage || out != "" || !strings.HasSuffix(errOut, want) || lines != 2 {
			t.Errorf("skillx %q = %d, stdout %q, stderr %q; want %d, nothing on stdout, the error and %q (2 lines)", args, code, out, errOut, exitUsage, want)
		}
	}
	code, out, errOut := runCLI(t)
	if code != exitUsage || out != "" || !strings.Contains(errOut, "Usage: skillx <command>") {
		t.Errorf("skillx = %d, stdout %q, stderr %q; want %d and the usage on stderr", code, out, errOut, exitUsage)
	}
	for _, args := range [][]string{{"help"}, {"--help"}} {
		code, out, errOut = runCLI(t, args...)
		if code != exitOK || errOut != "" || !strings.Contains(out, "Usage: skillx <command>") || !strings.Contains(out, "3 finished but some records failed") {
			t.Errorf("skillx %q = %d, stdout %q, stderr %q; want 0 and the usage (with exit code 3) on stdout", args, code, out, errOut)
		}
	}
	code, out, _ = runCLI(t, "help", "train")
	if code != exitOK || !strings.Contains(out, "-mini-batch") || strings.Contains(out, "\n  -batch ") {
		t.Errorf("skillx help train = %d, %q; want 0 and train's flags, --mini-batch and no --batch", code, out)
	}
}

// TestFlagValidation checks that bad flag values stop the command before any work: exit 2, a
// message naming the flag, and the workdir not even created (the lock is taken after the
// checks).
func TestFlagValidation(t *testing.T) {
	tests := []struct {
		args []string
		msg  string
	}{
		{[]string{"train", "--epochs", "-3"}, "--epochs -3: want 1 or more"},
		{[]string{"train", "--mini-batch", "0"}, "--mini-batch 0: want 1 or more"},
		{[]string{"train", "--batch", "64"}, "the training mini-batch size is --mini-batch"},
		{[]string{"train", "--learning-rate", "0"}, "--learning-rate 0: want a positive number"},
		{[]string{"train", "--learning-rate", "NaN"}, "--learning-rate NaN"},
		{[]string{"train", "--patience", "-1"}, "--patience -1"},
		{[]string{"train", "--test", "1"}, "--test 1: want a share"},
		{[]string{"train", "--validation", "-0.1"}, "--validation -0.1"},
		{[]string{"train", "--train-threads", "-2"}, "--train-threads -2"},
		{[]string{"train", "--hidden", "512,x"}, "--hidden"},
		{[]string{"features", "--threads", "-1"}, "--threads -1"},
		{[]string{"features", "--batch-size", "-4"}, "--batch-size -4"},
		{[]string{"features", "--samples", "-1"}, "--samples -1"},
		{[]string{"features", "--max-length", "1"}, "--max-length 1"},
		{[]string{"evaluate", "--queries", "0"}, "--queries 0"},
		{[]string{"run", "--input", "x.csv", "--epochs", "-3"}, "--epochs -3"},
		{[]string{"run", "--input", "x.csv", "--validation", "1.5"}, "--validation 1.5"},
		{[]string{"run", "--input", "x.csv", "--users", "u.csv", "--workers", "-1"}, "--workers -1"},
		{[]string{"run", "--input", "x.csv", "--users", "u.csv", "--rpm", "-5"}, "--rpm -5"},
		{[]string{"run", "--input", "x.csv", "--workers", "8"}, "--workers is a recommend flag"},
		{[]string{"run", "--input", "x.csv", "--users", "u.csv", "--batch", "256"}, "the training mini-batch size is --mini-batch N"},
		{[]string{"run"}, "no input"},
		{[]string{"tokenize", "--max-length", "1", "text"}, "--max-length 1"},
		{[]string{"bench-data", "--rows", "0", "--output", "x.csv"}, "--rows 0"},
	}
	for _, tt := range tests {
		dir := filepath.Join(t.TempDir(), "work")
		args := append(append([]string{}, tt.args...), "--workdir", dir)
		if tt.args[0] == "tokenize" {
			args = append(tt.args[:len(tt.args)-1:len(tt.args)-1], "--workdir", dir, tt.args[len(tt.args)-1])
		}
		code, out, errOut := runCLI(t, args...)
		if code != exitUsage || !strings.Contains(errOut, tt.msg) {
			t.Errorf("skillx %q = %d, %q; want %d and %q", tt.args, code, errOut, exitUsage, tt.msg)
		}
		if strings.Contains(out+errOut, "level=") {
			t.Errorf("skillx %q logged before failing its checks: %s", tt.args, errOut)
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("skillx %q created its workdir before failing its checks (stat: %v)", tt.args, err)
		}
	}
}

// TestStageBeforeItsInputs checks that a stage run too early names the stage to run first.
func TestStageBeforeItsInputs(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		cmd, want string
	}{
		{"features", "no cleaned postings in " + filepath.Join(dir, "data", "clean") + ": run `skillx clean` first"},
		{"train", "no features in " + filepath.Join(dir, "data", "features") + ": run `skillx features` first"},
		{"evaluate", "no trained model in " + filepath.Join(dir, "models") + ": run `skillx train` first"},
	}
	for _, tt := range tests {
		code, _, errOut := runCLI(t, tt.cmd, "--workdir", dir)
		if code != exitFailure || !strings.Contains(errOut, tt.want) {
			t.Errorf("skillx %s on an empty workdir = %d, %q; want %d and %q", tt.cmd, code, errOut, exitFailure, tt.want)
		}
	}
}

// fakePartial is an error that asks for exit code 3, as a stage that finished with some
// records failed returns.
type fakePartial struct{ failed int }

func (e fakePartial) Error() string { return fmt.Sprintf("recommend: %d users failed", e.failed) }
func (e fakePartial) ExitCode() int { return exitPartial }

// fakeCode is an error with any exit code.
type fakeCode int

func (e fakeCode) Error() string { return "odd" }
func (e fakeCode) ExitCode() int { return int(e) }

func TestExitCoder(t *testing.T) {
	tests := []struct {
		err  error
		want int
		msg  string
	}{
		{fakePartial{2}, exitPartial, "skillx recommend: 2 users failed\n"},
		{fmt.Errorf("wrapped: %w", fakePartial{5}), exitPartial, "skillx recommend: wrapped: recommend: 5 users failed\n"},
		{fakeCode(0), exitFailure, "skillx recommend: odd\n"}, // an error never exits 0
		{fakeCode(4), 4, "skillx recommend: odd\n"},
		{errors.New("plain"), exitFailure, "skillx recommend: plain\n"},
		{fmt.Errorf("x: %w", context.Canceled), exitCancelled, "cancelled"},
		{usagef("--x 1: bad"), exitUsage, "run 'skillx recommend --help' for usage"},
	}
	for _, tt := range tests {
		var e bytes.Buffer
		if got := exitCode(tt.err, "recommend", &e); got != tt.want || !strings.Contains(e.String(), tt.msg) {
			t.Errorf("exitCode(%v) = %d, %q; want %d, %q", tt.err, got, e.String(), tt.want, tt.msg)
		}
	}
	if !isPartial(fmt.Errorf("run: %w", fakePartial{1})) || isPartial(fakeCode(4)) || isPartial(errors.New("x")) {
		t.Error("isPartial does not tell exit code 3 errors from others")
	}
}

// TestRunTakesRecommendFlags parses run's command line and checks the config recommend gets.
func TestRunTakesRecommendFlags(t *testing.T) {
	g := &globalOptions{stdout: io.Discard, stderr: io.Discard}
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	g.register(fs)
	var o runOptions
	o.addFlags(fs, g)
	err := fs.Parse([]string{"--workdir", "w", "--input", "x.csv", "--users", "u.csv", "--workers", "7", "--rpm", "0",
		"--gemini-model", "gemini-x", "--batch", "--timeout", "9s", "--model", "m.onnx", "--encoder", "hashing", "--mini-batch", "32"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range g.checks {
		if err := c(); err != nil {
			t.Fatalf("check: %v", err)
		}
	}
	cfg, err := o.recommendConfig(g)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Users != "u.csv" || cfg.Workers != 7 || cfg.Gemini.RPM != 0 || cfg.Gemini.Model != "gemini-x" || !cfg.Batch ||
		cfg.Gemini.Timeout != 9*time.Second || cfg.Model != "m.onnx" || cfg.Encoder.Kind != "hashing" || cfg.Workdir != "w" {
		t.Errorf("recommend config = users %q workers %d rpm %d model %q batch %v timeout %s classifier %q encoder %q workdir %q; want the flags' values",
			cfg.Users, cfg.Workers, cfg.Gemini.RPM, cfg.Gemini.Model, cfg.Batch, cfg.Gemini.Timeout, cfg.Model, cfg.Encoder.Kind, cfg.Workdir)
	}
	if !o.wantsRecommend() || o.train.cfg.BatchSize != 32 {
		t.Errorf("wantsRecommend %v, train mini-batch %d; want true, 32", o.wantsRecommend(), o.train.cfg.BatchSize)
	}
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		want int
		msg  string
	}{
		{[]string{"nosuch"}, exitUsage, "unknown command"},
		{[]string{"ingest", "--bogus"}, exitUsage, "flag provided but not defined"},
		{[]string{"ingest", "--workdir", dir}, exitUsage, "no input"},
		{[]string{"ingest", "--workdir", dir, "--input", "x.csv", "--map", "nofield=a"}, exitUsage, "unknown field"},
		{[]string{"ingest", "--workdir", dir, "--input", filepath.Join(dir, "missing.csv")}, exitFailure, "missing.csv"},
		{[]string{"clean", "--workdir", dir}, exitFailure, "run `skillx ingest` first"},
		{[]string{"version"}, exitOK, ""},
	}
	for _, tt := range tests {
		code, out, errOut := runCLI(t, tt.args...)
		if code != tt.want {
			t.Errorf("skillx %q exit = %d; want %d (stderr: %s)", tt.args, code, tt.want, errOut)
		}
		if !strings.Contains(out+errOut, tt.msg) {
			t.Errorf("skillx %q output lacks %q: %s%s", tt.args, tt.msg, out, errOut)
		}
	}
}

func TestCancelledExitCode(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var o, e bytes.Buffer
	code := runCommand(ctx, []string{"run", "--workdir", t.TempDir(), "--preset", "kaggle", "--input", "../../data/sample/job_postings.csv"}, &o, &e)
	if code != exitCancelled {
		t.Errorf("cancelled run exit = %d; want %d (stderr: %s)", code, exitCancelled, e.String())
	}
}

// TestRunOnSample runs every stage on data/sample and checks the outputs and their accounting.
// TestRunOnSample runs every stage on the sample, as `make run` does, and checks each stage's
// outputs: the accounting of clean, a serving model that knows every role, the evaluation
// headline against the TF-IDF baseline, and one report per sample person.
func TestRunOnSample(t *testing.T) {
	ortlibtest.Init(t)
	dir := t.TempDir()
	t.Setenv("GEMINI_API_KEY", "")
	t.Setenv("GOOGLE_API_KEY", "")
	args := []string{"run", "--workdir", dir, "--preset", "kaggle", "--input", "../../data/sample/job_postings.csv", "--log-level", "warn",
		"--users", "../../data/sample/users.csv", "--offline"}
	code, out, errOut := runCLI(t, args...)
	if code != exitOK {
		t.Fatalf("skillx run exit = %d; stderr:\n%s", code, errOut)
	}
	for _, p := range []string{
		"data/raw/postings.parquet", "data/raw/rejects.parquet",
		"data/clean/postings.parquet", "data/clean/rejects.parquet", "data/clean/roles.parquet",
		"reports/clean/summary.md", "reports/clean/summary.json",
		"data/raw/postings.parquet.manifest.json", "data/clean/postings.parquet.manifest.json",
		"data/features/embeddings.arrow", "data/features/examples.parquet", "data/features/examples.parquet.manifest.json",
		"data/features/tfidf.bin", "data/features/corpus.bin",
		"models/classifier.onnx", "models/classifier.json", "models/roles.index", "models/eval/classifier.json",
		"reports/training/curve.csv", "reports/training/curve.png",
		"reports/evaluation/report.md", "reports/evaluation/metrics.json",
		"reports/users/summary.csv", "reports/users/failures.jsonl",
	} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("output %s: %v", p, err)
		}
	}
	if !strings.Contains(out, "features: note: the MiniLM model was not found") || !strings.Contains(out, "corpus-v1-") {
		t.Errorf("stdout does not say that the corpus encoder stood in for MiniLM:\n%s", out)
	}
	if !strings.Contains(out, "clean: wrote") {
		t.Errorf("stdout lacks the written paths:\n%s", out)
	}
	postings, err := parquetio.ReadAll[records.CleanPosting](filepath.Join(dir, "data/clean/postings.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	rejects, err := parquetio.ReadAll[records.Reject](filepath.Join(dir, "data/clean/rejects.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, p := range postings {
		sum += p.Count
	}
	src, _ := os.ReadFile("../../data/sample/job_postings.csv")
	// The sample has no quoted newlines, so its records are its non-empty lines after the header.
	lines := int64(len(strings.Split(strings.TrimRight(string(src), "\n"), "\n")) - 1)
	if sum+int64(len(rejects)) != lines {
		t.Errorf("postings counts %d + rejects %d = %d; want the sample's %d records", sum, len(rejects), sum+int64(len(rejects)), lines)
	}

	// The serving model knows every role of the catalog.
	roles, err := parquetio.ReadAll[records.Role](filepath.Join(dir, "data/clean/roles.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	var info struct {
		Encoder      string `json:"encoder"`
		RolesTrained int    `json:"roles_with_training_examples"`
	}
	readJSON(t, filepath.Join(dir, "models/classifier.json"), &info)
	if info.RolesTrained != len(roles) || !strings.HasPrefix(info.Encoder, "corpus-v1-") {
		t.Errorf("serving model: %d roles trained on %s; want all %d roles, on the corpus encoder", info.RolesTrained, info.Encoder, len(roles))
	}
	// The evaluation headline: the served ranking on 5-skill queries of held-out postings,
	// not below the TF-IDF baseline of the same queries (0.885 both when this was written).
	var metrics struct {
		Rows []struct {
			Name, Split string
			N           int
			Top5        float64
			Headline    bool
		} `json:"rows"`
	}
	readJSON(t, filepath.Join(dir, "reports/evaluation/metrics.json"), &metrics)
	var head, base float64
	headSplit := ""
	for _, r := range metrics.Rows {
		if r.Headline {
			head, headSplit = r.Top5, r.Split
		}
	}
	for _, r := range metrics.Rows {
		if r.Split == headSplit && strings.HasPrefix(r.Name, "baseline: TF-IDF") {
			base = r.Top5
		}
	}
	if headSplit == "" || head < 0.8 || head < base {
		t.Errorf("evaluation headline top-5 %.3f on %q, TF-IDF baseline %.3f; want a headline of at least 0.8, not below the baseline", head, headSplit, base)
	}
	// One report per sample person, every one written.
	summary, err := os.ReadFile(filepath.Join(dir, "reports/users/summary.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(strings.TrimSpace(string(summary)), "\n")
	if len(rows) != 17 || strings.Count(string(summary), ",written,") != 16 {
		t.Errorf("summary.csv has %d rows (%d written); want a header and 16 written people:\n%s", len(rows), strings.Count(string(summary), ",written,"), summary)
	}

	// A second run is skipped, and says so.
	code, out, _ = runCLI(t, args...)
	if code != exitOK || !strings.Contains(out, "up to date") {
		t.Errorf("second run exit %d, stdout %q; want 0 and 'up to date'", code, out)
	}
}

func TestTokenize(t *testing.T) {
	tok := testenv.Shared(t, "models/all-MiniLM-L6-v2/tokenizer.json")
	code, out, errOut := runCLI(t, "tokenize", "--tokenizer", tok, "Python, SQL, Machine Learning")
	const want = "101 18750 1010 29296 1010 3698 4083 102\t[CLS] python , sql , machine learning [SEP]\n"
	if code != exitOK || out != want {
		t.Errorf("skillx tokenize = %d, %q (%s); want 0, %q", code, out, errOut, want)
	}
	if code, _, _ := runCLI(t, "tokenize", "--tokenizer", tok); code != exitUsage {
		t.Errorf("skillx tokenize without text exit = %d; want %d", code, exitUsage)
	}
}

// readJSON decodes the JSON file at path into v.
func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
