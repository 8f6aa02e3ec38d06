// Command pare prunes multilingual LLMs and runs diffusion models at
// per-step mixed precision, on CPUs and in the browser.
//
// Run `pare help` for the list of commands and `pare COMMAND --help` for
// the flags of one.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
)

// command is one sub-command. run gets the arguments after the command's
// name; it returns a usageError for bad flags or arguments.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string) error
}

var commands = map[string]*command{}

func register(c *command) { commands[c.name] = c }

// usageError is bad input from the person at the keyboard: it prints one
// line and exits with status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...)}
}

// newFlags returns a FlagSet that reports errors instead of exiting, with a
// usage text made from the command's synopsis and its flags.
func newFlags(name, synopsis, about string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {} // flag calls Usage on every error; print help only for --help
	usages[fs] = func() {
		w := os.Stdout
		fmt.Fprintf(w, "usage: %s\n\n%s\n", synopsis, strings.TrimSpace(about))
		hasFlags := false
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprintf(w, "\nflags:\n")
			fs.SetOutput(w)
			fs.PrintDefaults()
			fs.SetOutput(io.Discard)
		}
	}
	return fs
}

// parseFlags parses args; --help prints the usage and returns errHelp.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usages[fs]()
			return errHelp
		}
		return usagef("%s: %v (see pare %s --help)", fs.Name(), err, fs.Name())
	}
	return nil
}

var errHelp = errors.New("help shown")

// usages holds the help text printer of each FlagSet made by newFlags.
var usages = map[*flag.FlagSet]func(){}

func main() {
	os.Exit(runMain(os.Args[1:]))
}

func runMain(args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				return report(c.run(context.Background(), []string{"--help"}))
			}
		}
		printHelp(os.Stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(os.Stderr, "pare: unknown command %q (commands: %s)\n", args[0], strings.Join(names(), ", "))
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return report(c.run(ctx, args[1:]))
}

// report prints err as one line and returns the exit status.
func report(err error) int {
	var ue usageError
	switch {
	case err == nil, errors.Is(err, errHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(os.Stderr, "pare: %v\n", err)
		return 2
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(os.Stderr, "pare: interrupted")
		return 130
	default:
		fmt.Fprintf(os.Stderr, "pare: %v\n", err)
		return 1
	}
}

func names() []string {
	var ns []string
	for n := range commands {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return ns
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "pare prunes multilingual LLMs and runs diffusion models at per-step mixed precision, on CPUs.")
	fmt.Fprintln(w, "\nusage: pare COMMAND [flags]\n\ncommands:")
	for _, n := range names() {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun `pare COMMAND --help` for the flags of a command.")
}
