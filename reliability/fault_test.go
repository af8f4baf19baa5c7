package reliability

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/skillx/skillx/internal/manifest"
)

// faultCase is a stage, a work folder holding its previous complete outputs (version A), and
// the arguments of the run that meets the fault.
type faultCase struct {
	stage stage
	// tmpl returns a work folder whose outputs of stage are complete.
	tmpl func(t *testing.T) string
	// args are the arguments of the run that meets the fault.
	args func(t *testing.T) []string
}

// trainTemplate is featuresTemplate plus a trained classifier (trainA).
func trainTemplate(t *testing.T) string {
	t.Helper()
	return template(t, "train", func(t *testing.T, wd string) {
		copyDir(t, featuresTemplate(t), wd)
		mustRun(t, wd, "train", trainA...)
	})
}

// cleanTemplate is the sample ingested and cleaned.
func cleanTemplate(t *testing.T) string {
	t.Helper()
	return template(t, "clean", func(t *testing.T, wd string) {
		mustRun(t, wd, "ingest", "--preset", "kaggle", "--input", sampleCSV)
		mustRun(t, wd, "clean")
	})
}

// faultCases returns, for each stage, its previous outputs on the sample and a forced rerun
// (ingest on the generated file, features and train with other parameters).
func faultCases() []faultCase {
	return []faultCase{
		{ingestStage, func(t *testing.T) string { return rawTemplate(t, "sample", sampleInput) },
			func(t *testing.T) []string { return []string{"--force", "--preset", "kaggle", "--input", bigCSV(t)} }},
		{cleanStage, cleanTemplate, func(*testing.T) []string { return []string{"--force"} }},
		{featuresStage, featuresTemplate, func(*testing.T) []string { return append([]string{"--force"}, featureB...) }},
		{trainStage, trainTemplate, func(*testing.T) []string { return append([]string{"--force"}, trainB...) }},
	}
}

// snapshot returns the sha256 of every output of s under wd ("" for an absent one).
func snapshot(t *testing.T, wd string, s stage) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, o := range s.outputs {
		ref, err := manifest.HashFile(filepath.Join(wd, o.rel), nil)
		if err == nil {
			out[o.rel] = ref.SHA256
		} else if !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
	}
	return out
}

// requireFailedCleanly checks a run that met a fault: exit 1, a message naming where (want:
// one of the substrings), the previous outputs untouched (before), and no temporary file left.
func requireFailedCleanly(t *testing.T, r result, wd string, s stage, before map[string]string, want ...string) {
	t.Helper()
	tally.faults.Add(1)
	if r.code != 1 {
		t.Errorf("exit %d; want 1\n%v", r.code, r)
	}
	found := false
	for _, w := range want {
		if strings.Contains(r.stderr, w) {
			found = true
		}
	}
	if !found {
		t.Errorf("stderr %q names none of %q", strings.TrimSpace(r.stderr), want)
	}
	if r.stdout != "" && strings.Contains(r.stdout, "wrote") {
		t.Errorf("a failed run claims on stdout to have written outputs: %q", r.stdout)
	}
	if _, torn := stageState(wd, s); len(torn) > 0 {
		issue(t, "partial-commit", "%s failed (%s) and left: %s", s.name, lastLine(r.stderr), strings.Join(torn, "; "))
	}
	after := snapshot(t, wd, s)
	for rel, sum := range before {
		if after[rel] != sum {
			issue(t, "partial-commit", "%s failed, yet its previous output %s was replaced (sha256 %.12s, was %.12s)", s.name, rel, after[rel], sum)
		}
	}
	if left := tempFiles(wd, s); len(left) > 0 {
		t.Errorf("a failed run left temporary files: %s", strings.Join(left, ", "))
	}
}

// mountReadOnly bind-mounts dir onto itself read-only for the rest of t, or skips t.
func mountReadOnly(t *testing.T, dir string) {
	t.Helper()
	if err := syscall.Mount(dir, dir, "", syscall.MS_BIND, ""); err != nil {
		skipOrFail(t, "bind mount not permitted here (%v): cannot make a folder read-only for root", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	if err := syscall.Mount("", dir, "", syscall.MS_REMOUNT|syscall.MS_BIND|syscall.MS_RDONLY, ""); err != nil {
		skipOrFail(t, "read-only remount not permitted here: %v", err)
	}
}

// mountTmpfs mounts a tmpfs of size bytes on dir for the rest of t, or skips t.
func mountTmpfs(t *testing.T, dir string, size int64) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+strconv.FormatInt(size, 10)); err != nil {
		skipOrFail(t, "tmpfs mount not permitted here (%v)", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
}

// TestReadOnlyOutput runs each stage with --force while its output folder is read-only (a
// read-only bind mount: chmod does not stop root), over its previous complete outputs, and
// ingest into a read-only empty work folder.
func TestReadOnlyOutput(t *testing.T) {
	for _, c := range faultCases() {
		t.Run(c.stage.name, func(t *testing.T) {
			wd := copyOf(t, c.tmpl(t))
			before := snapshot(t, wd, c.stage)
			dir := c.stage.dirs(wd)[0]
			rel, _ := filepath.Rel(filepath.Dir(wd), dir)
			mountReadOnly(t, dir)
			r := run(t, wd, c.stage.name, c.args(t)...)
			requireFailedCleanly(t, r, wd, c.stage, before, rel)
			if !strings.Contains(r.stderr, "read-only file system") {
				t.Errorf("stderr does not give the cause (read-only file system): %s", r.stderr)
			}
		})
	}
	t.Run("ingest/empty-workdir", func(t *testing.T) {
		wd := newWorkdir(t)
		if err := os.MkdirAll(wd, 0o755); err != nil {
			t.Fatal(err)
		}
		mountReadOnly(t, wd)
		r := run(t, wd, "ingest", "--preset", "kaggle", "--input", sampleCSV)
		requireFailedCleanly(t, r, wd, ingestStage, nil, "w/data", "w/.skillx.lock")
		if files := allFiles(wd); len(files) > 0 {
			t.Errorf("files in a read-only folder: %v", files)
		}
	})
}

// TestFullDisk runs ingest on a 512 KB tmpfs (the big input's raw table is about 1 MB at
// the -short size, 20,000 rows) holding a previous run's outputs with the large
// file as input, and clean, features and train with a tmpfs too small for their outputs
// mounted on their output folder.
func TestFullDisk(t *testing.T) {
	t.Run("ingest", func(t *testing.T) {
		wd := newWorkdir(t)
		mountTmpfs(t, wd, 512<<10)
		copyDir(t, rawTemplate(t, "sample", sampleInput), wd)
		before := snapshot(t, wd, ingestStage)
		r := run(t, wd, "ingest", "--force", "--preset", "kaggle", "--input", bigCSV(t))
		requireFailedCleanly(t, r, wd, ingestStage, before, "w/data/raw/")
		if !strings.Contains(r.stderr, "no space left on device") {
			t.Errorf("stderr does not give the cause (no space left on device): %s", r.stderr)
		}
	})
	small := []struct {
		stage stage
		tmpl  func(t *testing.T) string
		size  int64
		args  []string
	}{
		{cleanStage, func(t *testing.T) string { return rawTemplate(t, "sample", sampleInput) }, 16 << 10, nil},
		{featuresStage, cleanTemplate, 256 << 10, hashing},
		{trainStage, featuresTemplate, 256 << 10, trainA},
	}
	for _, c := range small {
		t.Run(c.stage.name, func(t *testing.T) {
			wd := copyOf(t, c.tmpl(t))
			dir := c.stage.dirs(wd)[0]
			mountTmpfs(t, dir, c.size)
			rel, _ := filepath.Rel(filepath.Dir(wd), dir)
			r := run(t, wd, c.stage.name, c.args...)
			requireFailedCleanly(t, r, wd, c.stage, nil, rel)
			if !strings.Contains(r.stderr, "no space left on device") {
				t.Errorf("stderr does not give the cause (no space left on device): %s", r.stderr)
			}
			if files := allFiles(dir); len(files) > 0 {
				t.Errorf("a failed run left files in the full folder: %v", files)
			}
		})
	}
}

// fsizeWrapper returns the words that run a command with RLIMIT_FSIZE set to n bytes: prlimit
// from util-linux, else bash's ulimit (in 1,024-byte blocks).
func fsizeWrapper(t *testing.T, n int64) []string {
	t.Helper()
	if _, err := exec.LookPath("prlimit"); err == nil {
		return []string{"prlimit", "--fsize=" + strconv.FormatInt(n, 10)}
	}
	if _, err := exec.LookPath("bash"); err == nil {
		return []string{"bash", "-c", fmt.Sprintf(`ulimit -f %d && exec "$@"`, n/1024), "skillx"}
	}
	skipOrFail(t, "neither prlimit nor bash found: cannot set RLIMIT_FSIZE")
	return nil
}

// TestFileSizeLimit reruns each stage (version B over version A's complete outputs, as in
// the kill tests) under a file size limit (RLIMIT_FSIZE, which needs no privilege; Go ignores
// SIGXFSZ, so the write fails with EFBIG). The limits are chosen between the sizes of B's
// outputs, so that some outputs fit and the last one committed does not: ingest's postings
// (50 KB) after its rejects (11 KB), clean's postings (34 KB) after roles and rejects (18 and
// 9 KB), train's model (1.4 MB) after its curve. A failed run must leave A's outputs as they were.
func TestFileSizeLimit(t *testing.T) {
	limits := map[string]int64{"ingest/sample": 32 << 10, "clean/sample": 24 << 10, "features/sample": 64 << 10,
		"train/sample": 1 << 20, "ingest/big": 512 << 10} // ingest/big: the raw table of 20,000 rows (-short) is about 1 MB
	partial, orphan := false, false
	for _, c := range killCases(true) {
		limit, ok := limits[c.name]
		if !ok {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			wd := newWorkdir(t)
			c.prepare(t, wd)
			before := snapshot(t, wd, c.stage)
			reportsBefore := readFiles(t, filepath.Join(wd, "reports", "training"))
			args := append([]string{"--force"}, c.args(t, wd, "B")...)
			r := runWrapped(t, fsizeWrapper(t, limit), wd, c.stage.name, args...)
			if _, torn := stageState(wd, c.stage); len(torn) > 0 {
				partial = true
			}
			requireFailedCleanly(t, r, wd, c.stage, before, "w/")
			if !strings.Contains(r.stderr, "file too large") {
				t.Errorf("stderr does not give the cause (file too large): %s", r.stderr)
			}
			if c.stage.name == "train" {
				after := readFiles(t, filepath.Join(wd, "reports", "training"))
				for name, data := range after {
					if !bytes.Equal(data, reportsBefore[name]) {
						orphan = true
						issue(t, "orphan-report", "train failed and kept the previous model, but replaced reports/training/%s with the failed run's", name)
					}
				}
			}
		})
	}
	if !t.Failed() {
		expectReproduced(t, "partial-commit", partial)
		expectReproduced(t, "orphan-report", orphan)
	}
}

// readFiles returns the content of the files of dir, by name.
func readFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	for _, e := range entries {
		if data, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil && !e.IsDir() {
			out[e.Name()] = data
		}
	}
	return out
}

// TestMissingInput runs each stage without the input it needs: exit 1, a message naming the
// missing file, no output written and the previous outputs (if any) untouched.
func TestMissingInput(t *testing.T) {
	tests := []struct {
		name   string
		tmpl   func(t *testing.T) string // nil: an empty work folder
		remove string                    // file removed from the copy
		stage  stage
		args   []string
		want   string // in stderr
	}{
		{"ingest/no-such-file", nil, "", ingestStage, []string{"--preset", "kaggle", "--input", "/nonexistent/jobs.csv"}, "/nonexistent/jobs.csv"},
		{"ingest/no-such-file-over-previous", func(t *testing.T) string { return rawTemplate(t, "sample", sampleInput) }, "",
			ingestStage, []string{"--force", "--preset", "kaggle", "--input", "/nonexistent/jobs.csv"}, "/nonexistent/jobs.csv"},
		{"ingest/no-such-folder", nil, "", ingestStage, []string{"--preset", "onet", "--input", "/nonexistent/onet"}, "/nonexistent/onet"},
		{"clean/no-raw", nil, "", cleanStage, nil, "data/raw/postings.parquet"},
		{"clean/no-raw-rejects", func(t *testing.T) string { return rawTemplate(t, "sample", sampleInput) }, "data/raw/rejects.parquet",
			cleanStage, nil, "data/raw/rejects.parquet"},
		{"features/no-clean", nil, "", featuresStage, hashing, "data/clean"},
		{"features/no-roles", cleanTemplate, "data/clean/roles.parquet", featuresStage, hashing, "data/clean/roles.parquet"},
		{"train/no-features", nil, "", trainStage, nil, "data/features"},
		{"train/no-embeddings", featuresTemplate, "data/features/embeddings.arrow", trainStage, nil, "data/features/embeddings.arrow"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wd := newWorkdir(t)
			if tt.tmpl != nil {
				wd = copyOf(t, tt.tmpl(t))
			}
			if tt.remove != "" {
				if err := os.Remove(filepath.Join(wd, tt.remove)); err != nil {
					t.Fatal(err)
				}
			}
			before := snapshot(t, wd, tt.stage)
			r := run(t, wd, tt.stage.name, tt.args...)
			requireFailedCleanly(t, r, wd, tt.stage, before, tt.want)
			if len(before) == 0 {
				for _, o := range tt.stage.outputs {
					if _, err := os.Stat(filepath.Join(wd, o.rel)); err == nil {
						t.Errorf("output %s written without its input", o.rel)
					}
				}
			}
		})
	}
}

// TestInputChangesDuringIngest appends to (or truncates) the input (the first 50,000 records
// of the generated file) while ingest reads it. The
// run must fail with a message naming the file, or its manifest must describe the file it
// read: the size and sha256 recorded beside the records counted.
func TestInputChangesDuringIngest(t *testing.T) {
	tests := []struct {
		name   string
		change func(path string, size int64) error
	}{
		{"append", func(path string, _ int64) error {
			f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			data, err := os.ReadFile(sampleCSV)
			if err != nil {
				return err
			}
			lines := strings.SplitAfter(string(data), "\n")
			for i := 0; i < 10; i++ {
				f.WriteString(strings.Join(lines[1:101], ""))
			}
			return f.Close()
		}},
		{"truncate", func(path string, size int64) error { return os.Truncate(path, size/2) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wd := newWorkdir(t)
			input := filepath.Join(t.TempDir(), "jobs.csv")
			copyHead(t, bigCSV(t), input, 50_000)
			st, err := os.Stat(input)
			if err != nil {
				t.Fatal(err)
			}
			records, _ := countLines(input)
			cmd, full := command(t.Context(), nil, wd, "ingest", "--preset", "kaggle", "--input", input)
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Reading starts once the output's temporary file exists.
			raw := filepath.Join(wd, "data", "raw")
			deadline := time.Now().Add(time.Minute)
			for len(tempFiles(wd, ingestStage)) == 0 && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
			if err := tt.change(input, st.Size()); err != nil {
				t.Fatal(err)
			}
			_, committed := os.Stat(filepath.Join(raw, "postings.parquet"))
			changedDuringRun := committed != nil
			err = cmd.Wait()
			r := result{args: full, stdout: out.String(), stderr: errb.String()}
			r.code, _ = exitStatus(t, err)
			tally.faults.Add(1)
			after, _ := countLines(input)
			t.Logf("input %d records, %d after the change (during the run: %v); %s", records, after, changedDuringRun, strings.TrimSpace(r.stdout+r.stderr))
			if r.code != 0 {
				if r.code != 1 || !strings.Contains(r.stderr, "jobs.csv") {
					t.Errorf("exit %d; want 1 with a message naming jobs.csv: %s", r.code, r.stderr)
				}
				if _, torn := stageState(wd, ingestStage); len(torn) > 0 {
					t.Errorf("after the failure: %s", strings.Join(torn, "; "))
				}
				return
			}
			requireComplete(t, wd, ingestStage, "incomplete-after-rerun", "after the change")
			m, err := manifest.Read(filepath.Join(raw, "postings.parquet"))
			if err != nil {
				t.Fatal(err)
			}
			now, _ := os.Stat(input)
			described := m.Inputs[0].Size
			switch {
			case described == st.Size() && m.Rows["in"] != records:
				issue(t, "input-changed", "exit 0; the manifest describes the %d-byte file of %d records, but %d records were read (the file now has %d bytes, %d records)",
					described, records, m.Rows["in"], now.Size(), after)
				tally.rowsLost.Add(max(0, records-m.Rows["in"]))
			case described == now.Size() && m.Rows["in"] != after:
				t.Errorf("exit 0; the manifest describes the changed file (%d bytes, %d records) but counts %d records", described, after, m.Rows["in"])
			}
		})
	}
}

// lastLine returns the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
