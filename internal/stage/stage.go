package stage

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/skillx/skillx/internal/atomicfile"
	"github.com/skillx/skillx/internal/manifest"
)

// Input is a file a stage reads.
type Input struct {
	// Path is the file's path (as the stage was given it: relative or absolute).
	Path string
	// MadeBy names the stage that writes the file: the file must then carry that stage's
	// manifest and match it, and a missing file is reported as "run `skillx <MadeBy>` first".
	// "" marks a file from outside the pipeline (a source file, a model file), which is only
	// required to exist.
	MadeBy string
}

// Spec declares a stage run: what it reads, what shapes its work, what it writes.
type Spec struct {
	// Name is the stage's name, recorded in manifests and used in messages.
	Name string
	// Workdir is the folder that holds data/, models/ and reports/. Inputs inside it are keyed
	// by their path relative to it; inputs outside it by their content only.
	Workdir string
	// Algorithm is the stage's algorithm version: a stage bumps it whenever a change to its
	// logic changes its outputs, so that outputs made by the old logic are made again.
	Algorithm int
	// Version is the skillx version, recorded in manifests as information only: it is not part
	// of the key, so a new build does not rerun stages whose logic did not change.
	Version string
	// Inputs are the files the stage reads, in a fixed order (the key depends on it).
	Inputs []Input
	// Params are the parameters that shape the outputs; they must encode as JSON.
	Params map[string]any
	// Outputs are the files every run of the stage writes: all of them must be up to date for
	// the stage to be skipped, and Publish fails unless each was written or dropped. A stage
	// may write further files that only some runs write (see Runner.Drop); those are not
	// needed for the up-to-date decision. The first output's manifest is Runner.Previous.
	Outputs []string
	// Force runs the stage even when its outputs are up to date.
	Force bool
	// HashLate leaves the hashing of the inputs to the stage when the up-to-date decision does
	// not need it (no earlier outputs, or Force): the stage may then hash them as it reads
	// them and hand the hashes over with SetInputHashes before Publish.
	HashLate bool
	// Log receives the runner's logs; nil means slog.Default().
	Log *slog.Logger
}

// Writer is an output being written to a temporary file: atomicfile.File,
// parquetio.Writer, embstore.Writer and records.RawWriter are writers.
type Writer interface {
	// Prepare finishes the temporary file without putting it in place.
	Prepare() error
	// Publish renames a prepared file into place.
	Publish() error
	// Abort discards the temporary file (it does nothing after Publish).
	Abort()
}

// staged is one output of this run.
type staged struct {
	path string
	w    Writer
}

// Runner is a stage run that Begin started. It is not safe for concurrent use.
type Runner struct {
	spec    Spec
	log     *slog.Logger
	started time.Time
	workdir string // absolute
	// recorded holds each input's path as manifests record it (see recordedPath).
	recorded []string
	// made holds the manifest of each input made by an earlier stage (nil for the others).
	made     []*manifest.Manifest
	known    map[string]manifest.FileRef
	inputs   []manifest.FileRef
	key      string
	upToDate bool
	previous *manifest.Manifest
	files    []staged
	dropped  []string
	done     bool
}

// Begin checks spec's inputs, decides whether its outputs are up to date and, when they are
// not, removes the temporary files an interrupted run left beside them. The caller holds the
// workdir lock (cmd/skillx takes it for the whole command). When Runner.UpToDate is true the
// stage returns without working; otherwise it writes its outputs through the Runner, calls
// Publish, and defers Abort.
func Begin(spec Spec) (*Runner, error) {
	if err := validate(spec); err != nil {
		return nil, err
	}
	wd, err := filepath.Abs(spec.Workdir)
	if err != nil {
		return nil, fmt.Errorf("%s: workdir %s: %w", spec.Name, spec.Workdir, err)
	}
	r := &Runner{spec: spec, log: spec.Log, started: time.Now(), workdir: wd,
		made: make([]*manifest.Manifest, len(spec.Inputs)), known: map[string]manifest.FileRef{}}
	if r.log == nil {
		r.log = slog.Default()
	}
	if err := r.checkInputs(); err != nil {
		return nil, err
	}
	if err := r.decide(); err != nil {
		return nil, err
	}
	if r.upToDate {
		r.log.Info(spec.Name+": outputs up to date, skipping (use --force to rerun)", "output", spec.Outputs[0])
		return r, nil
	}
	r.cleanStale()
	if r.inputs == nil && !spec.HashLate {
		if err := r.hashInputs(); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// validate checks that spec declares what every run needs.
func validate(spec Spec) error {
	var errs []error
	if spec.Name == "" {
		errs = append(errs, errors.New("no stage name"))
	}
	if spec.Workdir == "" {
		errs = append(errs, errors.New("no workdir"))
	}
	if spec.Algorithm < 1 {
		errs = append(errs, fmt.Errorf("algorithm version %d; want 1 or more", spec.Algorithm))
	}
	if len(spec.Outputs) == 0 {
		errs = append(errs, errors.New("no outputs"))
	}
	if _, err := json.Marshal(spec.Params); err != nil {
		errs = append(errs, fmt.Errorf("parameters do not encode as JSON: %w", err))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("stage %q: %w", spec.Name, err)
	}
	return nil
}

// checkInputs checks that every input exists and is a file, and that an input made by an
// earlier stage carries that stage's manifest and matches it.
func (r *Runner) checkInputs() error {
	name := r.spec.Name
	r.recorded = make([]string, len(r.spec.Inputs))
	for i, in := range r.spec.Inputs {
		st, err := os.Stat(in.Path)
		switch {
		case err != nil && in.MadeBy != "":
			return fmt.Errorf("%s: input %s not found: run `skillx %s` first (%w)", name, in.Path, in.MadeBy, err)
		case err != nil:
			return fmt.Errorf("%s: input %w", name, err)
		case st.IsDir():
			return fmt.Errorf("%s: input %s is a folder; want a file", name, in.Path)
		}
		if r.recorded[i], err = recordedPath(r.workdir, in.Path); err != nil {
			return fmt.Errorf("%s: input %s: %w", name, in.Path, err)
		}
		if in.MadeBy == "" {
			continue
		}
		if err := manifest.Check(in.Path, in.MadeBy); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if r.made[i], err = manifest.Read(in.Path); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

// decide reads the previous run's manifest and, unless Force, hashes the inputs and checks
// whether every output is up to date.
func (r *Runner) decide() error {
	for _, o := range r.spec.Outputs {
		if m, err := manifest.Read(o); err == nil {
			for _, in := range m.Inputs {
				r.known[in.Path] = in
			}
			break
		}
	}
	if r.spec.Force || !r.anyManifest() {
		return nil
	}
	if err := r.hashInputs(); err != nil {
		return err
	}
	ok, why := manifest.UpToDate(r.key, r.spec.Outputs...)
	if !ok {
		r.log.Debug(r.spec.Name+": running", "reason", why)
		return nil
	}
	m, err := manifest.Read(r.spec.Outputs[0])
	if err != nil {
		return fmt.Errorf("%s: %w", r.spec.Name, err)
	}
	r.upToDate, r.previous = true, m
	return nil
}

// anyManifest reports whether some output has a manifest (an earlier run wrote it).
func (r *Runner) anyManifest() bool {
	for _, o := range r.spec.Outputs {
		if _, err := os.Stat(manifest.PathFor(o)); err == nil {
			return true
		}
	}
	return false
}

// hashInputs hashes every input, reusing a recorded sha256 (from the previous run's manifest,
// or from the manifest of the stage that wrote the input) when the file's size and
// modification time are the recorded ones, and computes the key.
func (r *Runner) hashInputs() error {
	refs := make([]manifest.FileRef, len(r.spec.Inputs))
	for i, in := range r.spec.Inputs {
		var candidates []manifest.FileRef
		if k, ok := r.known[r.recorded[i]]; ok {
			candidates = append(candidates, k)
		}
		if m := r.made[i]; m != nil {
			candidates = append(candidates, m.Output)
		}
		ref, err := hashFile(in.Path, candidates)
		if err != nil {
			return fmt.Errorf("%s: %w", r.spec.Name, err)
		}
		ref.Path = r.recorded[i]
		refs[i] = ref
	}
	return r.setInputs(refs)
}

// hashFile returns the ref of path, taking the sha256 of the first candidate of the same size
// and modification time instead of reading the file.
func hashFile(path string, candidates []manifest.FileRef) (manifest.FileRef, error) {
	st, err := os.Stat(path)
	if err != nil {
		return manifest.FileRef{}, fmt.Errorf("hash %s: %w", path, err)
	}
	for _, c := range candidates {
		if c.SHA256 != "" && c.Size == st.Size() && c.ModTime.Equal(st.ModTime().UTC()) {
			return manifest.FileRef{Path: path, Size: c.Size, ModTime: c.ModTime, SHA256: c.SHA256}, nil
		}
	}
	return manifest.HashFile(path, nil)
}

// setInputs records the inputs' refs (paths in recorded form) and computes the key.
func (r *Runner) setInputs(refs []manifest.FileRef) error {
	key, err := Key(r.spec.Name, r.spec.Algorithm, refs, r.spec.Params)
	if err != nil {
		return fmt.Errorf("%s: %w", r.spec.Name, err)
	}
	r.inputs, r.key = refs, key
	return nil
}

// cleanStale removes the temporary files an interrupted run left in the output folders.
func (r *Runner) cleanStale() {
	var dirs []string
	for _, o := range r.spec.Outputs {
		if d := filepath.Dir(o); !slices.Contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	for _, d := range dirs {
		if err := atomicfile.CleanStale(d); err != nil {
			r.log.Warn(r.spec.Name+": cannot remove temporary files of an interrupted run", "folder", d, "err", err)
		}
	}
}

// recordedPath returns path as manifests record it: relative to the workdir (with forward
// slashes) for a file inside it, absolute for a file outside it.
func recordedPath(workdir, path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(workdir, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return abs, nil
	}
	return filepath.ToSlash(rel), nil
}

// Key returns the work key of a stage run: a hash of the stage's name, its algorithm version,
// its inputs in order (a file inside the workdir by its workdir-relative path, size and
// sha256; a file outside it, whose recorded path is absolute, by size and sha256 only) and its
// parameters (as JSON, so map order does not matter). Equal keys mean equal work: neither the
// skillx version nor the way the workdir was named on the command line is part of it.
func Key(name string, algorithm int, inputs []manifest.FileRef, params map[string]any) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "stage=%s\nalgorithm=%d\n", name, algorithm)
	for _, in := range inputs {
		id := in.Path
		if filepath.IsAbs(id) {
			id = "(outside the workdir)"
		}
		fmt.Fprintf(h, "input=%q %d %s\n", id, in.Size, in.SHA256)
	}
	p, err := json.Marshal(params)
	if err != nil {
		return "", fmt.Errorf("encode parameters: %w", err)
	}
	fmt.Fprintf(h, "params=%s\n", p)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// UpToDate reports whether the outputs were up to date: the stage then does no work.
func (r *Runner) UpToDate() bool { return r.upToDate }

// Previous returns the manifest of the first output when the outputs are up to date (nil
// otherwise): what the skipped run recorded, for the stage's result.
func (r *Runner) Previous() *manifest.Manifest { return r.previous }

// InputManifest returns the manifest of the input at path, read by Begin's checks (nil for an
// input no earlier stage made, or a path that is not an input).
func (r *Runner) InputManifest(path string) *manifest.Manifest {
	for i, in := range r.spec.Inputs {
		if in.Path == path {
			return r.made[i]
		}
	}
	return nil
}

// Inputs returns the inputs' refs (paths as manifests record them), or nil while they are
// not hashed (see Spec.HashLate).
func (r *Runner) Inputs() []manifest.FileRef { return r.inputs }

// Key returns the run's key ("" while the inputs are not hashed).
func (r *Runner) Key() string { return r.key }

// Hashed reports whether the inputs are hashed. With Spec.HashLate they may not be: the stage
// then hashes them itself and calls SetInputHashes.
func (r *Runner) Hashed() bool { return r.inputs != nil }

// SetInputHashes hands over the hashes of the inputs that the stage took while reading them
// (see Spec.HashLate): one ref per input, in the order of Spec.Inputs.
func (r *Runner) SetInputHashes(refs []manifest.FileRef) error {
	if len(refs) != len(r.spec.Inputs) {
		return fmt.Errorf("%s: %d input hashes for %d inputs", r.spec.Name, len(refs), len(r.spec.Inputs))
	}
	out := make([]manifest.FileRef, len(refs))
	for i, ref := range refs {
		ref.Path = r.recorded[i]
		out[i] = ref
	}
	return r.setInputs(out)
}

// Add registers an output written by w at path: Publish puts it in place and writes its
// manifest, Abort discards it.
func (r *Runner) Add(path string, w Writer) {
	r.files = append(r.files, staged{path: path, w: w})
}

// Create starts writing the output at path and registers it (see Add).
func (r *Runner) Create(path string) (*atomicfile.File, error) {
	f, err := atomicfile.Create(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", r.spec.Name, err)
	}
	r.Add(path, f)
	return f, nil
}

// Stage writes data as the output at path and registers it (see Add).
func (r *Runner) Stage(path string, data []byte) error {
	f, err := atomicfile.Stage(path, data)
	if err != nil {
		return fmt.Errorf("%s: %w", r.spec.Name, err)
	}
	r.Add(path, f)
	return nil
}

// Drop marks path as an output this run does not write: Publish removes the file an earlier
// run left there, with its manifest, so that no stale file passes for this run's.
func (r *Runner) Drop(path string) { r.dropped = append(r.dropped, path) }

// Publish puts every output in place together and writes their manifests. It finishes every
// output first (nothing changes on disk if one fails), checks that no input changed while the
// stage read it, removes the previous manifests and dropped files, runs before (nil for
// nothing), renames the outputs into place in the order they were registered and then writes
// one manifest per output, in the same order. m carries what the stage adds (Encoder, Model,
// Rows, Notes, and Started and WallSeconds when it measured them itself); Stage, Version,
// Key, Inputs and Params are the run's.
func (r *Runner) Publish(m manifest.Manifest, before func() error) error {
	name := r.spec.Name
	if r.done {
		return fmt.Errorf("%s: publish: already published or aborted", name)
	}
	if r.inputs == nil {
		return fmt.Errorf("%s: publish: the inputs were not hashed", name)
	}
	if err := r.checkWritten(); err != nil {
		return err
	}
	if err := r.checkInputsUnchanged(); err != nil {
		return err
	}
	r.done = true
	writers := make([]atomicfile.Staged, len(r.files))
	all := slices.Clone(r.dropped)
	for i, f := range r.files {
		writers[i] = f.w
		all = append(all, f.path)
	}
	unmark := func() error {
		if err := manifest.Remove(all...); err != nil {
			return err
		}
		for _, p := range r.dropped {
			if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("remove %s: %w", p, err)
			}
		}
		if before != nil {
			return before()
		}
		return nil
	}
	if err := atomicfile.PublishAll(unmark, writers...); err != nil {
		r.abortFiles()
		return fmt.Errorf("%s: %w", name, err)
	}
	m.Stage, m.Version, m.Key, m.Inputs, m.Params = name, r.spec.Version, r.key, r.inputs, r.spec.Params
	if m.Started.IsZero() {
		m.Started = r.started.UTC()
	}
	if m.WallSeconds == 0 {
		m.WallSeconds = time.Since(r.started).Seconds()
	}
	for _, f := range r.files {
		rec, err := recordedPath(r.workdir, f.path)
		if err == nil {
			err = manifest.WriteAs(f.path, rec, m)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

// checkWritten fails when a declared output was neither written nor dropped, or one was
// registered twice.
func (r *Runner) checkWritten() error {
	seen := map[string]bool{}
	for _, f := range r.files {
		if seen[f.path] {
			return fmt.Errorf("%s: output %s written twice", r.spec.Name, f.path)
		}
		seen[f.path] = true
	}
	for _, p := range r.dropped {
		if seen[p] {
			return fmt.Errorf("%s: output %s both written and dropped", r.spec.Name, p)
		}
		seen[p] = true
	}
	for _, o := range r.spec.Outputs {
		if !seen[o] {
			return fmt.Errorf("%s: output %s was not written", r.spec.Name, o)
		}
	}
	return nil
}

// checkInputsUnchanged fails when an input's size or modification time is no longer the
// hashed one: the manifest would describe a file the stage did not read.
func (r *Runner) checkInputsUnchanged() error {
	for i, in := range r.spec.Inputs {
		ref := r.inputs[i]
		st, err := os.Stat(in.Path)
		if err != nil {
			return fmt.Errorf("%s: input %w", r.spec.Name, err)
		}
		if st.Size() != ref.Size || !st.ModTime().UTC().Equal(ref.ModTime) {
			return fmt.Errorf("%s: input %s changed while it was read (size %d -> %d); nothing was written: rerun when it is complete",
				r.spec.Name, in.Path, ref.Size, st.Size())
		}
	}
	return nil
}

// Abort discards every output not yet published. It is meant for a defer right after Begin
// and does nothing after Publish.
func (r *Runner) Abort() {
	r.done = true
	r.abortFiles()
}

// abortFiles discards the outputs' temporary files (published ones are left alone).
func (r *Runner) abortFiles() {
	for _, f := range r.files {
		f.w.Abort()
	}
}
