package ortlib

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func touch(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("not really a library"), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLibraryPath(t *testing.T) {
	root := t.TempDir()
	envLib := filepath.Join(root, "env", "libonnxruntime.so.1")
	touch(t, envLib)
	cacheLib := filepath.Join(root, "cache", "onnxruntime-"+Version, "libonnxruntime.so.1")
	touch(t, cacheLib)
	xdgLib := filepath.Join(root, "xdg", "skillx", "onnxruntime-"+Version, "libonnxruntime.so.1")
	touch(t, xdgLib)
	homeLib := filepath.Join(root, "home", ".cache", "skillx", "onnxruntime-"+Version, "libonnxruntime.so.1")
	touch(t, homeLib)
	sysLib := filepath.Join(root, "sys", "libonnxruntime.so")
	touch(t, sysLib)
	empty := filepath.Join(root, "empty")

	tests := []struct {
		name                        string
		env, cache, xdg, home, sys  string
		wantPath, wantSource, wantE string
	}{
		{name: "env wins", env: envLib, cache: filepath.Join(root, "cache"), sys: filepath.Join(root, "sys"), wantPath: envLib, wantSource: SourceEnv},
		{name: "env missing is an error", env: filepath.Join(root, "nope.so"), cache: filepath.Join(root, "cache"), wantE: "SKILLX_ORT_LIB="},
		{name: "env is a folder", env: root, wantE: "not a regular file"},
		{name: "SKILLX_CACHE_DIR", cache: filepath.Join(root, "cache"), xdg: filepath.Join(root, "xdg"), wantPath: cacheLib, wantSource: SourceCache},
		{name: "XDG_CACHE_HOME", xdg: filepath.Join(root, "xdg"), home: filepath.Join(root, "home"), wantPath: xdgLib, wantSource: SourceCache},
		{name: "home cache", home: filepath.Join(root, "home"), sys: filepath.Join(root, "sys"), wantPath: homeLib, wantSource: SourceCache},
		{name: "system", home: empty, sys: filepath.Join(root, "sys"), wantPath: sysLib, wantSource: SourceSystem},
		{name: "nothing", home: empty, sys: empty, wantE: "onnx runtime library not found (looked in " + empty},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("SKILLX_ORT_LIB", tt.env)
			t.Setenv("SKILLX_CACHE_DIR", tt.cache)
			t.Setenv("XDG_CACHE_HOME", tt.xdg)
			t.Setenv("HOME", tt.home)
			saved := systemDirs
			systemDirs = []string{tt.sys}
			if tt.sys == "" {
				systemDirs = nil
			}
			defer func() { systemDirs = saved }()

			path, source, err := LibraryPath()
			if tt.wantE != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantE) {
					t.Fatalf("LibraryPath() error = %v; want it to contain %q", err, tt.wantE)
				}
				return
			}
			if err != nil {
				t.Fatalf("LibraryPath() error = %v", err)
			}
			if path != tt.wantPath || source != tt.wantSource {
				t.Errorf("LibraryPath() = %q, %q; want %q, %q", path, source, tt.wantPath, tt.wantSource)
			}
		})
	}
}

func TestLibraryPathNotFoundMessage(t *testing.T) {
	t.Setenv("SKILLX_ORT_LIB", "")
	t.Setenv("SKILLX_CACHE_DIR", t.TempDir())
	saved := systemDirs
	systemDirs = nil
	defer func() { systemDirs = saved }()
	_, _, err := LibraryPath()
	if err == nil {
		t.Fatal("LibraryPath() error = nil; want not found")
	}
	for _, want := range []string{"run `make setup`", "SKILLX_ORT_LIB", "libonnxruntime.so.1 (1.24.1)"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("LibraryPath() error = %q; want it to contain %q", err, want)
		}
	}
}

// requireInit initialises the real library, skipping (or failing under SKILLX_REQUIRE_ORT=1)
// where it is absent. It cannot use ortlibtest, which imports this package.
func requireInit(t *testing.T) {
	t.Helper()
	if err := Init(); err != nil {
		if os.Getenv("SKILLX_REQUIRE_ORT") == "1" {
			t.Fatalf("SKILLX_REQUIRE_ORT=1 but Init() error = %v", err)
		}
		t.Skipf("onnx runtime unavailable (run `make setup` or set SKILLX_ORT_LIB): %v", err)
	}
}

func TestInit(t *testing.T) {
	// Init is called concurrently: it must load the library exactly once.
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() { errs[i] = Init() })
	}
	wg.Wait()
	for i := 1; i < len(errs); i++ {
		if errs[i] != errs[0] {
			t.Fatalf("Init() call %d = %v; call 0 = %v; want the same result", i, errs[i], errs[0])
		}
	}
	requireInit(t)
	if got := RuntimeVersion(); got != Version {
		t.Errorf("RuntimeVersion() = %q; want %q", got, Version)
	}
	sum, err := SHA256()
	if err != nil {
		t.Fatalf("SHA256() error = %v", err)
	}
	path := *loaded.Load()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := sha256.Sum256(data)
	if sum != hex.EncodeToString(want[:]) {
		t.Errorf("SHA256() = %s; want %x (%s)", sum, want, path)
	}
}
