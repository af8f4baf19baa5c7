package skillfind

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/skillx/skillx/clean"
	"github.com/skillx/skillx/ingest"
	"github.com/skillx/skillx/internal/records"
	"github.com/skillx/skillx/internal/testenv"
)

// The sample résumés and the sample postings, relative to this package.
const (
	resumeDir   = "../../data/sample/resumes"
	samplePosts = "../../data/sample/job_postings.csv"
)

var (
	sampleOnce  sync.Once
	sampleRoles []records.Role
	sampleErr   error
	tmpRoot     string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if tmpRoot != "" {
		os.RemoveAll(tmpRoot)
	}
	os.Exit(code)
}

// makeWorkdir ingests and cleans input (with preset) into a new folder under tmpRoot.
func makeWorkdir(name, preset, input string) (string, error) {
	if tmpRoot == "" {
		d, err := os.MkdirTemp("", "skillfind-test-")
		if err != nil {
			return "", err
		}
		tmpRoot = d
	}
	dir := filepath.Join(tmpRoot, name)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := context.Background()
	if _, err := ingest.Run(ctx, ingest.Config{Workdir: dir, Inputs: []string{input}, Preset: preset, Version: "test", Logger: quiet}); err != nil {
		return "", fmt.Errorf("ingest %s: %w", input, err)
	}
	if _, err := clean.Run(ctx, clean.Config{Workdir: dir, Version: "test", Logger: quiet}); err != nil {
		return "", fmt.Errorf("clean %s: %w", dir, err)
	}
	return dir, nil
}

// sampleCatalog returns the role catalog of data/sample/job_postings.csv, built once.
func sampleCatalog(tb testing.TB) []records.Role {
	tb.Helper()
	sampleOnce.Do(func() {
		dir, err := makeWorkdir("sample", "kaggle", samplePosts)
		if err != nil {
			sampleErr = err
			return
		}
		sampleRoles, sampleErr = ReadCatalog(dir)
	})
	if sampleErr != nil {
		tb.Fatal(sampleErr)
	}
	return sampleRoles
}

var (
	onetOnce sync.Once
	onetData *ONET
	onetErr  error
)

// onet returns O*NET's technology skills, or skips without ../shared.
func onet(tb testing.TB) *ONET {
	tb.Helper()
	dir := testenv.Shared(tb, "datasets/onet-29.2")
	onetOnce.Do(func() { onetData, onetErr = ReadONET(dir) })
	if onetErr != nil {
		tb.Fatal(onetErr)
	}
	return onetData
}

func readResume(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(resumeDir, name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
