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
	"os"
	"os/signal"
	"runtime/pprof"
	"sort"
	"strings"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// Exit codes, mapped from errors in one place (exitCode).
const (
	exitOK        = 0
	exitFailure   = 1
	exitUsage     = 2
	exitCancelled = 130
)

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
	// flags registers the command's flags and returns its run function.
	flags func(fs *flag.FlagSet, g *globalOptions) func(ctx context.Context, args []string) error
}

// globalOptions are the flags every subcommand takes.
type globalOptions struct {
	workdir  string
	force    bool
	logLevel string
	stdout   io.Writer
	stderr   io.Writer
	log      *slog.Logger
}

func (g *globalOptions) register(fs *flag.FlagSet) {
	fs.StringVar(&g.workdir, "workdir", ".", "folder under which data/, models/ and reports/ live")
	fs.BoolVar(&g.force, "force", false, "rerun even when the inputs and parameters are unchanged")
	fs.StringVar(&g.logLevel, "log-level", "info", "log level: debug, info, warn, error")
}

var commands []*command

func register(c *command) { commands = append(commands, c) }

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
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			return runCommand(ctx, []string{args[1], "--help"}, stdout, stderr)
		}
		printCommands(stdout)
		return exitOK
	}
	var cmd *command
	for _, c := range commands {
		if c.name == args[0] {
			cmd = c
		}
	}
	if cmd == nil {
		fmt.Fprintf(stderr, "skillx: unknown command %q\n\n", args[0])
		printCommands(stderr)
		return exitUsage
	}
	g := &globalOptions{stdout: stdout, stderr: stderr}
	fs := flag.NewFlagSet("skillx "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	g.register(fs)
	run := cmd.flags(fs, g)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "skillx %s: %s\n\n%s\n\nFlags:\n", cmd.name, cmd.summary, strings.TrimSpace(cmd.usage))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fs.Usage()
			return exitOK
		}
		return exitUsage
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(g.logLevel)); err != nil {
		fmt.Fprintf(stderr, "skillx %s: --log-level %q: want debug, info, warn or error\n", cmd.name, g.logLevel)
		return exitUsage
	}
	g.log = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	slog.SetDefault(g.log)
	if p := os.Getenv("SKILLX_CPUPROFILE"); p != "" {
		if f, err := os.Create(p); err == nil {
			pprof.StartCPUProfile(f)
			defer func() { pprof.StopCPUProfile(); f.Close() }()
		}
	}
	err := run(ctx, fs.Args())
	return exitCode(err, cmd.name, stderr)
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
		fmt.Fprintf(stderr, "skillx %s: %v\nRun 'skillx %s --help' for usage.\n", name, err, name)
		return exitUsage
	default:
		if msg := err.Error(); strings.HasPrefix(msg, name+": ") {
			fmt.Fprintf(stderr, "skillx %s\n", msg)
		} else {
			fmt.Fprintf(stderr, "skillx %s: %s\n", name, msg)
		}
		return exitFailure
	}
}

func printCommands(w io.Writer) {
	fmt.Fprintf(w, "skillx %s: job postings to a skills-to-role classifier and career-transition reports\n\nUsage: skillx <command> [flags]\n\nCommands:\n", version)
	sorted := append([]*command(nil), commands...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].name < sorted[j].name })
	for _, c := range sorted {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun 'skillx <command> --help' for a command's inputs, outputs and flags.\nExit codes: 0 ok, 1 failure, 2 usage error, 130 cancelled.\n")
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
