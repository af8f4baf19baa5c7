// Package testenv holds what tests need to know about their environment, in one place: where
// the shared data folder is, and the switches that turn skips into failures or run the large
// tests. Like restic's internal/test/vars.go, every switch is an environment variable:
//
//   - SKILLX_REQUIRE_SHARED=1: a test whose ../shared file is missing fails instead of skipping
//     (CI sets it, so real-data tests cannot silently skip);
//   - SKILLX_LARGE_TESTS=1: run the tests that build large models (skipped by default and
//     under -short);
//   - SKILLX_REQUIRE_ORT=1 and SKILLX_RELIABILITY_REQUIRE=1 are read by ortlibtest and the
//     reliability suite.
package testenv

import (
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// Environment switches.
const (
	RequireSharedVar = "SKILLX_REQUIRE_SHARED"
	LargeTestsVar    = "SKILLX_LARGE_TESTS"
)

// ModuleRoot returns the folder above the working directory that holds go.mod ("" when there
// is none).
func ModuleRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// SharedDir returns ../shared beside the module root ("" when there is no module root).
func SharedDir() string {
	root := ModuleRoot()
	if root == "" {
		return ""
	}
	return filepath.Join(root, "..", "shared")
}

// Shared returns the path of rel (slash-separated) under the shared folder. When it does not
// exist it skips tb, or fails it under SKILLX_REQUIRE_SHARED=1.
func Shared(tb testing.TB, rel string) string {
	tb.Helper()
	dir := SharedDir()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if _, err := os.Stat(p); dir == "" || err != nil {
		msg := "shared file not found: " + p + " (want ../shared beside the module root)"
		if os.Getenv(RequireSharedVar) == "1" {
			tb.Fatalf("%s; %s=1", msg, RequireSharedVar)
		}
		tb.Skip(msg)
	}
	return p
}

// Large skips tb unless SKILLX_LARGE_TESTS=1 and the tests run without -short.
func Large(tb testing.TB, what string) {
	tb.Helper()
	if testing.Short() || os.Getenv(LargeTestsVar) != "1" {
		tb.Skipf("%s; set %s=1 (without -short) to run it", what, LargeTestsVar)
	}
}

// SharedCSV returns the values of the named columns of every record of the CSV file rel under
// the shared datasets folder (../shared/datasets/rel), one slice per record in column order.
// Like Shared, it skips tb when the file is missing (or fails it under SKILLX_REQUIRE_SHARED);
// a missing column or an unreadable record fails tb.
func SharedCSV(tb testing.TB, rel string, columns ...string) [][]string {
	tb.Helper()
	f, err := os.Open(Shared(tb, filepath.Join("datasets", rel)))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		tb.Fatalf("read %s: %v", rel, err)
	}
	idx := make([]int, len(columns))
	for i, c := range columns {
		if idx[i] = slices.Index(header, c); idx[i] < 0 {
			tb.Fatalf("no column %q in %s; columns are %q", c, rel, header)
		}
	}
	var out [][]string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			tb.Fatalf("read %s: %v", rel, err)
		}
		row := make([]string, len(idx))
		for i, j := range idx {
			row[i] = rec[j]
		}
		out = append(out, row)
	}
}
