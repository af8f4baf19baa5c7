package manifest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/skillx/skillx/internal/atomicfile"
)

// Suffix is appended to an output's path to name its manifest.
const Suffix = ".manifest.json"

// FileRef identifies a file by path, size, modification time and content hash.
type FileRef struct {
	// Path is the file's path: relative to the workdir for a file inside it and absolute for
	// one outside it when internal/stage recorded it, as the stage was given it otherwise.
	Path string `json:"path"`
	// Size is the size in bytes.
	Size int64 `json:"size"`
	// ModTime is the modification time, used only to avoid rehashing an unchanged file.
	ModTime time.Time `json:"mod_time"`
	// SHA256 is the hex sha256 of the content.
	SHA256 string `json:"sha256"`
}

// Manifest describes one output file.
type Manifest struct {
	// Stage is the stage that wrote the file.
	Stage string `json:"stage"`
	// Output is the file described.
	Output FileRef `json:"output"`
	// Version is the skillx version that wrote it.
	Version string `json:"skillx_version"`
	// Key is a hash of the stage, its algorithm version, inputs and parameters (see stage.Key):
	// equal keys mean equal work. The skillx version is recorded, not keyed.
	Key string `json:"key"`
	// Inputs are the files the stage read.
	Inputs []FileRef `json:"inputs"`
	// Params are the parameters that shape the output.
	Params map[string]any `json:"params,omitempty"`
	// Encoder is the encoder id, where one was used.
	Encoder string `json:"encoder,omitempty"`
	// Model is the model id, where one was used.
	Model string `json:"model,omitempty"`
	// Rows holds row counts (in, out, rejected, duplicates, ...); they add up as documented.
	Rows map[string]int64 `json:"rows,omitempty"`
	// Notes holds anything else worth keeping (warnings, derived figures).
	Notes map[string]any `json:"notes,omitempty"`
	// Started is when the stage started.
	Started time.Time `json:"started"`
	// WallSeconds is how long the stage took.
	WallSeconds float64 `json:"wall_seconds"`
}

// PathFor returns the manifest path of an output file.
func PathFor(output string) string { return output + Suffix }

// Read reads the manifest of an output file.
func Read(output string) (*Manifest, error) {
	p := PathFor(output)
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("read manifest %s: %w", p, err)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("parse manifest %s: %w", p, err)
	}
	return &m, nil
}

// Write describes output (whose size and hash it computes) in its manifest, atomically.
func Write(output string, m Manifest) error { return WriteAs(output, output, m) }

// WriteAs is Write with the output's path recorded as recorded (the stage runner records
// paths relative to the workdir, so that a workdir named another way is the same workdir).
func WriteAs(output, recorded string, m Manifest) error {
	ref, err := HashFile(output, nil)
	if err != nil {
		return err
	}
	ref.Path = recorded
	m.Output = ref
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encode manifest for %s: %w", output, err)
	}
	return atomicfile.WriteFile(PathFor(output), append(data, '\n'))
}

// HashFile returns the FileRef of path. When known holds a ref of the same path with the same
// size and modification time, its hash is reused instead of reading the file again.
func HashFile(path string, known []FileRef) (FileRef, error) {
	st, err := os.Stat(path)
	if err != nil {
		return FileRef{}, fmt.Errorf("hash %s: %w", path, err)
	}
	ref := FileRef{Path: path, Size: st.Size(), ModTime: st.ModTime().UTC()}
	for _, k := range known {
		if k.Path == path && k.Size == ref.Size && k.ModTime.Equal(ref.ModTime) && k.SHA256 != "" {
			ref.SHA256 = k.SHA256
			return ref, nil
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return FileRef{}, fmt.Errorf("hash %s: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return FileRef{}, fmt.Errorf("hash %s: %w", path, err)
	}
	ref.SHA256 = hex.EncodeToString(h.Sum(nil))
	return ref, nil
}

// HashInputs returns the refs of paths, reusing the hashes recorded in the manifest of
// previousOutput (if it exists) for files whose size and modification time are unchanged.
func HashInputs(previousOutput string, paths []string) ([]FileRef, error) {
	var known []FileRef
	if previousOutput != "" {
		if m, err := Read(previousOutput); err == nil {
			known = m.Inputs
		}
	}
	refs := make([]FileRef, 0, len(paths))
	for _, p := range paths {
		r, err := HashFile(p, known)
		if err != nil {
			return nil, err
		}
		refs = append(refs, r)
	}
	return refs, nil
}

// UpToDate reports whether every output exists with a manifest of the given key whose recorded
// size matches the file on disk. The reason says why not, for the log.
func UpToDate(key string, outputs ...string) (bool, string) {
	for _, o := range outputs {
		m, err := Read(o)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return false, "no manifest for " + o
			}
			return false, err.Error()
		}
		if m.Key != key {
			return false, "inputs or parameters changed for " + o
		}
		st, err := os.Stat(o)
		if err != nil {
			return false, "missing output " + o
		}
		if !matches(o, st, m) {
			return false, "output " + o + " differs from its manifest"
		}
	}
	return true, ""
}

// Remove deletes the manifests of outputs (missing ones are fine). A stage calls it just before
// it puts new outputs in place, so that until their new manifests are written no output can
// pass for complete.
func Remove(outputs ...string) error {
	for _, o := range outputs {
		if err := os.Remove(PathFor(o)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove manifest of %s: %w", o, err)
		}
	}
	return nil
}

// Check verifies that input is a complete output of an earlier stage: it has a manifest, and its
// size and modification time are the ones the manifest recorded. stage names the stage that
// writes it, for the message.
func Check(input, stage string) error {
	m, err := Read(input)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("%s has no manifest: an earlier run was interrupted, or skillx did not write it; rerun `skillx %s`", input, stage)
		}
		return err
	}
	st, err := os.Stat(input)
	if err != nil {
		return fmt.Errorf("%s: %w; rerun `skillx %s`", input, err, stage)
	}
	if !matches(input, st, m) {
		return fmt.Errorf("%s does not match its manifest (it changed after %s wrote it, or a run was interrupted); rerun `skillx %s`", input, m.Stage, stage)
	}
	return nil
}

// matches reports whether the file at path (with stat st) is the one m describes: same size,
// and the same modification time or, when that differs (a copied folder), the same sha256.
func matches(path string, st os.FileInfo, m *Manifest) bool {
	if st.Size() != m.Output.Size {
		return false
	}
	if st.ModTime().UTC().Equal(m.Output.ModTime) {
		return true
	}
	ref, err := HashFile(path, nil)
	return err == nil && ref.SHA256 == m.Output.SHA256
}
