package reliability

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/skillx/skillx/internal/manifest"
	"github.com/skillx/skillx/internal/parquetio"
	"github.com/skillx/skillx/internal/records"
)

// maxRecommendRSS is the peak resident memory recommend may use at any number of people.
const maxRecommendRSS = 512 << 20

// scaleUsers returns the number of people of TestRecommendAtScale: SKILLX_RELIABILITY_USERS,
// else 1,000,000 in the long run, 2,000 with -short and 10,000 (more than two chunks)
// otherwise.
func scaleUsers(t *testing.T) int {
	if s := os.Getenv("SKILLX_RELIABILITY_USERS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("SKILLX_RELIABILITY_USERS=%q: want a number of people", s)
		}
		return n
	}
	switch {
	case long:
		return 1_000_000
	case testing.Short():
		return 2_000
	}
	return 10_000
}

// writeUsers writes a users file of n people drawn from the role catalog of wd, like
// data/sample/users.csv: a current role of the catalog, and three to five skill phrases, four
// in five from the role's twelve most frequent and the others from any role, so that most
// people are unlike any other and some share their inputs. It returns the number of distinct
// inputs (role and skills).
func writeUsers(path string, roles []records.Role, n int, seed uint64) (distinct int, err error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	cw := csv.NewWriter(w)
	cw.Write([]string{"user_id", "current_role", "skills"})
	rng := rand.New(rand.NewPCG(seed, seed^0x5ca1e))
	seen := map[uint64]bool{}
	for i := range n {
		r := roles[rng.IntN(len(roles))]
		k := 3 + rng.IntN(3)
		var skills []string
		for len(skills) < k {
			src := r
			if rng.IntN(5) == 0 {
				src = roles[rng.IntN(len(roles))]
			}
			if len(src.Skills) == 0 {
				continue
			}
			skills = append(skills, src.Skills[rng.IntN(min(len(src.Skills), 12))].Phrase)
		}
		line := []string{fmt.Sprintf("u%07d", i+1), r.Role, strings.Join(skills, "; ")}
		seen[nameHash(line[1]+"\x00"+line[2])] = true
		if err := cw.Write(line); err != nil {
			return 0, err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return 0, err
	}
	if err := w.Flush(); err != nil {
		return 0, err
	}
	return len(seen), f.Close()
}

// usage is what one skillx process used, as /usr/bin/time reports it.
type usage struct {
	wall      time.Duration
	user, sys time.Duration
	maxRSS    int64 // bytes
}

func (u usage) String() string {
	return fmt.Sprintf("%.1f s wall, %.1f s user + %.1f s system CPU, %d MB peak RSS", u.wall.Seconds(), u.user.Seconds(),
		u.sys.Seconds(), u.maxRSS>>20)
}

// loadAverage returns the machine's load averages, to read figures measured on a shared
// machine by.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Join(strings.Fields(string(data))[:3], " ")
}

// skillxCmd returns the command of `skillx args...` in wd's parent folder, with its output
// kept in out and errOut.
func skillxCmd(ctx context.Context, wd string, out, errOut *bytes.Buffer, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = filepath.Dir(wd)
	cmd.Env = append(os.Environ(), "SKILLX_NO_PROGRESS=1", "GEMINI_API_KEY=", "GOOGLE_API_KEY=")
	cmd.Stdout, cmd.Stderr = out, errOut
	return cmd
}

// measured runs skillx with args on wd and returns its exit code, its output and what it used.
func measured(t *testing.T, wd string, args ...string) (int, string, usage) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Hour)
	defer cancel()
	var out, errOut bytes.Buffer
	cmd := skillxCmd(ctx, wd, &out, &errOut, append([]string{args[0], "--workdir", filepath.Base(wd), "--log-level", "warn"}, args[1:]...)...)
	start := time.Now()
	err := cmd.Run()
	u := usage{wall: time.Since(start)}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru != nil {
		u.user, u.sys, u.maxRSS = time.Duration(ru.Utime.Nano()), time.Duration(ru.Stime.Nano()), ru.Maxrss<<10
	}
	code, _ := exitStatus(t, err)
	return code, out.String() + errOut.String(), u
}

// summaryOf reads a summary.csv: its rows without the header.
func summaryOf(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReaderSize(f, 1<<20))
	r.ReuseRecord = false
	rows, err := r.ReadAll()
	if err != nil || len(rows) == 0 {
		t.Fatalf("%s: %v", path, err)
	}
	return rows[1:]
}

// lineCount returns the number of lines of a file.
func lineCount(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, buf := 0, make([]byte, 1<<20)
	for {
		k, err := f.Read(buf)
		n += bytes.Count(buf[:k], []byte("\n"))
		if errors.Is(err, io.EOF) {
			return n
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// checkRecommendManifest checks the manifest of a recommend run's summary.csv: its counts add
// up to people, with the given numbers written and unchanged (-1: any).
func checkRecommendManifest(t *testing.T, summary string, people, written, unchanged int) *manifest.Manifest {
	t.Helper()
	m, err := manifest.Read(summary)
	if err != nil {
		t.Fatal(err)
	}
	r := m.Rows
	if r["users"] != int64(people) || r["written"]+r["unchanged"]+r["failed"] != int64(people) ||
		written >= 0 && r["written"] != int64(written) || unchanged >= 0 && r["unchanged"] != int64(unchanged) {
		t.Errorf("%s: rows %v; want %d users, %d written, %d unchanged (-1: any)", summary, r, people, written, unchanged)
	}
	if n := lineCount(t, summary); n != people+1 {
		t.Errorf("%s has %d lines; want a header and %d people", summary, n, people)
	}
	return m
}

// TestRecommendAtScale runs recommend with the offline analyst on a generated users file
// (scaleUsers people; SKILLX_RELIABILITY_USERS_FILE keeps the file, and reuses it when it
// exists), in subtests:
//
//   - generate writes the users file;
//   - scale runs it from scratch, and then again (every report up to date, found by the
//     index), each under maxRecommendRSS of peak memory; their figures are logged;
//   - kill SIGKILLs a run once a quarter of the people of a smaller file have their reports,
//     then reruns it: no output is torn, and every person is accounted for;
//   - shards runs the smaller file as 3 shard processes at once (each on its own workdir of
//     links, as a workdir takes one process at a time), merges them, and checks the merged
//     summary.csv against the whole run's.
func TestRecommendAtScale(t *testing.T) {
	n := scaleUsers(t)
	wd := copyOf(t, trainTemplate(t))
	roles, err := parquetio.ReadAll[records.Role](filepath.Join(wd, "data", "clean", "roles.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	users := os.Getenv("SKILLX_RELIABILITY_USERS_FILE")
	if users == "" {
		users = filepath.Join(t.TempDir(), "users.csv")
	}
	small := min(n, 2_000)
	smallUsers := filepath.Join(t.TempDir(), "small.csv")

	t.Run("generate", func(t *testing.T) {
		if _, err := os.Stat(users); err == nil {
			t.Logf("using %s", users)
		} else {
			distinct, err := writeUsers(users, roles, n, uint64(seed))
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %d people, %d distinct inputs (role and skills)", users, n, distinct)
		}
		if _, err := writeUsers(smallUsers, roles, small, uint64(seed)+1); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("scale", func(t *testing.T) {
		people := lineCount(t, users) - 1
		out := filepath.Join(t.TempDir(), "out")
		for i, want := range []struct {
			name               string
			written, unchanged int
		}{{"first run", people, 0}, {"rerun, up to date", 0, people}} {
			load := loadAverage()
			code, output, u := measured(t, wd, "recommend", "--users", users, "--offline", "--out", out)
			t.Logf("recommend %s, %d people: %s (load average before: %s)", want.name, people, u, load)
			if code != 0 {
				t.Fatalf("%s: exit %d\n%s", want.name, code, output)
			}
			if u.maxRSS > maxRecommendRSS {
				t.Errorf("%s of %d people: peak RSS %d MB; want under %d MB", want.name, people, u.maxRSS>>20, maxRecommendRSS>>20)
			}
			m := checkRecommendManifest(t, filepath.Join(out, "summary.csv"), people, want.written, want.unchanged)
			if hits, _ := m.Notes["unchanged_by_index"].(float64); i == 1 && int(hits) != people {
				t.Errorf("rerun: %v people found up to date by the index; want all %d", m.Notes["unchanged_by_index"], people)
			}
		}
	})

	t.Run("kill", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "out")
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
		defer cancel()
		var o, e bytes.Buffer
		cmd := skillxCmd(ctx, wd, &o, &e, "recommend", "--workdir", filepath.Base(wd), "--users", smallUsers, "--offline", "--out", out)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		killed := false
	wait:
		for {
			select {
			case err := <-done:
				t.Logf("the run ended before a quarter of its reports were written (%v)", err)
				break wait
			case <-time.After(20 * time.Millisecond):
			}
			if reports, _ := filepath.Glob(filepath.Join(out, "*.json")); len(reports) >= small/4 {
				cmd.Process.Kill()
				<-done
				killed = true
				break
			}
		}
		complete := 0
		if killed {
			tally.kills.Add(1)
			reports, _ := filepath.Glob(filepath.Join(out, "*.json"))
			complete = len(reports) // the JSON file of a report is put in place last
			for _, f := range []string{"summary.csv", "failures.jsonl", ".skillx-recommend.index"} {
				if _, err := os.Stat(filepath.Join(out, f)); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("a first run killed midway left %s (%v); want none until the run ends", f, err)
				}
			}
		}
		code, output, _ := measured(t, wd, "recommend", "--users", smallUsers, "--offline", "--out", out)
		if code != 0 {
			t.Fatalf("rerun after the kill: exit %d\n%s", code, output)
		}
		m := checkRecommendManifest(t, filepath.Join(out, "summary.csv"), small, -1, -1)
		if m.Rows["unchanged"] < int64(complete) {
			t.Errorf("rerun after the kill: %v; want the %d reports finished before the kill unchanged", m.Rows, complete)
		}
		temps, _ := filepath.Glob(filepath.Join(out, ".skillx-tmp-*"))
		staged, _ := filepath.Glob(filepath.Join(out, ".skillx-staging", "*"))
		if temps = append(temps, staged...); len(temps) > 0 {
			t.Errorf("temporary files left after the rerun: %d, such as %s", len(temps), temps[0])
		}
		for _, row := range summaryOf(t, filepath.Join(out, "summary.csv")) {
			base := strings.TrimSuffix(filepath.Join(out, row[4]), ".json")
			for _, ext := range []string{".json", ".md", ".txt"} {
				if _, err := os.Stat(base + ext); err != nil {
					t.Errorf("%s is %s in summary.csv, but: %v", row[0], row[2], err)
				}
			}
		}
	})

	t.Run("shards", func(t *testing.T) {
		whole := filepath.Join(t.TempDir(), "whole")
		if code, output, _ := measured(t, wd, "recommend", "--users", smallUsers, "--offline", "--out", whole); code != 0 {
			t.Fatalf("whole run: exit %d\n%s", code, output)
		}
		const shards = 3
		out := filepath.Join(t.TempDir(), "out")
		procs := make([]*exec.Cmd, shards)
		logs := make([]bytes.Buffer, shards)
		for i := range shards {
			swd := filepath.Join(t.TempDir(), "w")
			os.MkdirAll(swd, 0o755)
			for _, sub := range []string{"models", "data"} {
				if err := os.Symlink(filepath.Join(wd, sub), filepath.Join(swd, sub)); err != nil {
					t.Fatal(err)
				}
			}
			procs[i] = skillxCmd(context.Background(), swd, &logs[i], &logs[i], "recommend", "--workdir", filepath.Base(swd),
				"--users", smallUsers, "--offline", "--out", out, "--shard", fmt.Sprintf("%d/%d", i, shards))
			if err := procs[i].Start(); err != nil {
				t.Fatal(err)
			}
		}
		for i, p := range procs {
			if code, _ := exitStatus(t, p.Wait()); code != 0 {
				t.Errorf("shard %d/%d: exit %d\n%s", i, shards, code, logs[i].String())
			}
		}
		code, output, _ := measured(t, wd, "recommend", "--merge", "--users", smallUsers, "--out", out)
		if code != 0 {
			t.Fatalf("merge: exit %d\n%s", code, output)
		}
		checkRecommendManifest(t, filepath.Join(out, "summary.csv"), small, small, 0)
		got, want := summaryOf(t, filepath.Join(out, "summary.csv")), summaryOf(t, filepath.Join(whole, "summary.csv"))
		same := func(rows [][]string) []string {
			var out []string
			for _, r := range rows {
				out = append(out, strings.Join([]string{r[0], r[1], r[2], filepath.Base(r[4]), r[5], r[6], r[7], r[9], r[10]}, ","))
			}
			return out
		}
		if g, w := same(got), same(want); !slices.Equal(g, w) {
			t.Errorf("merged summary.csv differs from the whole run's (%d and %d rows)", len(g), len(w))
		}
	})
}
