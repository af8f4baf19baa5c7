package stage

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/skillx/skillx/internal/atomicfile"
	"github.com/skillx/skillx/internal/manifest"
)

// workdir makes a workdir holding data/in/a.txt, made by a stage "make" (with its manifest).
func workdir(t *testing.T) string {
	t.Helper()
	wd := t.TempDir()
	in := filepath.Join(wd, "data", "in", "a.txt")
	writeFile(t, in, "input a\n")
	if err := manifest.Write(in, manifest.Manifest{Stage: "make"}); err != nil {
		t.Fatal(err)
	}
	return wd
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// spec returns the spec of a stage "copy" that reads data/in/a.txt and writes data/out/b.txt
// and data/out/c.txt.
func spec(wd string) Spec {
	return Spec{Name: "copy", Workdir: wd, Algorithm: 1, Version: "v1",
		Inputs:  []Input{{Path: filepath.Join(wd, "data", "in", "a.txt"), MadeBy: "make"}},
		Params:  map[string]any{"n": 1},
		Outputs: []string{filepath.Join(wd, "data", "out", "b.txt"), filepath.Join(wd, "data", "out", "c.txt")}}
}

// run runs the stage of s, writing content to each output; ran says whether it did the work.
func run(t *testing.T, s Spec, content string) (ran bool) {
	t.Helper()
	r, err := Begin(s)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Abort()
	if r.UpToDate() {
		return false
	}
	for _, o := range s.Outputs {
		if err := r.Stage(o, []byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Publish(manifest.Manifest{Rows: map[string]int64{"out": 2}}, nil); err != nil {
		t.Fatal(err)
	}
	return true
}

// key returns the key Begin computes for s.
func key(t *testing.T, s Spec) string {
	t.Helper()
	s.Force = true
	r, err := Begin(s)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Abort()
	return r.Key()
}

func TestKeyIgnoresHowTheWorkdirIsNamedAndTheVersion(t *testing.T) {
	wd := workdir(t)
	abs := key(t, spec(wd))
	t.Chdir(wd)
	dot := spec(".")
	dot.Inputs[0].Path = filepath.Join("data", "in", "a.txt")
	dot.Outputs = []string{"data/out/b.txt", "data/out/c.txt"}
	if got := key(t, dot); got != abs {
		t.Errorf("key with --workdir . = %s; want the key with the absolute workdir %s", got, abs)
	}
	dot.Version = "v2-dirty"
	if got := key(t, dot); got != abs {
		t.Errorf("key with another skillx version = %s; want %s", got, abs)
	}
}

func TestKeyChangesWithWhatShapesTheWork(t *testing.T) {
	wd := workdir(t)
	base := key(t, spec(wd))
	for _, tc := range []struct {
		name   string
		change func(s *Spec)
	}{
		{"parameter", func(s *Spec) { s.Params = map[string]any{"n": 2} }},
		{"algorithm version", func(s *Spec) { s.Algorithm = 2 }},
		{"stage name", func(s *Spec) { s.Name = "other" }},
		{"input content", func(s *Spec) {
			writeFile(t, s.Inputs[0].Path, "input A\n") // same size, other content
			if err := manifest.Write(s.Inputs[0].Path, manifest.Manifest{Stage: "make"}); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		s := spec(wd)
		tc.change(&s)
		if got := key(t, s); got == base {
			t.Errorf("key after changing the %s = %s; want another key than %s", tc.name, got, base)
		}
	}
}

func TestOutsideInputIsKeyedByContentOnly(t *testing.T) {
	wd := workdir(t)
	src := t.TempDir()
	s := spec(wd)
	s.Inputs = append(s.Inputs, Input{Path: filepath.Join(src, "jobs.csv")})
	writeFile(t, s.Inputs[1].Path, "a,b\n1,2\n")
	k1 := key(t, s)
	moved := filepath.Join(src, "copy", "renamed.csv")
	writeFile(t, moved, "a,b\n1,2\n")
	s.Inputs[1].Path = moved
	if k2 := key(t, s); k2 != k1 {
		t.Errorf("key of the same source content at another path = %s; want %s", k2, k1)
	}
	writeFile(t, moved, "a,b\n1,3\n")
	if k3 := key(t, s); k3 == k1 {
		t.Errorf("key after the source content changed = %s; want another key", k3)
	}
	r, err := Begin(s)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Abort()
	if got := r.Inputs(); got[0].Path != "data/in/a.txt" || got[1].Path != moved {
		t.Errorf("recorded input paths = %q, %q; want data/in/a.txt (workdir-relative) and %s (absolute)", got[0].Path, got[1].Path, moved)
	}
}

func TestUpToDateSkipAndForce(t *testing.T) {
	wd := workdir(t)
	s := spec(wd)
	if !run(t, s, "first") {
		t.Fatal("first run skipped; want it to run")
	}
	if run(t, s, "second") {
		t.Errorf("second run with the same inputs and parameters ran; want it skipped")
	}
	r, err := Begin(s)
	if err != nil {
		t.Fatal(err)
	}
	if p := r.Previous(); p == nil || p.Rows["out"] != 2 || p.Stage != "copy" {
		t.Errorf("Previous() = %+v; want the first run's manifest (stage copy, out 2)", p)
	}
	r.Abort()
	if got := readFile(t, s.Outputs[0]); got != "first" {
		t.Errorf("output after a skipped run = %q; want %q", got, "first")
	}
	s.Force = true
	if !run(t, s, "forced") {
		t.Errorf("run with Force skipped; want it to run")
	}
	if got := readFile(t, s.Outputs[0]); got != "forced" {
		t.Errorf("output after a forced run = %q; want %q", got, "forced")
	}
	s.Force = false
	s.Params = map[string]any{"n": 2}
	if !run(t, s, "new params") {
		t.Errorf("run with a changed parameter skipped; want it to run")
	}
	os.Remove(manifest.PathFor(s.Outputs[1]))
	if !run(t, s, "one manifest gone") {
		t.Errorf("run with an output's manifest missing skipped; want it to run")
	}
}

func TestMissingInputNamesTheStageToRun(t *testing.T) {
	s := spec(t.TempDir())
	_, err := Begin(s)
	if err == nil || !strings.Contains(err.Error(), "run `skillx make` first") || !strings.Contains(err.Error(), "a.txt") {
		t.Errorf("Begin with a missing input: %v; want an error naming a.txt and `skillx make`", err)
	}
}

func TestInputWithoutItsManifestIsRefused(t *testing.T) {
	wd := workdir(t)
	s := spec(wd)
	os.Remove(manifest.PathFor(s.Inputs[0].Path))
	_, err := Begin(s)
	if err == nil || !strings.Contains(err.Error(), "no manifest") || !strings.Contains(err.Error(), "skillx make") {
		t.Errorf("Begin with an input without manifest: %v; want an error saying so and naming `skillx make`", err)
	}
}

func TestFailureBeforePublishLeavesPreviousOutputs(t *testing.T) {
	wd := workdir(t)
	s := spec(wd)
	run(t, s, "first")
	before := readFile(t, manifest.PathFor(s.Outputs[0]))
	s.Force = true
	fail := func() error {
		r, err := Begin(s)
		if err != nil {
			return err
		}
		defer r.Abort()
		if err := r.Stage(s.Outputs[0], []byte("half")); err != nil {
			return err
		}
		return errors.New("the work failed")
	}
	if err := fail(); err == nil {
		t.Fatal("fail() = nil; want its error")
	}
	if got := readFile(t, s.Outputs[0]); got != "first" {
		t.Errorf("output after a failed run = %q; want the previous %q", got, "first")
	}
	if got := readFile(t, manifest.PathFor(s.Outputs[0])); got != before {
		t.Errorf("manifest changed after a failed run")
	}
	assertNoTemporaries(t, filepath.Dir(s.Outputs[0]))
}

func TestPublishRefusesAnOutputNotWritten(t *testing.T) {
	wd := workdir(t)
	s := spec(wd)
	r, err := Begin(s)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Abort()
	if err := r.Stage(s.Outputs[0], []byte("one")); err != nil {
		t.Fatal(err)
	}
	err = r.Publish(manifest.Manifest{}, nil)
	if err == nil || !strings.Contains(err.Error(), "c.txt was not written") {
		t.Errorf("Publish without c.txt: %v; want an error naming c.txt", err)
	}
	r.Abort()
	if _, err := os.Stat(s.Outputs[0]); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("b.txt exists after a refused publish (%v); want nothing published", err)
	}
	assertNoTemporaries(t, filepath.Dir(s.Outputs[0]))
}

func TestPublishWritesEveryManifestAndDrops(t *testing.T) {
	wd := workdir(t)
	s := spec(wd)
	extra := filepath.Join(wd, "reports", "extra.csv")
	writeFile(t, extra, "from an earlier run")
	if err := manifest.Write(extra, manifest.Manifest{Stage: "copy"}); err != nil {
		t.Fatal(err)
	}
	optional := filepath.Join(wd, "reports", "optional.png")
	r, err := Begin(s)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Abort()
	for _, o := range append(s.Outputs, optional) {
		if err := r.Stage(o, []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	r.Drop(extra)
	ranBefore := false
	if err := r.Publish(manifest.Manifest{Encoder: "enc", Rows: map[string]int64{"out": 3}}, func() error { ranBefore = true; return nil }); err != nil {
		t.Fatal(err)
	}
	if !ranBefore {
		t.Errorf("Publish did not run before")
	}
	for _, o := range append(s.Outputs, optional) {
		m, err := manifest.Read(o)
		if err != nil {
			t.Errorf("manifest of %s: %v", o, err)
			continue
		}
		rel, _ := filepath.Rel(wd, o)
		if m.Stage != "copy" || m.Key != r.Key() || m.Version != "v1" || m.Encoder != "enc" || m.Rows["out"] != 3 ||
			m.Output.Path != filepath.ToSlash(rel) || len(m.Inputs) != 1 || m.Inputs[0].Path != "data/in/a.txt" || m.Params["n"] != 1.0 {
			t.Errorf("manifest of %s = %+v; want stage copy, the run's key, version v1, encoder enc, out 3, output %s, input data/in/a.txt, n 1", o, m, rel)
		}
		if err := manifest.Check(o, "copy"); err != nil {
			t.Errorf("Check(%s) after Publish: %v", o, err)
		}
	}
	for _, p := range []string{extra, manifest.PathFor(extra)} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s after Drop: %v; want it removed", p, err)
		}
	}
}

func TestInputChangedWhileReadIsRefused(t *testing.T) {
	wd := workdir(t)
	s := spec(wd)
	s.Inputs = append(s.Inputs, Input{Path: filepath.Join(t.TempDir(), "src.csv")})
	writeFile(t, s.Inputs[1].Path, "a\n")
	r, err := Begin(s)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Abort()
	for _, o := range s.Outputs {
		if err := r.Stage(o, []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, s.Inputs[1].Path, "a\nb\n")
	err = r.Publish(manifest.Manifest{}, nil)
	if err == nil || !strings.Contains(err.Error(), "changed while it was read") {
		t.Errorf("Publish after an input grew: %v; want an error saying it changed", err)
	}
	if _, err := os.Stat(s.Outputs[0]); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("output exists after a refused publish (%v); want nothing published", err)
	}
}

func TestHashesAreReused(t *testing.T) {
	wd := workdir(t)
	s := spec(wd)
	// The producer's manifest records the input's hash: a tampered one shows it is reused.
	in := s.Inputs[0].Path
	m, err := manifest.Read(in)
	if err != nil {
		t.Fatal(err)
	}
	m.Output.SHA256 = "remembered"
	writeManifest(t, in, m)
	r, err := Begin(s)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Abort()
	if got := r.Inputs()[0].SHA256; got != "remembered" {
		t.Errorf("input hash = %s; want the one its producer recorded for the same size and time", got)
	}

	// The previous run's manifest records the hash of an input from outside the pipeline.
	src := filepath.Join(t.TempDir(), "src.csv")
	writeFile(t, src, "input a\n")
	s.Inputs = append(s.Inputs, Input{Path: src})
	run(t, s, "first")
	prev, err := manifest.Read(s.Outputs[0])
	if err != nil {
		t.Fatal(err)
	}
	prev.Inputs[1].SHA256 = "remembered too"
	writeManifest(t, s.Outputs[0], prev)
	s.Force = true
	r2, err := Begin(s)
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Abort()
	if got := r2.Inputs()[1].SHA256; got != "remembered too" {
		t.Errorf("source hash = %s; want the one the previous run recorded for the same size and time", got)
	}
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(src, later, later); err != nil {
		t.Fatal(err)
	}
	r3, err := Begin(s)
	if err != nil {
		t.Fatal(err)
	}
	defer r3.Abort()
	sum := sha256.Sum256([]byte("input a\n"))
	if got, want := r3.Inputs()[1].SHA256, hex.EncodeToString(sum[:]); got != want {
		t.Errorf("source hash after its modification time changed = %s; want a fresh sha256 %s", got, want)
	}
}

func writeManifest(t *testing.T, output string, m *manifest.Manifest) {
	t.Helper()
	// manifest.Write hashes the output anew, so write the JSON by hand.
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := atomicfile.WriteFile(manifest.PathFor(output), data); err != nil {
		t.Fatal(err)
	}
}

func TestBeginRemovesStaleTemporaries(t *testing.T) {
	wd := workdir(t)
	s := spec(wd)
	stale := filepath.Join(filepath.Dir(s.Outputs[0]), atomicfile.TempPrefix+"b.txt-123")
	writeFile(t, stale, "left by a crash")
	r, err := Begin(s)
	if err != nil {
		t.Fatal(err)
	}
	r.Abort()
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale temporary after Begin: %v; want it removed", err)
	}
}

func TestBeginRejectsABadSpec(t *testing.T) {
	_, err := Begin(Spec{Params: map[string]any{"f": func() {}}})
	for _, want := range []string{"no stage name", "no workdir", "algorithm version 0", "no outputs", "parameters do not encode"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Begin(bad spec) = %v; want it to say %q", err, want)
		}
	}
}

func assertNoTemporaries(t *testing.T, dir string) {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, atomicfile.TempPrefix+"*"))
	if len(m) > 0 {
		t.Errorf("temporary files left in %s: %v", dir, m)
	}
}
