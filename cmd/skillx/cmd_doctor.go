package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"github.com/skillx/skillx/internal/manifest"
	"github.com/skillx/skillx/internal/ortlib"
)

// check is one line of the doctor's report.
type check struct {
	status string // ok, warn, FAIL
	what   string
	detail string
}

// doctorChecks inspects the machine and workdir. It never prints secrets: the API key is
// reported as set or not set.
func doctorChecks(workdir string) []check {
	var out []check
	add := func(status, what, format string, args ...any) {
		out = append(out, check{status, what, fmt.Sprintf(format, args...)})
	}

	if path, source, err := ortlib.LibraryPath(); err != nil {
		add("FAIL", "onnx runtime", "%v", err)
	} else if err := ortlib.Init(); err != nil {
		add("FAIL", "onnx runtime", "%s (from %s) does not load: %v", path, source, err)
	} else {
		sum, _ := ortlib.SHA256()
		add("ok", "onnx runtime", "%s %s (from %s, sha256 %.12s)", ortlib.RuntimeVersion(), path, source, sum)
	}

	minilm := filepath.Join(workdir, "models", "all-MiniLM-L6-v2")
	model, tok := filepath.Join(minilm, "onnx", "model.onnx"), filepath.Join(minilm, "tokenizer.json")
	if fileExists(model) && fileExists(tok) {
		add("ok", "minilm model", "%s", minilm)
	} else {
		add("warn", "minilm model", "%s not found (run `make models` on a connected machine); the hashing encoder is used instead", model)
	}
	for _, f := range []string{"classifier.onnx", "classifier.json"} {
		p := filepath.Join(workdir, "models", f)
		if fileExists(p) {
			add("ok", "classifier", "%s", p)
		} else {
			add("warn", "classifier", "%s not found (run `skillx train`)", p)
		}
	}

	switch {
	case os.Getenv("GEMINI_API_KEY") != "":
		add("ok", "gemini api key", "GEMINI_API_KEY is set")
	case os.Getenv("GOOGLE_API_KEY") != "":
		add("ok", "gemini api key", "GOOGLE_API_KEY is set")
	default:
		add("warn", "gemini api key", "neither GEMINI_API_KEY nor GOOGLE_API_KEY is set; recommend uses the offline analyst")
	}

	var st syscall.Statfs_t
	dir := workdir
	if err := syscall.Statfs(dir, &st); err != nil {
		add("FAIL", "disk", "cannot read free space of %s: %v", dir, err)
	} else {
		free := int64(st.Bavail) * int64(st.Bsize)
		status := "ok"
		if free < 2<<30 {
			status = "warn"
		}
		add(status, "disk", "%.1f GB free in %s", float64(free)/1e9, dir)
	}

	for _, p := range []string{
		filepath.Join(workdir, "data", "raw", "postings.parquet"),
		filepath.Join(workdir, "data", "clean", "postings.parquet"),
	} {
		m, err := manifest.Read(p)
		switch {
		case errors.Is(err, os.ErrNotExist):
			add("warn", "data", "%s not written yet", p)
		case err != nil:
			add("FAIL", "data", "%v", err)
		default:
			add("ok", "data", "%s (%s, skillx %s, %d rows out)", p, m.Started.Format("2006-01-02 15:04"), m.Version, m.Rows["out"])
		}
	}
	return out
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

func init() {
	register(&command{
		name:    "doctor",
		summary: "check the ONNX Runtime library, model files, API key and disk",
		usage: `Checks what the pipeline needs and prints one line per check: ok, warn (works, with a fallback)
or FAIL (a stage will fail). Never prints the API key.

Example:
  skillx doctor --workdir .`,
		flags: func(fs *flag.FlagSet, g *globalOptions) func(context.Context, []string) error {
			return func(ctx context.Context, args []string) error {
				failed := 0
				for _, c := range doctorChecks(g.workdir) {
					fmt.Fprintf(g.stdout, "%-4s  %-15s %s\n", c.status, c.what, c.detail)
					if c.status == "FAIL" {
						failed++
					}
				}
				if failed > 0 {
					return fmt.Errorf("%d check(s) failed", failed)
				}
				return nil
			}
		},
	})
}
