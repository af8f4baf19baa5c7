package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/skillx/skillx/internal/classifier"
	"github.com/skillx/skillx/internal/encoder"
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
		add("warn", "minilm model", "%s not found (run `make models` on a connected machine); the fallback %s encoder is used instead", model, encoder.FallbackKind)
	}
	for _, f := range []string{"classifier.onnx", "classifier.json"} {
		p := filepath.Join(workdir, "models", f)
		if fileExists(p) {
			add("ok", "classifier", "%s", p)
		} else {
			add("warn", "classifier", "%s not found (run `skillx train`)", p)
		}
	}
	if c, ok := encoderCheck(filepath.Join(workdir, "models", "classifier.json")); ok {
		out = append(out, c)
	}

	switch {
	case os.Getenv("GEMINI_API_KEY") != "":
		add("ok", "gemini api key", "GEMINI_API_KEY is set")
	case os.Getenv("GOOGLE_API_KEY") != "":
		add("ok", "gemini api key", "GOOGLE_API_KEY is set")
	default:
		add("warn", "gemini api key", "neither GEMINI_API_KEY nor GOOGLE_API_KEY is set; recommend uses the offline analyst")
	}

	out = append(out, diskCheck(workdir))
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
	return append(out, staleChecks(workdir)...)
}

// minFreeDisk is the free space below which the disk check warns.
const minFreeDisk = 2 << 30

// diskCheck reports the free space of workdir, or of its nearest existing parent when the
// workdir does not exist yet (the first stage creates it).
func diskCheck(workdir string) check {
	dir, note := workdir, ""
	if _, err := os.Stat(workdir); errors.Is(err, os.ErrNotExist) {
		dir = nearestExisting(workdir)
		note = fmt.Sprintf("%s does not exist yet (the first stage creates it); ", workdir)
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return check{"FAIL", "disk", fmt.Sprintf("%scannot read the free space of %s: %v", note, dir, err)}
	}
	free := int64(st.Bavail) * int64(st.Bsize)
	status := "ok"
	if free < minFreeDisk {
		status = "warn"
	}
	return check{status, "disk", fmt.Sprintf("%s%.1f GB free in %s", note, float64(free)/1e9, dir)}
}

// nearestExisting returns path's nearest ancestor that exists ("." or "/" at worst).
func nearestExisting(path string) string {
	p := filepath.Clean(path)
	for {
		if _, err := os.Stat(p); err == nil {
			return p
		}
		parent := filepath.Dir(p)
		if parent == p {
			return p
		}
		p = parent
	}
}

// encoderCheck warns when the classifier was trained on a fallback encoder instead of MiniLM.
// It reports nothing when there is no readable classifier.json (the classifier check says so).
func encoderCheck(path string) (check, bool) {
	info, err := classifier.Read(path)
	if err != nil || info.Encoder == "" {
		return check{}, false
	}
	if kind := encoder.KindOf(info.Encoder); kind != encoder.KindMiniLM {
		return check{"warn", "encoder", fmt.Sprintf("%s was trained on the fallback %s encoder (%s), not MiniLM: run `make models`, then `skillx run --force` to retrain on MiniLM", path, kind, info.Encoder)}, true
	}
	return check{"ok", "encoder", fmt.Sprintf("%s was trained on %s", path, info.Encoder)}, true
}

// manifestGlobs are where the stages' manifests are, relative to the workdir. reports/users
// holds a file per person, so only its two summary files are looked at.
var manifestGlobs = []string{
	"data/*/*" + manifest.Suffix, "models/*" + manifest.Suffix, "models/*/*" + manifest.Suffix,
	"reports/clean/*" + manifest.Suffix, "reports/training/*" + manifest.Suffix, "reports/evaluation/*" + manifest.Suffix,
	"reports/users/summary.csv" + manifest.Suffix, "reports/users/failures.jsonl" + manifest.Suffix,
}

// staleChecks compares every output's manifest with the files on disk: an output that changed
// after its stage wrote it, or whose inputs changed since (an earlier stage reran, or a
// source file was edited), is stale. One warning per stale output, or one ok line.
func staleChecks(workdir string) []check {
	var paths []string
	for _, g := range manifestGlobs {
		m, _ := filepath.Glob(filepath.Join(workdir, g))
		paths = append(paths, m...)
	}
	var out []check
	byStage := map[string]int{} // index into out of the stage's first warning
	more := map[string]int{}
	for _, mp := range paths {
		stage, why := staleness(workdir, strings.TrimSuffix(mp, manifest.Suffix))
		if why == "" {
			continue
		}
		if _, ok := byStage[stage]; ok {
			more[stage]++
			continue
		}
		byStage[stage] = len(out)
		out = append(out, check{"warn", "stale", why})
	}
	for stage, n := range more {
		out[byStage[stage]].detail += fmt.Sprintf(" (and %d more outputs of skillx %s)", n, stage)
	}
	switch {
	case len(paths) == 0:
		return nil
	case len(out) == 0:
		return []check{{"ok", "outputs", fmt.Sprintf("%d outputs match their manifests and inputs", len(paths))}}
	}
	return out
}

// staleness says why output is stale ("" when it is up to date), and which stage wrote it.
func staleness(workdir, output string) (stage, why string) {
	m, err := manifest.Read(output)
	if err != nil {
		return "", err.Error()
	}
	return m.Stage, staleInputs(workdir, output, m)
}

// staleInputs says why output, described by m, is stale ("" when it is up to date).
func staleInputs(workdir, output string, m *manifest.Manifest) string {
	if err := manifest.Check(output, m.Stage); err != nil {
		return err.Error()
	}
	remap := recordedPathMapper(workdir, output, m.Output.Path)
	for _, in := range m.Inputs {
		p := remap(in.Path)
		ref, err := manifest.HashFile(p, []manifest.FileRef{{Path: p, Size: in.Size, ModTime: in.ModTime, SHA256: in.SHA256}})
		switch {
		case errors.Is(err, os.ErrNotExist) && !filepath.IsAbs(p):
			return fmt.Sprintf("%s: input %s not found from this folder (relative to where `skillx %s` ran?); cannot tell if it is up to date", output, in.Path, m.Stage)
		case err != nil:
			return fmt.Sprintf("%s: input %s is gone (%v); `skillx %s` cannot rerun as it did", output, in.Path, err, m.Stage)
		case ref.SHA256 != in.SHA256:
			return fmt.Sprintf("%s is out of date: its input %s changed after `skillx %s` wrote it (rerun `skillx %s` or `skillx run`)", output, in.Path, m.Stage, m.Stage)
		}
	}
	return ""
}

// recordedPathMapper returns a function that maps a path recorded in output's manifest to
// the path of the same file from here. Stages record paths as they were given them (relative
// to the folder they ran in): when the output was recorded as <prefix><its path inside the
// workdir>, recorded paths that start with <prefix> are moved under workdir; others are kept.
func recordedPathMapper(workdir, output, recorded string) func(string) string {
	keep := func(p string) string { return p }
	rel, err := filepath.Rel(workdir, output)
	if err != nil {
		return keep
	}
	prefix, ok := strings.CutSuffix(filepath.Clean(recorded), rel)
	if !ok || (prefix != "" && !strings.HasSuffix(prefix, "/")) {
		return keep
	}
	return func(p string) string {
		if filepath.IsAbs(p) != filepath.IsAbs(prefix) && prefix != "" || prefix == "" && filepath.IsAbs(p) {
			return p
		}
		if rest, ok := strings.CutPrefix(filepath.Clean(p), prefix); ok {
			return filepath.Join(workdir, rest)
		}
		return p
	}
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// newDoctorCommand returns the skillx doctor command.
func newDoctorCommand() *command {
	return &command{
		name:     "doctor",
		readOnly: true,
		summary:  "check the ONNX Runtime library, model files, API key, disk and stale outputs",
		usage: `Checks what the pipeline needs and prints one line per check: ok, warn (works, with a fallback)
or FAIL (a stage will fail). Never prints the API key, and writes nothing.

Checks: the ONNX Runtime library; the MiniLM files; the classifier, and whether it was trained
on MiniLM or on a fallback encoder; the Gemini API key (set or not); free disk space in the
workdir (or, when it does not exist yet, in its nearest existing parent); and stale outputs:
every output whose manifest no longer matches the file, or whose inputs changed since its
stage wrote it (an earlier stage reran, or a source file was edited).

Example:
  skillx doctor --workdir .`,
		flags: func(fs *flag.FlagSet, g *globalOptions) func(context.Context, []string) error {
			return func(ctx context.Context, args []string) error {
				if len(args) > 0 {
					return usagef("unexpected arguments %q", args)
				}
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
	}
}
