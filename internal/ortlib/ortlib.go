package ortlib

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	ort "github.com/yalue/onnxruntime_go"
)

// Version is the ONNX Runtime version that skillx is built and tested against: the C API
// version of github.com/yalue/onnxruntime_go v1.27.0.
const Version = "1.24.1"

// Sources of the library, as returned by LibraryPath.
const (
	// SourceEnv means the path came from the SKILLX_ORT_LIB environment variable.
	SourceEnv = "SKILLX_ORT_LIB"
	// SourceCache means the library was found in the skillx cache folder (`make setup`).
	SourceCache = "cache"
	// SourceSystem means the library was found in a system library folder.
	SourceSystem = "system"
)

// systemDirs and systemNames are the system locations searched last; tests replace them.
var (
	systemDirs  = []string{"/usr/local/lib", "/usr/lib", "/usr/lib/x86_64-linux-gnu"}
	systemNames = []string{"libonnxruntime.so.1", "libonnxruntime.so"}
)

// CacheDir returns the skillx cache folder: $SKILLX_CACHE_DIR, else $XDG_CACHE_HOME/skillx,
// else ~/.cache/skillx (the same rule as scripts/setup-ort.sh).
func CacheDir() (string, error) {
	if d := os.Getenv("SKILLX_CACHE_DIR"); d != "" {
		return d, nil
	}
	if d := os.Getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "skillx"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("locate cache folder: %w", err)
	}
	return filepath.Join(home, ".cache", "skillx"), nil
}

// LibraryPath returns the path of the ONNX Runtime library to load and where it was found
// (SourceEnv, SourceCache or SourceSystem). A SKILLX_ORT_LIB that names a missing file is an
// error rather than a reason to look elsewhere.
func LibraryPath() (path string, source string, err error) {
	if p := os.Getenv("SKILLX_ORT_LIB"); p != "" {
		if err := isFile(p); err != nil {
			return "", "", fmt.Errorf("SKILLX_ORT_LIB=%s: %w", p, err)
		}
		return p, SourceEnv, nil
	}
	var looked []string
	if dir, err := CacheDir(); err == nil {
		p := filepath.Join(dir, "onnxruntime-"+Version, "libonnxruntime.so.1")
		if isFile(p) == nil {
			return p, SourceCache, nil
		}
		looked = append(looked, p)
	}
	for _, dir := range systemDirs {
		for _, name := range systemNames {
			p := filepath.Join(dir, name)
			if isFile(p) == nil {
				return p, SourceSystem, nil
			}
			looked = append(looked, p)
		}
	}
	return "", "", fmt.Errorf("onnx runtime library not found (looked in %s); run `make setup` or set SKILLX_ORT_LIB to libonnxruntime.so.1 (%s)",
		strings.Join(looked, ", "), Version)
}

// isFile reports, as an error, why p is not a regular file (or a link to one).
func isFile(p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return &fs.PathError{Op: "stat", Path: p, Err: errors.New("not a regular file")}
	}
	return nil
}

var (
	initOnce sync.Once
	initErr  error
	// loaded holds the path of the library after a successful Init.
	loaded atomic.Pointer[string]
)

// Init loads the ONNX Runtime library found by LibraryPath and initialises the onnxruntime_go
// environment. It does the work once per process; later calls return the first call's result.
// It is safe for concurrent use. A library whose version is not Version is unloaded again and
// reported as an error.
func Init() error {
	initOnce.Do(func() {
		initErr = initialise()
	})
	return initErr
}

func initialise() error {
	path, source, err := LibraryPath()
	if err != nil {
		return err
	}
	// Another package may have initialised onnxruntime_go itself; then the library it loaded
	// is unknown, and only its version is checked.
	preloaded := ort.IsInitialized()
	if !preloaded {
		ort.SetSharedLibraryPath(path)
		if err := ort.InitializeEnvironment(); err != nil {
			return fmt.Errorf("initialise onnx runtime from %s (%s): %w", path, source, err)
		}
	}
	if got := ort.GetVersion(); got != Version {
		err := fmt.Errorf("onnx runtime %s (%s) is version %s; skillx needs %s: run `make setup` or set SKILLX_ORT_LIB to libonnxruntime.so.1 (%s)",
			path, source, got, Version, Version)
		return errors.Join(err, ort.DestroyEnvironment())
	}
	if !preloaded {
		loaded.Store(&path)
	}
	return nil
}

// RuntimeVersion returns the version string reported by the loaded ONNX Runtime library, or ""
// before a successful Init.
func RuntimeVersion() string {
	if !ort.IsInitialized() {
		return ""
	}
	return ort.GetVersion()
}

// SHA256 returns the hex sha256 of the library file: the one loaded by Init, or before a
// successful Init the one LibraryPath finds.
func SHA256() (string, error) {
	var path string
	if p := loaded.Load(); p != nil {
		path = *p
	} else {
		p, _, err := LibraryPath()
		if err != nil {
			return "", err
		}
		path = p
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("hash onnx runtime library: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash onnx runtime library %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
