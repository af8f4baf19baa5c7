package reliability

import (
	"bufio"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skillx/skillx/internal/manifest"
)

// killCase is a stage run (version B) killed in a work folder that already holds the stage's
// complete outputs of another run (version A): after a kill, each output must be A's, B's or
// absent, never a mix, and a rerun of A must give A's outputs back.
type killCase struct {
	name  string
	stage stage
	// prepare fills wd with the stage's inputs and version A's outputs.
	prepare func(t *testing.T, wd string)
	// use points wd at the inputs of version "A" or "B" (nil when only the arguments differ).
	use func(t *testing.T, wd, version string)
	// argsOf returns the stage's arguments for version "A" or "B".
	argsOf func(t *testing.T, version string) []string
	// records returns the number of source records of version B; nil: no accounting.
	records func(t *testing.T) int64
	// clean is true when the accounting covers data/clean.
	clean bool
	// big is true for the cases on the generated file, which get half the kills.
	big bool
	// downstream, when set, runs the next stage on what a kill left and reports whether it
	// accepted inputs that disagree with their manifests (TestKillBeforeEachRename).
	downstream func(t *testing.T, wd string) bool
}

// templates are work folders built once per suite and copied by the tests.
var templates sync.Map // name -> *fixture

// template returns the work folder name, built by build the first time. Copies of it (with
// copyDir, to another folder named w) are up to date wherever it was.
func template(t *testing.T, name string, build func(t *testing.T, wd string)) string {
	t.Helper()
	v, _ := templates.LoadOrStore(name, &fixture{})
	f := v.(*fixture)
	failed := fmt.Errorf("building template %s failed (see the first test that used it)", name)
	return f.get(t, func() (string, error) {
		// If build stops the goroutine (t.Fatal), Do returns without assigning: keep the error.
		f.err = failed
		wd := filepath.Join(suiteTmp, "template-"+name, "w")
		build(t, wd)
		if t.Failed() {
			return "", failed
		}
		return wd, nil
	})
}

// copyOf returns a fresh copy of a template in t's temporary folder.
func copyOf(t *testing.T, tmpl string) string {
	t.Helper()
	wd := newWorkdir(t)
	copyDir(t, tmpl, wd)
	return wd
}

// rawTemplate returns a work folder in which ingest read input (kaggle preset).
func rawTemplate(t *testing.T, name string, input func(t *testing.T) string) string {
	t.Helper()
	return template(t, "raw-"+name, func(t *testing.T, wd string) {
		mustRun(t, wd, "ingest", "--preset", "kaggle", "--input", input(t))
	})
}

func sampleInput(*testing.T) string { return sampleCSV }

// useRaw makes wd/data/raw a symbolic link to the data/raw of a template, so that clean can be
// pointed at either of two ingested inputs at once.
func useRaw(t *testing.T, wd, rawWorkdir string) {
	t.Helper()
	link := filepath.Join(wd, "data", "raw")
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(link); err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(rawWorkdir, "data", "raw"), link); err != nil {
		t.Fatal(err)
	}
}

var (
	hashing  = []string{"--encoder", "hashing"}
	trainA   = []string{"--epochs", "8", "--patience", "8"}
	trainB   = []string{"--epochs", "8", "--patience", "8", "--train-seed", "2"}
	featureB = []string{"--encoder", "hashing", "--samples", "2", "--seed", "7"}
)

// featuresTemplate is the sample ingested, cleaned and featurised (hashing encoder).
func featuresTemplate(t *testing.T) string {
	t.Helper()
	return template(t, "features", func(t *testing.T, wd string) {
		mustRun(t, wd, "ingest", "--preset", "kaggle", "--input", sampleCSV)
		mustRun(t, wd, "clean")
		mustRun(t, wd, "features", hashing...)
	})
}

// killCases returns the kill scenarios; big adds the ones on the generated file.
func killCases(big bool) []killCase {
	ingestCase := func(name string, a, b func(*testing.T) string, records func(*testing.T) int64) killCase {
		return killCase{
			name: name, stage: ingestStage, records: records,
			prepare: func(t *testing.T, wd string) { mustRun(t, wd, "ingest", "--preset", "kaggle", "--input", a(t)) },
			argsOf: func(t *testing.T, v string) []string {
				if v == "B" {
					return []string{"--preset", "kaggle", "--input", b(t)}
				}
				return []string{"--preset", "kaggle", "--input", a(t)}
			},
			downstream: cleanAcceptsTornRaw,
		}
	}
	cleanCase := func(name string, a, b string, ia, ib func(*testing.T) string, records func(*testing.T) int64) killCase {
		return killCase{
			name: name, stage: cleanStage, records: records, clean: true, argsOf: fixed(nil, nil),
			prepare: func(t *testing.T, wd string) {
				useRaw(t, wd, rawTemplate(t, a, ia))
				mustRun(t, wd, "clean")
			},
			use: func(t *testing.T, wd, v string) {
				if v == "A" {
					useRaw(t, wd, rawTemplate(t, a, ia))
				} else {
					useRaw(t, wd, rawTemplate(t, b, ib))
				}
			},
		}
	}
	sampleRecs := func(*testing.T) int64 { return sampleRecords }
	bigRecs := func(*testing.T) int64 { return bigRows() }
	cases := []killCase{
		ingestCase("ingest/sample", tinyCSV, sampleInput, sampleRecs),
		cleanCase("clean/sample", "tiny", "sample", tinyCSV, sampleInput, sampleRecs),
		{
			name: "features/sample", stage: featuresStage, argsOf: fixed(hashing, featureB),
			prepare: func(t *testing.T, wd string) { copyDir(t, featuresTemplate(t), wd) },
		},
		{
			name: "train/sample", stage: trainStage, argsOf: fixed(trainA, trainB),
			prepare: func(t *testing.T, wd string) {
				copyDir(t, featuresTemplate(t), wd)
				mustRun(t, wd, "train", trainA...)
			},
		},
	}
	if big {
		ib := ingestCase("ingest/big", sampleInput, bigCSV, bigRecs)
		cb := cleanCase("clean/big", "sample", "big", sampleInput, bigCSV, bigRecs)
		ib.big, cb.big = true, true
		cases = append(cases, ib, cb)
	}
	return cases
}

// fixed returns an argsOf for versions that differ only by their arguments.
func fixed(a, b []string) func(*testing.T, string) []string {
	return func(_ *testing.T, v string) []string {
		if v == "B" {
			return b
		}
		return a
	}
}

// args points wd at version v's inputs and returns the stage's arguments for it.
func (c killCase) args(t *testing.T, wd, v string) []string {
	t.Helper()
	if c.use != nil {
		c.use(t, wd, v)
	}
	return c.argsOf(t, v)
}

// cleanAcceptsTornRaw runs clean on a data/raw that a killed ingest left torn, and reports
// whether clean accepted it and wrote a data/clean whose accounting does not add up.
func cleanAcceptsTornRaw(t *testing.T, wd string) bool {
	t.Helper()
	if _, torn := stageState(wd, ingestStage); len(torn) == 0 {
		return false
	}
	r := run(t, wd, "clean", "--force")
	if r.code != 0 {
		if !strings.Contains(r.stderr, "data/raw") {
			t.Errorf("clean on a torn data/raw: exit %d with a message that does not name data/raw: %s", r.code, r.stderr)
		}
		return false
	}
	m, err := manifest.Read(filepath.Join(wd, "data", "clean", "postings.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	a := account(t, wd, true)
	if got := a.cleanCount + a.cleanRejects + m.Rows["ingest_joined"]; got != m.Rows["source_records"] {
		issue(t, "unchecked-inputs", "clean exit 0 on a torn data/raw; its manifest says %d source records but sum(count) %d + %d rejects + %d joined = %d",
			m.Rows["source_records"], a.cleanCount, a.cleanRejects, m.Rows["ingest_joined"], got)
		return true
	}
	return false
}

// TestKillAtRandomMoments SIGKILLs each stage at seeded random moments spread over its
// measured duration (stratified: one moment in each of n equal slices; 10 kills per case on
// the sample, 5 on the generated file, 3 and 2 with -short), in a work folder holding a
// previous complete run, checks what every kill left, reruns the previous version (which must
// give back complete outputs) and finally reruns the killed version to completion.
func TestKillAtRandomMoments(t *testing.T) {
	kills := 10
	switch {
	case long:
		kills = 50
	case testing.Short():
		kills = 3
	}
	t.Logf("seed %d, %d kills per case", seed, kills)
	for _, c := range killCases(true) {
		t.Run(c.name, func(t *testing.T) {
			wd := newWorkdir(t)
			c.prepare(t, wd)
			tally.inputs.Add(1)
			requireComplete(t, wd, c.stage, "incomplete-after-rerun", "previous version")
			// Measure B, then go back to A.
			full := mustRun(t, wd, c.stage.name, c.args(t, wd, "B")...)
			mustRun(t, wd, c.stage.name, c.args(t, wd, "A")...)
			kills := kills
			if c.big {
				kills = max(2, kills/2)
			}
			rng := rand.New(rand.NewPCG(uint64(seed), nameHash(c.name)))
			var killed, torn int
			temps := map[string]bool{}
			est := full.wall // shortened by any run that ends before its kill (a loaded machine)
			for i := 0; i < kills; i++ {
				d := time.Duration(float64(est) * (float64(i) + rng.Float64()) / float64(kills))
				r := runAndKill(t, wd, d, c.stage.name, c.args(t, wd, "B")...)
				if r.killed {
					killed++
				} else if r.code == 0 {
					est = min(est, r.wall)
				}
				_, problems := stageState(wd, c.stage)
				for _, p := range tempFiles(wd, c.stage) {
					temps[p] = true
				}
				if len(problems) > 0 {
					torn++
					issue(t, "torn-output", "kill %d at %v of %v: %s", i, d.Round(time.Millisecond), est.Round(time.Millisecond), strings.Join(problems, "; "))
				}
				// The previous version must come back complete, whether rerun or skipped.
				ra := run(t, wd, c.stage.name, c.args(t, wd, "A")...)
				if ra.code != 0 {
					t.Fatalf("rerun of the previous version after kill %d: %v", i, ra)
				}
				id := "incomplete-after-rerun"
				if strings.Contains(ra.stdout, "up to date") {
					id = "stale-skip"
				}
				requireComplete(t, wd, c.stage, id, fmt.Sprintf("rerun of the previous version after kill %d", i))
			}
			t.Logf("%d kills at random moments of %v (first run %v): %d killed mid-run, %d left outputs torn, %d temporary files left in all",
				kills, est.Round(time.Millisecond), full.wall.Round(time.Millisecond), killed, torn, len(temps))
			mustRun(t, wd, c.stage.name, c.args(t, wd, "B")...)
			requireComplete(t, wd, c.stage, "incomplete-after-rerun", "final rerun")
			if c.records != nil {
				checkAccounting(t, wd, c.records(t), c.clean)
			}
			if left := tempFiles(wd, c.stage); len(left) > 0 {
				issue(t, "stale-temp", "after %d kills and a complete rerun, %d temporary files remain, e.g. %s",
					kills, len(left), left[0])
			}
		})
	}
}

// nameHash seeds a case's random moments from its name, so that cases do not share them.
func nameHash(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// renameTarget matches the destination of a rename in strace's output.
var renameTarget = regexp.MustCompile(`rename(?:at2?)?\((?:AT_FDCWD, )?"[^"]*", (?:AT_FDCWD, )?"([^"]*)"`)

// renameTargets runs the stage (version B) in a copy of tmpl under strace and returns the
// paths it renames into place, in order: the crash points of its commit sequence.
func renameTargets(t *testing.T, c killCase, tmpl string) []string {
	t.Helper()
	wd := copyOf(t, tmpl)
	trace := filepath.Join(t.TempDir(), "strace.txt")
	r := runWrapped(t, []string{"strace", "-f", "--seccomp-bpf", "-qq", "-e", "signal=none", "-o", trace,
		"-e", "trace=rename,renameat,renameat2"}, wd, c.stage.name, c.args(t, wd, "B")...)
	if r.code != 0 {
		if strings.Contains(r.stderr, "strace:") {
			skipOrFail(t, "strace cannot trace here: %s", lastLine(r.stderr))
		}
		t.Fatalf("traced run: %v", r)
	}
	f, err := os.Open(trace)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var targets []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := renameTarget.FindStringSubmatch(sc.Text()); m != nil {
			targets = append(targets, m[1])
		}
	}
	if len(targets) == 0 {
		t.Fatalf("strace saw no rename in %s", trace)
	}
	return targets
}

// TestKillBeforeEachRename kills each stage, in a folder holding a previous complete run, just
// before each rename of its commit sequence (strace injects SIGKILL at the rename into that
// path): every crash point, deterministically. After each: the outputs must be one run's
// complete files or absent; a rerun of the previous version must give them back complete.
func TestKillBeforeEachRename(t *testing.T) {
	if _, err := exec.LookPath("strace"); err != nil {
		skipOrFail(t, "strace not found: cannot inject a kill at a given rename")
	}
	var sawTorn, sawStaleSkip, sawTemp, sawUnchecked bool
	for _, c := range killCases(false) {
		t.Run(c.name, func(t *testing.T) {
			if testing.Short() && (c.stage.name == "clean" || c.stage.name == "features") {
				t.Skip("-short: the crash points of ingest and train stand for the others")
			}
			tmpl := newWorkdir(t)
			c.prepare(t, tmpl)
			targets := renameTargets(t, c, tmpl)
			tally.inputs.Add(1)
			var temps []string
			for _, target := range targets {
				wd := copyOf(t, tmpl)
				args := c.args(t, wd, "B")
				// strace matches -P against the path as the stage passes it (relative to the
				// parent of wd), and only when the path's folder exists when it starts.
				if err := os.MkdirAll(filepath.Join(filepath.Dir(wd), filepath.Dir(target)), 0o755); err != nil {
					t.Fatal(err)
				}
				// No --seccomp-bpf here: with it, strace 6.1 misses injections after the first rename.
				r := runWrapped(t, []string{"strace", "-f", "-qq", "-e", "signal=none", "-o", os.DevNull,
					"-e", "trace=rename,renameat,renameat2", "-P", target,
					"-e", "inject=rename,renameat,renameat2:signal=KILL:when=1+"}, wd, c.stage.name, args...)
				if r.code == 0 {
					t.Errorf("kill before renaming %s: the stage ran to its end (exit 0); the injection missed", target)
					continue
				}
				tally.kills.Add(1)
				_, problems := stageState(wd, c.stage)
				if len(problems) > 0 {
					sawTorn = true
					issue(t, "torn-output", "killed before renaming %s: %s", target, strings.Join(problems, "; "))
					if c.downstream != nil && c.downstream(t, copyOf(t, wd)) {
						sawUnchecked = true
					}
				}
				ra := run(t, wd, c.stage.name, c.args(t, wd, "A")...)
				if ra.code != 0 {
					t.Errorf("rerun of the previous version after a kill before renaming %s: %v", target, ra)
					continue
				}
				id := "incomplete-after-rerun"
				if strings.Contains(ra.stdout, "up to date") {
					id = "stale-skip"
				}
				if !requireComplete(t, wd, c.stage, id, "rerun of the previous version after a kill before renaming "+target) && id == "stale-skip" {
					sawStaleSkip = true
				}
				if left := tempFiles(wd, c.stage); len(left) > 0 {
					temps = append(temps, left...)
				}
			}
			t.Logf("%d crash points: %s", len(targets), strings.Join(targets, " "))
			if len(temps) > 0 {
				sawTemp = true
				issue(t, "stale-temp", "after %d kills, each followed by a successful rerun, %d temporary files remain, e.g. %s",
					len(targets), len(temps), temps[0])
			}
		})
	}
	if t.Failed() {
		return
	}
	expectReproduced(t, "torn-output", sawTorn)
	expectReproduced(t, "stale-skip", sawStaleSkip)
	expectReproduced(t, "stale-temp", sawTemp)
	expectReproduced(t, "unchecked-inputs", sawUnchecked)
}
