package main

import (
	"context"
	"flag"
	"fmt"
	"runtime"
)

// newVersionCommand returns the skillx version command.
func newVersionCommand() *command {
	return &command{
		name:     "version",
		readOnly: true,
		summary:  "print the skillx version",
		usage:    "Prints the skillx version and the Go version it was built with.\n\nExample:\n  skillx version",
		flags: func(fs *flag.FlagSet, g *globalOptions) func(context.Context, []string) error {
			return func(ctx context.Context, args []string) error {
				if len(args) > 0 {
					return usagef("unexpected arguments %q", args)
				}
				fmt.Fprintf(g.stdout, "skillx %s (%s, %s/%s)\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
				return nil
			}
		},
	}
}
