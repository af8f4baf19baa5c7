// Command skillx is the Skill(X) pipeline: it turns job-postings data into a skills-to-role
// classifier and a file of people into career-transition reports. Each stage is a subcommand;
// `skillx run` runs them all in order. `skillx help` lists them.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"os/signal"
	"runtime/pprof"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/skillx/skillx/internal/workdirlock"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// Exit codes, mapped from errors in one place (exitCode).
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
	// exitPartial means the command finished and wrote its outputs, but some records failed
	// (they are listed where the stage says, e.g. failures.jsonl). A stage returns it through
	// an error with an ExitCode method (exitCoder).
	exitPartial   = 3
	exitCancelled = 130
)

// exitCoder is an error that chooses the exit code, e.g. 3 (exitPartial) for "finished, but
// some records failed". Stage packages return such errors; exitCode honours them.
type exitCoder interface {
	error
	ExitCode() int
}

// errUsage marks an error as a usage error (exit code 2).
var errUsage = errors.New("usage")

// usageError is a usage problem with a message for the user.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }
func (e usageError) Is(target error) bool {
	return target == errUsage
}

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// command is one subcommand.
type command struct {
	name    string
	summary string
	// usage is the text shown by --help above the flags: inputs, outputs and an example.
	usage string
	// flags registers the command's flags and returns its run function. Checks of the flag
	// values go to g.check: they run before the workdir is locked and before any work.
	flags func(fs *flag.FlagSet, g *globalOptions) func(ctx context.Context, args []string) error
	// readOnly commands write nothing under --workdir: they take no workdir lock and no
	// --wait flag. Every other command holds <workdir>/.skillx.lock for its whole run.
	readOnly bool
	// removedFlags maps a flag name the command no longer takes to what to use instead.
	removedFlags map[string]string
}

// globalOptions are the flags every subcommand takes.
type globalOptions struct {
	workdir  string
	force    bool
	logLevel string
	// wait makes a locking command wait for the workdir's lock instead of stopping.
	wait   bool
	stdout io.Writer
	stderr io.Writer
	log    *slog.Logger
	// checks validate the flag values after parsing; their errors are usage errors.
	checks []func() error
}

// check adds validations of flag values, run after parsing and before any work.
func (g *globalOptions) check(fns ...func() error) { g.checks = append(g.checks, fns...) }

// atLeast checks that the int flag name is at least lo.
func atLeast(name string, p *int, lo int) func() error {
	return func() error {
		if *p < lo {
			return usagef("--%s %d: want %d or more", name, *p, lo)
		}
		return nil
	}
}

// zeroOrAtLeast checks that the int flag name is 0 (its default) or at least lo.
func zeroOrAtLeast(name string, p *int, lo int) func() error {
	return func() error {
		if *p != 0 && *p < lo {
			return usagef("--%s %d: want 0 (the default) or %d or more", name, *p, lo)
		}
		return nil
	}
}

// share checks that the float flag name is a share in [0, 1).
func share(name string, p *float64) func() error {
	return func() error {
		if v := *p; math.IsNaN(v) || v < 0 || v >= 1 {
			return usagef("--%s %v: want a share from 0 up to (not including) 1", name, v)
		}
		return nil
	}
}

// positive checks that the float flag name is finite and above 0.
func positive(name string, p *float64) func() error {
	return func() error {
		if v := *p; math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
			return usagef("--%s %v: want a positive number", name, v)
		}
		return nil
	}
}

func (g *globalOptions) register(fs *flag.FlagSet) {
	fs.StringVar(&g.workdir, "workdir", ".", "folder under which data/, models/ and reports/ live")
	fs.BoolVar(&g.force, "force", false, "rerun even when the inputs and parameters are unchanged")
	fs.StringVar(&g.logLevel, "log-level", "info", "log level: debug, info, warn, error")
}

// commands returns every subcommand of skillx: the pipeline's stages in the order `skillx run`
// runs them, then the tools. The usage lists them by name.
func commands() []*command {
	return []*command{
		newIngestCommand(),
		newCleanCommand(),
		newFeaturesCommand(),
		newTrainCommand(),
		newEvaluateCommand(),
		newRecommendCommand(),
		newRunCommand(),
		newServeCommand(),
		newSkillsCommand(),
		newDoctorCommand(),
		newVersionCommand(),
		newTokenizeCommand(),
		newTestModelCommand(),
		newBenchDataCommand(),
		newPeopleBenchCommand(),
	}
}

// findCommand returns the command called name, or nil.
func findCommand(name string) *command {
	for _, c := range commands() {
		if c.name == name {
			return c
		}
	}
	return nil
}

func main() {
	os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr))
}

// realMain runs skillx with args and returns the exit code, so that deferred calls run before
// os.Exit.
func realMain(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return runCommand(ctx, args, stdout, stderr)
}

func runCommand(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printCommands(stderr)
		return exitUsage
	}
	if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			return runCommand(ctx, []string{args[1], "--help"}, stdout, stderr)
		}
		printCommands(stdout)
		return exitOK
	}
	cmd := findCommand(args[0])
	if cmd == nil {
		fmt.Fprintf(stderr, "skillx: unknown command %q\nrun 'skillx help' for the commands\n", args[0])
		return exitUsage
	}
	g := &globalOptions{stdout: stdout, stderr: stderr}
	fs := flag.NewFlagSet("skillx "+cmd.name, flag.ContinueOnError)
	// The flag package would print a parse error and the whole usage to the output: print
	// them here instead, the usage only when asked for.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	g.register(fs)
	if !cmd.readOnly {
		fs.BoolVar(&g.wait, "wait", false, "wait for another skillx process working on --workdir to finish, instead of stopping")
	}
	run := cmd.flags(fs, g)
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(stdout, cmd, fs)
			return exitOK
		}
		fmt.Fprintf(stderr, "skillx %s: %v%s\nrun 'skillx %s --help' for usage\n", cmd.name, err, removedHint(cmd, err), cmd.name)
		return exitUsage
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(g.logLevel)); err != nil {
		return exitCode(usagef("--log-level %q: want debug, info, warn or error", g.logLevel), cmd.name, stderr)
	}
	g.log = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	slog.SetDefault(g.log)
	for _, c := range g.checks {
		if err := c(); err != nil {
			return exitCode(err, cmd.name, stderr)
		}
	}
	if !cmd.readOnly {
		lock, err := lockWorkdir(ctx, g, cmd.name, args)
		if err != nil {
			return exitCode(err, cmd.name, stderr)
		}
		defer lock.Release()
	}
	if p := os.Getenv("SKILLX_CPUPROFILE"); p != "" {
		if f, err := os.Create(p); err == nil {
			pprof.StartCPUProfile(f)
			defer func() { pprof.StopCPUProfile(); f.Close() }()
		}
	}
	err := run(ctx, fs.Args())
	return exitCode(err, cmd.name, stderr)
}

// printUsage prints a command's --help text.
func printUsage(w io.Writer, cmd *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "skillx %s: %s\n\n%s\n\nFlags:\n", cmd.name, cmd.summary, strings.TrimSpace(cmd.usage))
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

// removedHint returns what to use instead when a parse error is about a removed flag.
func removedHint(cmd *command, err error) string {
	name, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: -")
	if !ok {
		return ""
	}
	if instead, ok := cmd.removedFlags[strings.TrimPrefix(name, "-")]; ok {
		return " (" + instead + ")"
	}
	return ""
}

// lockWorkdir takes the workdir's lock for the command: it stops at once when another skillx
// process holds it, or with --wait says so and waits.
func lockWorkdir(ctx context.Context, g *globalOptions, name string, args []string) (*workdirlock.Lock, error) {
	self := workdirlock.Holder{PID: os.Getpid(), Command: "skillx " + name,
		Args: "skillx " + strings.Join(args, " "), Since: time.Now()}
	if !g.wait {
		l, err := workdirlock.TryAcquire(g.workdir, self)
		var busy *workdirlock.BusyError
		if errors.As(err, &busy) {
			return nil, fmt.Errorf("%w; wait for it or pass --wait", busy)
		}
		return l, err
	}
	return workdirlock.Acquire(ctx, g.workdir, self, func(busy *workdirlock.BusyError) {
		fmt.Fprintf(g.stderr, "skillx %s: %v; waiting for it to finish (--wait; Ctrl-C to stop)\n", name, busy)
	})
}

// exitCode reports err on stderr and maps it to the exit code.
func exitCode(err error, name string, stderr io.Writer) int {
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(stderr, "skillx %s: cancelled; finished outputs are kept, unfinished ones were discarded\n", name)
		return exitCancelled
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "skillx %s: %v\nrun 'skillx %s --help' for usage\n", name, err, name)
		return exitUsage
	}
	if msg := err.Error(); strings.HasPrefix(msg, name+": ") {
		fmt.Fprintf(stderr, "skillx %s\n", msg)
	} else {
		fmt.Fprintf(stderr, "skillx %s: %s\n", name, msg)
	}
	var ec exitCoder
	if errors.As(err, &ec) && ec.ExitCode() > 0 {
		return ec.ExitCode()
	}
	return exitFailure
}

// isPartial reports whether err only means that some records failed (exit code 3).
func isPartial(err error) bool {
	var ec exitCoder
	return errors.As(err, &ec) && ec.ExitCode() == exitPartial
}

func printCommands(w io.Writer) {
	fmt.Fprintf(w, "skillx %s: job postings to a skills-to-role classifier and career-transition reports\n\nUsage: skillx <command> [flags]\n\nCommands:\n", version)
	sorted := commands()
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].name < sorted[j].name })
	for _, c := range sorted {
		fmt.Fprintf(w, "  %-13s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun 'skillx <command> --help' for a command's inputs, outputs and flags.\nExit codes: 0 ok, 1 failure, 2 usage error, 3 finished but some records failed, 130 cancelled.\n")
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string { return strings.Join(*s, ",") }

func (s *stringList) Set(v string) error {
	*s = append(*s, v)
	return nil
}

// stageCommand returns the run function of a subcommand that takes no arguments: it builds the
// stage's config, runs the stage and prints its result.
func stageCommand[C, R any](config func() (C, error), run func(context.Context, C) (R, error), print func(R)) func(context.Context, []string) error {
	return func(ctx context.Context, args []string) error {
		if len(args) > 0 {
			return usagef("unexpected arguments %q", args)
		}
		cfg, err := config()
		if err != nil {
			return err
		}
		res, err := run(ctx, cfg)
		if err != nil {
			return err
		}
		print(res)
		return nil
	}
}
